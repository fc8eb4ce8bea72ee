//! The Debian version format, as `dpkg-deb --build` accepts it in the `Version` field.
//!
//! `[epoch:]upstream_version[-debian_revision]` (deb-version(5)):
//! - the epoch is everything before the first `:`; dpkg reads it with `strtol`, so it is an
//!   optional `+` and digits, at most 2147483647;
//! - the revision is everything after the last `-`, made of ASCII letters, digits and `.+~`;
//! - the upstream version is the rest: it starts with a digit and holds ASCII letters, digits and
//!   `.+~-:` (a `-` only exists there when a revision follows, a `:` only after an epoch).
//!
//! dpkg trims spaces around the field and rejects embedded ones; we reject every whitespace
//! character at its position, since a value with a newline would also break the control file.

use super::{ValueProblem, describe_char};

/// The largest epoch dpkg accepts (`INT_MAX`).
const MAX_EPOCH: u64 = i32::MAX as u64;

/// Checks `v` against what dpkg-deb accepts as a `Version`. The problem points into `v`.
pub fn check_version(v: &str) -> Result<(), ValueProblem> {
    if v.is_empty() {
        return Err(ValueProblem::new(
            0,
            0,
            "a Debian version must not be empty",
        ));
    }
    if let Some((i, c)) = v.char_indices().find(|&(_, c)| c.is_whitespace()) {
        return Err(ValueProblem::at_char(
            i,
            c,
            format!("a Debian version must not contain {}", describe_char(c)),
        ));
    }
    let (rest_start, rest) = match v.find(':') {
        Some(colon) => {
            check_epoch(&v[..colon], colon)?;
            if colon + 1 == v.len() {
                return Err(ValueProblem::new(
                    colon,
                    1,
                    "a version must follow the epoch and its `:`",
                ));
            }
            (colon + 1, &v[colon + 1..])
        }
        None => (0, v),
    };
    let (upstream, revision) = match rest.rfind('-') {
        Some(dash) => {
            if dash + 1 == rest.len() {
                return Err(ValueProblem::new(
                    rest_start + dash,
                    1,
                    "a Debian revision must follow the last `-`",
                ));
            }
            (
                &rest[..dash],
                Some((rest_start + dash + 1, &rest[dash + 1..])),
            )
        }
        None => (rest, None),
    };
    check_upstream(upstream, rest_start, rest)?;
    if let Some((start, revision)) = revision
        && let Some((i, c)) = revision.char_indices().find(|&(_, c)| !revision_char(c))
    {
        return Err(ValueProblem::at_char(
            start + i,
            c,
            format!(
                "{} is not allowed in a Debian revision (only letters, digits and `.+~`)",
                describe_char(c)
            ),
        ));
    }
    Ok(())
}

/// The epoch: what dpkg's `strtol` reads as a non-negative number up to `INT_MAX`.
fn check_epoch(epoch: &str, colon: usize) -> Result<(), ValueProblem> {
    if epoch.is_empty() {
        return Err(ValueProblem::new(
            colon,
            1,
            "an epoch (a number) must come before `:`",
        ));
    }
    if epoch.starts_with('-') {
        return Err(ValueProblem::new(0, 1, "an epoch must not be negative"));
    }
    let digits_start = usize::from(epoch.starts_with('+'));
    let digits = &epoch[digits_start..];
    if let Some((i, c)) = digits.char_indices().find(|&(_, c)| !c.is_ascii_digit()) {
        return Err(ValueProblem::at_char(
            digits_start + i,
            c,
            "an epoch (before the first `:`) must be a number",
        ));
    }
    if digits.is_empty() {
        return Err(ValueProblem::new(
            colon,
            1,
            "an epoch (a number) must come before `:`",
        ));
    }
    let trimmed = digits.trim_start_matches('0');
    let too_big = trimmed.len() > 10 || trimmed.parse::<u64>().is_ok_and(|n| n > MAX_EPOCH);
    if too_big {
        return Err(ValueProblem::new(
            0,
            colon,
            format!("an epoch must be at most {MAX_EPOCH}"),
        ));
    }
    Ok(())
}

