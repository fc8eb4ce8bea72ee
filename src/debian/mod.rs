//! Debian package metadata rules: versions (deb-version(5)) and dependency relations.
//!
//! These are pure validators over one value taken from plugin.yml. A problem is reported with a
//! byte range *into the value*; the caller adds the value's own offset in the file.

pub mod relation;
pub mod version;

/// What is wrong with a value, and where inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueProblem {
    /// Byte offset of the offending part, from the start of the value.
    pub offset: usize,
    /// Length in bytes of the offending part (0 points between two characters, e.g. at the end).
    pub len: usize,
    /// Short human message: lower-case, no trailing period.
    pub message: String,
}

impl ValueProblem {
    /// A problem covering `len` bytes at `offset`.
    pub fn new(offset: usize, len: usize, message: impl Into<String>) -> Self {
        ValueProblem {
            offset,
            len,
            message: message.into(),
        }
    }

    /// A problem on the character `ch` found at `offset`.
    pub fn at_char(offset: usize, ch: char, message: impl Into<String>) -> Self {
        Self::new(offset, ch.len_utf8(), message)
    }

    /// The same problem moved `by` bytes to the right (for a value nested in a larger one).
    pub fn shifted(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }
}

/// Describes a character for a message: printable ones quoted, the others named.
pub(crate) fn describe_char(ch: char) -> String {
    match ch {
        '\n' => "a newline".to_string(),
        '\r' => "a carriage return".to_string(),
        '\t' => "a tab".to_string(),
        ' ' => "a space".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}
