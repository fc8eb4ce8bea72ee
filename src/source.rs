//! Source text and the one conversion from byte offsets to 1-based line and character columns.

use std::path::PathBuf;

/// A file of a plugin, as text, with its line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path shown to the user: the plugin as the user named it, joined with `rel`.
    pub display: PathBuf,
    /// The path inside the plugin folder, e.g. `wazo/plugin.yml`.
    pub rel: PathBuf,
    /// The text. Files that are not valid UTF-8 are read lossily where that is harmless.
    pub text: String,
    /// The byte ranges of the file's comments, as its parser located them (filled by the
    /// loader; empty when the file could not be parsed). Suppression comments are looked for
    /// there and nowhere else.
    pub comments: Vec<std::ops::Range<usize>>,
    line_starts: Vec<usize>,
}

/// A 1-based position: line, and column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(display: PathBuf, rel: PathBuf, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceFile {
            display,
            rel,
            text,
            comments: Vec::new(),
            line_starts,
        }
    }

    /// The 1-based line and character column of a byte offset. Offsets past the end, or inside a
    /// multi-byte character, are clamped to the nearest character boundary before them.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_index];
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: line_index + 1,
            column,
        }
    }

    /// The byte range of a 1-based line, without its line terminator.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some(start..end)
    }

    /// The byte offset of a 1-based line and character column (tabs count as one character),
    /// clamped to the line.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(range) = self.line_range(line) else {
            return self.text.len();
        };
        let line_text = &self.text[range.clone()];
        let skip = column.saturating_sub(1);
        range.start
            + line_text
                .char_indices()
                .nth(skip)
                .map_or(line_text.len(), |(i, _)| i)
    }

    /// A span worth underlining for an error found at `span`: an error at the very end of the
    /// file points at the last character written instead, and an empty span covers the
    /// character it stands before.
    pub fn visible_span(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let text = &self.text;
        let mut start = span.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span.end.clamp(start, text.len());
        if start == text.len() {
            end = text.trim_end().len();
            start = text[..end]
                .chars()
                .next_back()
                .map_or(end, |c| end - c.len_utf8());
        } else if start == end {
            end = start + text[start..].chars().next().map_or(0, char::len_utf8);
        }
        start..end
    }

    /// The 0-based line and UTF-16 column of a byte offset, as the language server protocol
    /// counts them (clamped as [`SourceFile::position`] does).
    pub fn utf16_position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_index];
        (line_index, self.text[start..offset].encode_utf16().count())
    }

    /// The byte offset of a 0-based line and UTF-16 column, clamped to the line (a column
    /// inside a surrogate pair goes to the character's start; a line past the end gives the
    /// text's end).
    pub fn utf16_offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line) else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            units += c.len_utf16();
            if units > column {
                return start + i;
            }
        }
        end
    }

    /// Number of lines (a final line without a newline counts).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("p".into(), "p".into(), text.to_string())
    }

    #[test]
    fn positions_count_characters() {
        let f = file("a: 1\nnamé: x_y\n\tz\r\nw");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(5), Position { line: 2, column: 1 });
        // 'x' after "namé: " is the 7th character but the 8th byte of the line.
        assert_eq!(f.position(12), Position { line: 2, column: 7 });
        assert_eq!(f.position(17), Position { line: 3, column: 2 });
        assert_eq!(f.position(20), Position { line: 4, column: 1 });
        assert_eq!(f.position(999), Position { line: 4, column: 2 });
        // Inside the two bytes of 'é': clamped back to its start.
        assert_eq!(f.position(9), Position { line: 2, column: 4 });
    }

    #[test]
    fn utf16_positions_round_trip() {
        // The emoji is two UTF-16 units.
        let f = file("a😀b\nc");
        assert_eq!(f.utf16_position(5), (0, 3));
        assert_eq!(f.utf16_offset(0, 3), 5);
        assert_eq!(f.utf16_offset(0, 2), 1);
        assert_eq!(f.utf16_position(7), (1, 0));
        assert_eq!(f.utf16_offset(1, 9), 8);
        assert_eq!(f.utf16_offset(5, 0), 8);
    }

    #[test]
    fn bom_is_a_character() {
        let f = file("\u{feff}name: x");
        assert_eq!(f.position(3), Position { line: 1, column: 2 });
    }

    #[test]
    fn offsets_round_trip() {
        let f = file("ab\r\nçd\te\n");
        assert_eq!(f.line_range(2), Some(4..9));
        assert_eq!(f.line_range(1), Some(0..2));
        assert_eq!(f.offset(2, 3), 7);
        assert_eq!(f.position(f.offset(2, 4)), Position { line: 2, column: 4 });
        assert_eq!(f.offset(9, 1), f.text.len());
        assert_eq!(f.line_range(0), None);
    }
}
