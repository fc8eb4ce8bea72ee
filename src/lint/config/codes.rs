//! Code selectors: `ALL`, a whole code (`WP302`, `SC2086`) or a prefix of codes (`WP3`, `SC`).

use crate::lint::registry;

/// A selector that names no code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown code `{text}`{hint}: expected ALL, a code or prefix of codes (WP3, WP302), or a shellcheck code (SC2086)"
)]
pub struct UnknownCode {
    text: String,
    hint: String,
}

/// A validated selector. Its prefix is empty for `ALL`; longer prefixes are more specific.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    prefix: String,
}

impl Selector {
    /// Reads a selector: `ALL`, a prefix of at least one wazo-plugin code (`WP`, `WP3`,
    /// `WP302`), or `SC` followed by up to four digits (shellcheck's codes).
    pub fn parse(text: &str) -> Result<Selector, UnknownCode> {
        let code = text.trim();
        if code == "ALL" {
            return Ok(Selector {
                prefix: String::new(),
            });
        }
        if let Some(digits) = code.strip_prefix("SC")
            && digits.len() <= 4
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Ok(Selector {
                prefix: code.to_string(),
            });
        }
        if code.starts_with("WP") && registry::checks().any(|c| c.code.starts_with(code)) {
            return Ok(Selector {
                prefix: code.to_string(),
            });
        }
        let hint = registry::checks()
            .map(|c| c.code)
            .find(|c| strsim::levenshtein(c, code) <= 1)
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        Err(UnknownCode {
            text: text.to_string(),
            hint,
        })
    }

    /// Whether the selector matches `code`.
    pub fn matches(&self, code: &str) -> bool {
        code.starts_with(&self.prefix)
    }

    /// How specific the selector is (the length of its prefix).
    pub fn specificity(&self) -> usize {
        self.prefix.len()
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix.is_empty() {
            f.write_str("ALL")
        } else {
            f.write_str(&self.prefix)
        }
    }
}

/// The most specific selector of `selectors` matching `code`, as its specificity.
pub fn best<'a>(selectors: impl IntoIterator<Item = &'a Selector>, code: &str) -> Option<usize> {
    selectors
        .into_iter()
        .filter(|s| s.matches(code))
        .map(Selector::specificity)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_codes() {
        assert!(Selector::parse("ALL").unwrap().matches("SC2086"));
        assert!(Selector::parse("WP3").unwrap().matches("WP302"));
        assert!(!Selector::parse("WP3").unwrap().matches("WP105"));
        assert!(Selector::parse("WP").unwrap().matches("WP105"));
        assert!(Selector::parse("SC").unwrap().matches("SC2086"));
        assert!(Selector::parse("SC20").unwrap().matches("SC2086"));
        assert!(Selector::parse("WP302").unwrap().matches("WP302"));
    }

    #[test]
    fn unknown_codes() {
        for bad in ["WP999", "WP9999", "XX1", "SC12345", "SCx", "", "all", "wp3"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
        let e = Selector::parse("WP3022").unwrap_err();
        assert!(e.to_string().contains("did you mean `WP302`"), "{e}");
    }
}
