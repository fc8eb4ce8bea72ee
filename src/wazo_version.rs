//! Wazo versions (`23.05`, `24.01.1`) as used by `min_wazo_version` and `max_wazo_version`.
//!
//! wazo-plugind checks them against the running Wazo version as Python *strings*
//! (marshmallow `Range` over `str`), so upstream `25.9` sorts after `25.10`. Our lint orders
//! them numerically, component by component, like Python's `LooseVersion`;
//! [`string_order_differs`] tells where the two orders disagree.

use std::cmp::Ordering;

use crate::debian::{ValueProblem, describe_char};

/// A well-formed Wazo version: two or more numeric components. Equality and order are numeric
/// (`24.01` equals `24.1`; a missing trailing component sorts first: `23.05` < `23.05.1`).
#[derive(Debug, Clone)]
pub struct WazoVersion {
    parts: Vec<u64>,
}

impl WazoVersion {
    /// The numeric components, in order.
    pub fn parts(&self) -> &[u64] {
        &self.parts
    }
}

impl PartialEq for WazoVersion {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for WazoVersion {}

impl PartialOrd for WazoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WazoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}

const SHAPE: &str = "a Wazo version looks like 23.05";

/// Checks that `v` looks like a Wazo version: digits separated by single dots, at least two
/// components (`YY.MM`, optionally `.N` more). The problem points into `v`.
pub fn check_wazo_version(v: &str) -> Result<WazoVersion, ValueProblem> {
    if v.is_empty() {
        return Err(ValueProblem::new(
            0,
            0,
            format!("{SHAPE}, not an empty string"),
        ));
    }
    if let Some((i, c)) = v
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
    {
        let message = format!("{} is not allowed: {SHAPE}", describe_char(c));
        return Err(ValueProblem::at_char(i, c, message));
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for part in v.split('.') {
        if part.is_empty() {
            // An empty component sits next to a dot: point at that dot.
            let dot = if start < v.len() { start } else { start - 1 };
            return Err(ValueProblem::new(
                dot,
                1,
                format!("a dot must sit between two numbers: {SHAPE}"),
            ));
        }
        let n = part.parse::<u64>().map_err(|_| {
            ValueProblem::new(start, part.len(), "this version component is too large")
        })?;
        parts.push(n);
        start += part.len() + 1;
    }
    if parts.len() < 2 {
        return Err(ValueProblem::new(
            0,
            v.len(),
            format!("{SHAPE}: a year, a dot and a month"),
        ));
    }
    Ok(WazoVersion { parts })
}

/// How Python orders the two strings (code point order, which is UTF-8 byte order).
pub fn string_cmp(a: &str, b: &str) -> Ordering {
    a.as_bytes().cmp(b.as_bytes())
}

/// True when wazo-plugind's string comparison and the numeric one disagree on `a` against `b`
/// (e.g. `25.9` and `25.10`, or `24.1` and `24.01`). False when either is not a Wazo version.
pub fn string_order_differs(a: &str, b: &str) -> bool {
    match (check_wazo_version(a), check_wazo_version(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y) != string_cmp(a, b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed() {
        let cases: &[(&str, &[u64])] = &[
            ("23.05", &[23, 5]),
            ("20.10", &[20, 10]),
            ("24.01.1", &[24, 1, 1]),
            ("17.17", &[17, 17]),
            ("0.0", &[0, 0]),
        ];
        for &(v, parts) in cases {
            let version = check_wazo_version(v).unwrap_or_else(|p| panic!("{v:?}: {p:?}"));
            assert_eq!(version.parts(), parts, "{v:?}");
        }
    }

    #[test]
    fn malformed_at_offset() {
        let cases: &[(&str, usize, usize, &str)] = &[
            (
                "",
                0,
                0,
                "a Wazo version looks like 23.05, not an empty string",
            ),
            ("23", 0, 2, "a Wazo version looks like 23.05: a year"),
            (
                "v23.05",
                0,
                1,
                "`v` is not allowed: a Wazo version looks like 23.05",
            ),
            ("23.05 ", 5, 1, "a space is not allowed"),
            ("23.05\n", 5, 1, "a newline is not allowed"),
            ("23-05", 2, 1, "`-` is not allowed"),
            ("23.05-rc1", 5, 1, "`-` is not allowed"),
            (".23", 0, 1, "a dot must sit between two numbers"),
            ("23.", 2, 1, "a dot must sit between two numbers"),
            ("23..05", 3, 1, "a dot must sit between two numbers"),
            (
                "23.99999999999999999999",
                3,
                20,
                "this version component is too large",
            ),
        ];
        for &(v, offset, len, message) in cases {
            let p = check_wazo_version(v).expect_err(v);
            assert_eq!((p.offset, p.len), (offset, len), "{v:?}: {p:?}");
            assert!(p.message.starts_with(message), "{v:?}: {p:?}");
        }
    }

    #[test]
    fn numeric_order_and_string_order() {
        // (a, b, numeric order of a against b, do the string and numeric orders differ)
        let cases: &[(&str, &str, Ordering, bool)] = &[
            ("23.05", "23.10", Ordering::Less, false),
            ("25.9", "25.10", Ordering::Less, true),
            ("25.1", "25.10", Ordering::Less, false),
            ("24.1", "24.01", Ordering::Equal, true),
            ("23.05", "23.05.1", Ordering::Less, false),
            ("9.01", "10.01", Ordering::Less, true),
            ("24.01", "24.01", Ordering::Equal, false),
        ];
        for &(a, b, order, differs) in cases {
            let (x, y) = (check_wazo_version(a), check_wazo_version(b));
            let (x, y) = (x.expect("valid"), y.expect("valid"));
            assert_eq!(x.cmp(&y), order, "{a} vs {b}");
            assert_eq!(string_order_differs(a, b), differs, "{a} vs {b}");
            assert_eq!(string_order_differs(b, a), differs, "{b} vs {a}");
        }
        assert!(!string_order_differs("x", "25.10"));
    }
}