/// The upstream version: starts with a digit, allowed characters only.
fn check_upstream(upstream: &str, start: usize, rest: &str) -> Result<(), ValueProblem> {
    match upstream.chars().next() {
        Some(c) if c.is_ascii_digit() => {}
        Some(c) => {
            return Err(ValueProblem::at_char(
                start,
                c,
                "a Debian version must start with a digit",
            ));
        }
        // Only when `rest` starts with the `-` of a revision.
        None => {
            let len = rest.chars().next().map_or(0, char::len_utf8);
            return Err(ValueProblem::new(
                start,
                len,
                "a Debian version must start with a digit",
            ));
        }
    }
    if let Some((i, c)) = upstream.char_indices().find(|&(_, c)| !upstream_char(c)) {
        return Err(ValueProblem::at_char(
            start + i,
            c,
            format!(
                "{} is not allowed in a Debian version (only letters, digits and `.+~-:`)",
                describe_char(c)
            ),
        ));
    }
    Ok(())
}

fn upstream_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~' | '-' | ':')
}

fn revision_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted() {
        for v in [
            "0",
            "1.0",
            "1A",
            "1:2",
            "1:2:3",
            "+1:2",
            "2147483647:1",
            "0001:1",
            "1-2-3",
            "1.0-~",
            "1.0~rc1+b.2",
            "23.05.1-wazo1",
            "2:1.2+dfsg-3~bpo12+1",
        ] {
            assert_eq!(check_version(v), Ok(()), "{v:?}");
        }
    }

    #[test]
    fn rejected_at_offset() {
        // (value, offset, len, start of the message)
        let cases: &[(&str, usize, usize, &str)] = &[
            ("", 0, 0, "a Debian version must not be empty"),
            ("v1.0", 0, 1, "a Debian version must start with a digit"),
            ("1.0_beta", 3, 1, "`_` is not allowed in a Debian version"),
            ("1.0 x", 3, 1, "a Debian version must not contain a space"),
            ("1.0\n", 3, 1, "a Debian version must not contain a newline"),
            (" 1.0", 0, 1, "a Debian version must not contain a space"),
            (
                "a:1",
                0,
                1,
                "an epoch (before the first `:`) must be a number",
            ),
            (
                "1.0-1:2",
                1,
                1,
                "an epoch (before the first `:`) must be a number",
            ),
            (":1", 0, 1, "an epoch (a number) must come before `:`"),
            ("+:1", 1, 1, "an epoch (a number) must come before `:`"),
            ("-1:2", 0, 1, "an epoch must not be negative"),
            ("2147483648:1", 0, 10, "an epoch must be at most 2147483647"),
            ("99999999999:1", 0, 11, "an epoch must be at most"),
            ("1:", 1, 1, "a version must follow the epoch"),
            ("1.0-", 3, 1, "a Debian revision must follow the last `-`"),
            ("-1", 0, 1, "a Debian version must start with a digit"),
            ("1:-1", 2, 1, "a Debian version must start with a digit"),
            ("1:v2", 2, 1, "a Debian version must start with a digit"),
            ("1.0-a_b", 5, 1, "`_` is not allowed in a Debian revision"),
            (
                "1.0-a:b",
                1,
                1,
                "an epoch (before the first `:`) must be a number",
            ),
            ("1.0é", 3, 2, "`é` is not allowed in a Debian version"),
            ("1.0-é", 4, 2, "`é` is not allowed in a Debian revision"),
            (
                "1\u{1}",
                1,
                1,
                "the control character U+0001 is not allowed",
            ),
            ("1.0/2", 3, 1, "`/` is not allowed"),
        ];
        for &(v, offset, len, message) in cases {
            let p = check_version(v).expect_err(v);
            assert_eq!((p.offset, p.len), (offset, len), "{v:?}: {p:?}");
            assert!(p.message.starts_with(message), "{v:?}: {p:?}");
            assert!(!p.message.ends_with('.'), "{v:?}");
        }
    }
}
