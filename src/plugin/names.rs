//! The naming rules wazo-plugind applies to plugin names and namespaces.
//!
//! wazo-plugind validates `name` against `^[a-z0-9-]+$` and `namespace` against `^[a-z0-9]+$`
//! (with Python's `re.match`, so a trailing newline slips through upstream; we reject it).
//! The same rules apply to the `name` and `namespace` of each `depends` entry in our checks,
//! and to the names `wazo-plugin new` accepts.

/// What is wrong with a name or a namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    /// The value is empty.
    Empty,
    /// The character at this byte offset is not allowed.
    BadChar { offset: usize, ch: char },
}

fn first_bad(value: &str, allowed: impl Fn(char) -> bool) -> Option<NameProblem> {
    if value.is_empty() {
        return Some(NameProblem::Empty);
    }
    value
        .char_indices()
        .find(|&(_, c)| !allowed(c))
        .map(|(offset, ch)| NameProblem::BadChar { offset, ch })
}

fn name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

fn namespace_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Checks a plugin name against `^[a-z0-9-]+$`.
pub fn check_name(value: &str) -> Option<NameProblem> {
    first_bad(value, name_char)
}

/// Checks a plugin namespace against `^[a-z0-9]+$`.
pub fn check_namespace(value: &str) -> Option<NameProblem> {
    first_bad(value, namespace_char)
}

/// A valid name close to `value`: lowercased, `_`, `.` and spaces turned into `-`, other
/// characters dropped, dashes collapsed and trimmed. `None` when nothing valid is left.
pub fn suggest_name(value: &str) -> Option<String> {
    let mut out = String::new();
    for c in value.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            '_' | '.' | ' ' | '\t' => '-',
            c => c,
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        if name_char(c) {
            out.push(c);
        }
    }
    let out = out.trim_end_matches('-').to_string();
    (!out.is_empty()).then_some(out)
}

/// A valid namespace close to `value`: lowercased, every other character dropped.
pub fn suggest_namespace(value: &str) -> Option<String> {
    let out: String = value
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|&c| namespace_char(c))
        .collect();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(check_name("hello-world2"), None);
        assert_eq!(check_name(""), Some(NameProblem::Empty));
        assert_eq!(
            check_name("hello_world"),
            Some(NameProblem::BadChar { offset: 5, ch: '_' })
        );
        assert_eq!(
            check_name("foo\n"),
            Some(NameProblem::BadChar {
                offset: 3,
                ch: '\n'
            })
        );
        assert_eq!(
            check_name("héllo"),
            Some(NameProblem::BadChar {
                offset: 1, ch: 'é'
            })
        );
    }

    #[test]
    fn namespaces() {
        assert_eq!(check_namespace("acme42"), None);
        assert_eq!(
            check_namespace("my-corp"),
            Some(NameProblem::BadChar { offset: 2, ch: '-' })
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_name("Hello_World").as_deref(), Some("hello-world"));
        assert_eq!(suggest_name("  my plugin!  ").as_deref(), Some("my-plugin"));
        assert_eq!(suggest_name("__").as_deref(), None);
        assert_eq!(suggest_namespace("My-Corp").as_deref(), Some("mycorp"));
        assert_eq!(suggest_namespace("--"), None);
    }
}
