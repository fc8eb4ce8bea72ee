//! Where the cursor is in a plugin.yml, line by line (plugin.yml is a flat mapping with one
//! list of mappings, `depends`): on a key or a value, at the top level or under a parent key.
//! Used by completion and hover while the text is being typed, when it may not parse.

use std::ops::Range;

/// The place of a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place<'t> {
    /// On a key (or where one is being typed): `prefix` is the text from the key's start to the
    /// cursor, `span` the whole key as written so far.
    Key {
        parent: Option<&'t str>,
        prefix: &'t str,
        span: Range<usize>,
    },
    /// After `key:`: `span` is the value as written so far.
    Value {
        parent: Option<&'t str>,
        key: &'t str,
        span: Range<usize>,
    },
}

fn line_bounds(text: &str, at: usize) -> Range<usize> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    start..end
}

/// Where the key of a line starts (after its indentation and a `- `), relative to the line.
fn key_start(line: &str) -> usize {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    match rest.strip_prefix('-') {
        Some(after) if after.is_empty() || after.starts_with(' ') => {
            indent + 1 + (after.len() - after.trim_start_matches(' ').len())
        }
        _ => indent,
    }
}

/// The `:` that ends the key of `line` (followed by a space or the end of the line).
fn colon(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    (0..bytes.len()).find(|&i| {
        bytes[i] == b':'
            && bytes
                .get(i + 1)
                .is_none_or(|b| *b == b' ' || *b == b'\t' || *b == b'\r')
    })
}

/// The top-level key of the nearest line above `line_start` that starts at column 0.
fn parent(text: &str, line_start: usize) -> Option<&str> {
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let first = line.chars().next();
        if first.is_some_and(|c| c != ' ' && c != '#' && c != '-' && c != '\t' && c != '\r') {
            return colon(line).map(|c| line[..c].trim_end());
        }
        end = start.checked_sub(1)?;
    }
}

/// The place of the byte offset `at` (clamped to the text and to a character boundary).
pub fn place(text: &str, at: usize) -> Option<Place<'_>> {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let bounds = line_bounds(text, at);
    let line = &text[bounds.clone()];
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.trim_start().starts_with('#') {
        return None;
    }
    let start = key_start(line);
    let parent = if start == 0 {
        None
    } else {
        Some(parent(text, bounds.start)?)
    };
    let cursor = at - bounds.start;
    if cursor < start {
        return None;
    }
    match colon(line).filter(|&c| c >= start) {
        Some(c) if cursor > c => {
            let value_start = c + 1 + (line[c + 1..].len() - line[c + 1..].trim_start().len());
            Some(Place::Value {
                parent,
                key: line[start..c].trim_end(),
                span: bounds.start + value_start.min(line.len())..bounds.start + line.len(),
            })
        }
        colon => {
            let end = colon
                .map_or(line.trim_end().len(), |c| {
                    start + line[start..c].trim_end().len()
                })
                .max(cursor);
            Some(Place::Key {
                parent,
                prefix: &line[start..cursor],
                span: bounds.start + start..bounds.start + end,
            })
        }
    }
}

/// The top-level keys of the text.
pub fn top_keys(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            l.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .filter_map(|l| colon(l).map(|c| l[..c].trim_end()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_values_and_parents() {
        let text = "name: a\ndepends:\n  - name: b\n    vers\nnam";
        assert_eq!(
            place(text, 2),
            Some(Place::Key {
                parent: None,
                prefix: "na",
                span: 0..4
            })
        );
        assert_eq!(
            place(text, 7),
            Some(Place::Value {
                parent: None,
                key: "name",
                span: 6..7
            })
        );
        // `  - name: b`: the key starts after `- `.
        let at = text.find("name: b").unwrap() + 1;
        assert_eq!(
            place(text, at),
            Some(Place::Key {
                parent: Some("depends"),
                prefix: "n",
                span: at - 1..at + 3
            })
        );
        let at = text.find("vers").unwrap() + 4;
        assert_eq!(
            place(text, at),
            Some(Place::Key {
                parent: Some("depends"),
                prefix: "vers",
                span: at - 4..at
            })
        );
        assert_eq!(
            place(text, text.len()),
            Some(Place::Key {
                parent: None,
                prefix: "nam",
                span: text.len() - 3..text.len()
            })
        );
        assert_eq!(place("# c: d", 3), None);
        assert_eq!(top_keys(text), ["name", "depends"]);
        // An empty line at the top level: a key to type.
        assert_eq!(
            place("name: a\n\n", 8),
            Some(Place::Key {
                parent: None,
                prefix: "",
                span: 8..8
            })
        );
    }
}
