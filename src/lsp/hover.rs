//! Hover documentation for the keys of plugin.yml, from the field table.

use std::ops::Range;

use crate::plugin::fields::{self, Field};
use crate::schema::field_description;

/// The top-level key under the byte offset `at` of a plugin.yml, with its span: the key of a
/// line that starts at column 0 (`key:`), when `at` is on that key.
pub fn key_at(text: &str, at: usize) -> Option<(&'static Field, Range<usize>)> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let key_len = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    if key_len == 0 || !line[key_len..].trim_start().starts_with(':') {
        return None;
    }
    let span = line_start..line_start + key_len;
    if at > span.end {
        return None;
    }
    fields::find(&line[..key_len]).map(|f| (f, span))
}

/// The Markdown shown when hovering `field`.
pub fn markdown(field: &Field) -> String {
    format!("**{}**\n\n{}", field.name, field_description(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_keys_only() {
        let text = "name: a\ndepends:\n  - name: b\nnamspace: x\nversion : \"1\"";
        let (f, span) = key_at(text, 2).unwrap();
        assert_eq!((f.name, span), ("name", 0..4));
        assert!(key_at(text, 6).is_none(), "on the value");
        assert_eq!(key_at(text, 8).unwrap().0.name, "depends");
        assert!(key_at(text, 22).is_none(), "nested");
        assert!(key_at(text, 32).is_none(), "unknown key");
        assert_eq!(key_at(text, text.len() - 8).unwrap().0.name, "version");
        assert!(markdown(fields::find("name").unwrap()).contains("Required"));
    }
}
