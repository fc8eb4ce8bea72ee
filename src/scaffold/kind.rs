//! The rules a variable's value must follow. Flags, `-d`, prompts and defaults all go through
//! [`Kind::check`], so a value is accepted or refused the same way wherever it comes from.

use serde::Deserialize;

use crate::plugin::names::{
    NameProblem, check_name, check_namespace, suggest_name, suggest_namespace,
};

/// The kind of a template variable, named in `template.json` as `"kind": "..."`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One line of text without control characters (may be empty). The default kind.
    Text,
    /// A plugin name: `^[a-z0-9-]+$`.
    Name,
    /// A plugin namespace: `^[a-z0-9]+$`.
    Namespace,
    /// A Debian upstream version: starts with a digit, then `A-Za-z0-9.+~-`.
    Version,
    /// `plugin_format_version`: 0 or 1. Rendered as an integer.
    FormatVersion,
    /// A Python identifier: `^[A-Za-z_][A-Za-z0-9_]*$`.
    Identifier,
    /// Python identifiers joined by dots (an entry point group).
    Dotted,
    /// A service or context name: `^[a-z0-9][a-z0-9_-]*$`.
    Slug,
    /// An Asterisk extension to dial: digits, `*` and `#`.
    Extension,
    /// Two digits, the ordering prefix of a conf.d file.
    Priority,
}

/// Why a value is refused, and a close valid value when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub problem: String,
    pub suggestion: Option<String>,
}

fn refuse(problem: impl Into<String>, suggestion: Option<String>) -> Result<(), Refusal> {
    Err(Refusal {
        problem: problem.into(),
        suggestion,
    })
}

fn name_problem(problem: NameProblem, allowed: &str) -> String {
    match problem {
        NameProblem::Empty => format!("it is empty; use only {allowed}"),
        NameProblem::BadChar { offset, ch } => {
            format!("{ch:?} at byte {offset} is not allowed; use only {allowed}")
        }
    }
}

fn only(value: &str, allowed: impl Fn(char) -> bool) -> Option<char> {
    value.chars().find(|&c| !allowed(c))
}

fn underscored(value: &str) -> Option<String> {
    let s: String = value
        .trim()
        .chars()
        .map(|c| if c == '-' || c == ' ' { '_' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    super::template::is_identifier(&s).then_some(s)
}

impl Kind {
    /// Checks `value` against this kind's rule.
    pub fn check(self, value: &str) -> Result<(), Refusal> {
        match self {
            Kind::Text => match value.chars().find(|c| c.is_control()) {
                Some(c) => refuse(format!("{c:?} is not allowed: give one line of text"), None),
                None => Ok(()),
            },
            Kind::Name => match check_name(value) {
                Some(p) => refuse(
                    name_problem(p, "lowercase letters, digits and -"),
                    suggest_name(value).filter(|s| s != value),
                ),
                None => Ok(()),
            },
            Kind::Namespace => match check_namespace(value) {
                Some(p) => refuse(
                    name_problem(p, "lowercase letters and digits, no -"),
                    suggest_namespace(value).filter(|s| s != value),
                ),
                None => Ok(()),
            },
            Kind::Version => {
                let fix = value.trim().trim_start_matches(['v', 'V']).to_string();
                let fix = (fix != value && Kind::Version.check(&fix).is_ok()).then_some(fix);
                if !value.starts_with(|c: char| c.is_ascii_digit()) {
                    return refuse("a Debian version starts with a digit", fix);
                }
                match only(value, |c| c.is_ascii_alphanumeric() || ".+~-".contains(c)) {
                    Some(c) => refuse(
                        format!("{c:?} is not allowed in a version (A-Z a-z 0-9 . + ~ -)"),
                        fix,
                    ),
                    None => Ok(()),
                }
            }
            Kind::FormatVersion => match value {
                "0" | "1" => Ok(()),
                "2" => refuse(
                    "2 is accepted by wazo-plugind but undocumented and means the same as 1",
                    Some("1".into()),
                ),
                _ => refuse("plugin_format_version is 0 or 1", Some("1".into())),
            },
            Kind::Identifier => {
                if super::template::is_identifier(value) {
                    Ok(())
                } else {
                    refuse(
                        "not a Python identifier (letters, digits and _, not starting with a digit)",
                        underscored(value),
                    )
                }
            }
            Kind::Dotted => {
                if value.split('.').all(super::template::is_identifier) {
                    Ok(())
                } else {
                    refuse("not a dotted Python name such as wazo_calld.plugins", None)
                }
            }
            Kind::Slug => {
                let first_ok = value
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
                let rest_bad = only(value, |c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                });
                if first_ok && rest_bad.is_none() {
                    Ok(())
                } else {
                    refuse(
                        "use lowercase letters, digits, - and _, starting with a letter or digit",
                        suggest_name(value).filter(|s| s != value),
                    )
                }
            }
            Kind::Extension => {
                if !value.is_empty()
                    && only(value, |c| c.is_ascii_digit() || c == '*' || c == '#').is_none()
                {
                    Ok(())
                } else {
                    refuse("an extension is made of digits, * and #", None)
                }
            }
            Kind::Priority => {
                if value.len() == 2 && value.chars().all(|c| c.is_ascii_digit()) {
                    Ok(())
                } else {
                    let fix = value
                        .parse::<u8>()
                        .ok()
                        .filter(|n| *n < 100)
                        .map(|n| format!("{n:02}"));
                    refuse("give two digits, such as 50", fix)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(Kind, &str, Option<Option<&str>>)] = &[
            (Kind::Text, "Adds ***42", None),
            (Kind::Text, "two\nlines", Some(None)),
            (Kind::Name, "hello-world", None),
            (Kind::Name, "Hello_World", Some(Some("hello-world"))),
            (Kind::Namespace, "my-corp", Some(Some("mycorp"))),
            (Kind::Version, "0.1.0", None),
            (Kind::Version, "v1.2", Some(Some("1.2"))),
            (Kind::Version, "1.0_beta", Some(None)),
            (Kind::FormatVersion, "1", None),
            (Kind::FormatVersion, "2", Some(Some("1"))),
            (Kind::Identifier, "acme_hello", None),
            (Kind::Identifier, "acme-hello", Some(Some("acme_hello"))),
            (Kind::Identifier, "4x", Some(None)),
            (Kind::Dotted, "wazo_calld.plugins", None),
            (Kind::Dotted, "wazo-calld.plugins", Some(None)),
            (Kind::Slug, "wazo-calld", None),
            (Kind::Slug, "Wazo Calld", Some(Some("wazo-calld"))),
            (Kind::Extension, "***42", None),
            (Kind::Extension, "42a", Some(None)),
            (Kind::Priority, "50", None),
            (Kind::Priority, "5", Some(Some("05"))),
        ];
        for (kind, value, expected) in cases {
            let got = kind.check(value).err().map(|r| r.suggestion);
            let expected = expected.map(|s| s.map(str::to_string));
            assert_eq!(got, expected, "{kind:?} {value:?}");
        }
    }
}
