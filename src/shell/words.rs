//! Reading the raw text of words: quote removal, glob detection, parameter expansions and
//! command substitutions.

/// Removes quotes and backslash escapes from a word, leaving expansions as written.
pub(crate) fn unquote(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    let mut in_double = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' if !in_double => {
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    out.push(q);
                }
            }
            '"' => in_double = !in_double,
            '\\' => match chars.next() {
                Some(n) if !in_double || matches!(n, '$' | '`' | '"' | '\\' | '\n') => {
                    if n != '\n' {
                        out.push(n);
                    }
                }
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

/// Whether a word contains an unquoted glob character (`*`, `?`, `[`).
pub(crate) fn has_unquoted_glob(raw: &str) -> bool {
    let mut chars = raw.chars();
    let mut in_double = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' if !in_double => {
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                }
            }
            '"' => in_double = !in_double,
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' if !in_double => return true,
            _ => {}
        }
    }
    false
}

/// Whether a word is exactly a reference to the first positional parameter:
/// `$1`, `"$1"`, `${1}`, `"${1}"`, and the forms that give a default when it is unset
/// (`"${1:-}"`, `"${1-}"`, `${1:-help}`), common under `set -u`.
pub(crate) fn is_first_arg(raw: &str) -> bool {
    sole_parameter(raw).as_deref() == Some("1")
}

/// The parameter a word expands and nothing else: `$x`, `"${x}"`, `${x:-}`, `"${x-default}"`
/// give `x` (a default without expansions or quotes is allowed); `None` for anything else.
pub fn sole_parameter(raw: &str) -> Option<String> {
    let bare = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let is_name = |n: &str| {
        !n.is_empty()
            && (n.bytes().all(|b| b.is_ascii_digit())
                || n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && !n.as_bytes()[0].is_ascii_digit())
    };
    if let Some(name) = bare.strip_prefix('$')
        && !name.starts_with('{')
    {
        // `$12` is `${1}2`: only single digits stand alone.
        let ok = is_name(name) && (name.len() == 1 || !name.as_bytes()[0].is_ascii_digit());
        return ok.then(|| name.to_string());
    }
    let inner = bare.strip_prefix("${")?.strip_suffix('}')?;
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(end);
    if !is_name(name) {
        return None;
    }
    if rest.is_empty() {
        return Some(name.to_string());
    }
    let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'))?;
    (!default.contains(['$', '`', '"', '\'', '}'])).then(|| name.to_string())
}

/// A parameter expansion found in a word, relative to the word's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawExpansion {
    pub name: String,
    pub start: usize,
    pub end: usize,
    pub name_start: usize,
    pub braced: bool,
    pub quoted: bool,
}

/// Finds the parameter expansions in the raw text of a word (or of an unquoted here-document).
/// Offsets are byte offsets into `raw`. Command substitutions are not entered (they are parsed
/// as commands, see [`command_substitutions`]).
pub(crate) fn expansions(raw: &str, heredoc: bool) -> Vec<RawExpansion> {
    let bytes = raw.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut in_double = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if !in_double && !heredoc => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'"' if !heredoc => {
                in_double = !in_double;
                i += 1;
            }
            b'\\' => i += 2,
            b'$' => i = expansion_at(raw, i, in_double || heredoc, &mut found),
            _ => i += 1,
        }
    }
    found
}

/// Reads the expansion starting at the `$` at `i`, pushes what it finds and returns where to
/// continue.
fn expansion_at(raw: &str, i: usize, quoted: bool, found: &mut Vec<RawExpansion>) -> usize {
    let bytes = raw.as_bytes();
    let Some(&next) = bytes.get(i + 1) else {
        return i + 1;
    };
    if next == b'{' {
        let close = matching(bytes, i + 1, b'{', b'}').unwrap_or(bytes.len());
        let inner_start = i + 2;
        let inner = &raw[inner_start..close.min(raw.len())];
        // `${#x}` and `${!x}` name x.
        let skip =
            usize::from(inner.len() > 1 && (inner.starts_with('#') || inner.starts_with('!')));
        let name_len = name_len(&inner.as_bytes()[skip..]);
        if name_len > 0 {
            found.push(RawExpansion {
                name: inner[skip..skip + name_len].to_string(),
                start: i,
                end: (close + 1).min(raw.len()),
                name_start: inner_start + skip,
                braced: true,
                quoted,
            });
        }
        // Nested expansions in the operand: `${x:-$y}`.
        let rest_start = inner_start + skip + name_len;
        for mut e in expansions(&raw[rest_start..close.min(raw.len())], quoted) {
            e.start += rest_start;
            e.end += rest_start;
            e.name_start += rest_start;
            found.push(e);
        }
        return close + 1;
    }
    if next == b'(' {
        // Command substitution or arithmetic: skip, commands inside are parsed separately,
        // but `$x` inside arithmetic is an expansion.
        let close = matching(bytes, i + 1, b'(', b')').unwrap_or(bytes.len());
        if bytes.get(i + 2) == Some(&b'(') {
            let inner = &raw[i + 2..close.min(raw.len())];
            for mut e in expansions(inner, true) {
                e.start += i + 2;
                e.end += i + 2;
                e.name_start += i + 2;
                found.push(e);
            }
        }
        return close + 1;
    }
    let len = if next.is_ascii_digit() || b"@*#?-$!".contains(&next) {
        1
    } else {
        name_len(&bytes[i + 1..])
    };
    if len == 0 {
        return i + 1;
    }
    found.push(RawExpansion {
        name: raw[i + 1..i + 1 + len].to_string(),
        start: i,
        end: i + 1 + len,
        name_start: i + 1,
        braced: false,
        quoted,
    });
    i + 1 + len
}

/// Length of the variable name (or special/positional parameter) at the start of `bytes`.
fn name_len(bytes: &[u8]) -> usize {
    match bytes.first() {
        Some(c) if c.is_ascii_digit() => bytes.iter().take_while(|b| b.is_ascii_digit()).count(),
        Some(c) if b"@*#?-$!".contains(c) => 1,
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => bytes
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count(),
        _ => 0,
    }
}

/// Index of the bracket closing the one at `open_at`, skipping quotes and escapes.
fn matching(bytes: &[u8], open_at: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open_at;
    let mut in_double = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == b'\'' && !in_double && open == b'(' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'\'' {
                i += 1;
            }
        } else if b == b'"' {
            in_double = !in_double;
        } else if b == open && (!in_double || open == b'{') {
            depth += 1;
        } else if b == close && (!in_double || open == b'{') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The command substitutions `$(...)` and `` `...` `` of a word: byte ranges of their inner
/// text, relative to the word. Arithmetic `$((...))` is not a command substitution.
pub(crate) fn command_substitutions(raw: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = raw.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut in_double = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' if !in_double => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'"' => {
                in_double = !in_double;
                i += 1;
            }
            b'\\' => i += 2,
            b'$' if bytes.get(i + 1) == Some(&b'(') => {
                let close = matching(bytes, i + 1, b'(', b')').unwrap_or(bytes.len());
                if bytes.get(i + 2) != Some(&b'(') {
                    found.push(i + 2..close.min(bytes.len()));
                }
                i = close + 1;
            }
            b'`' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'`' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                found.push(i + 1..j.min(bytes.len()));
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    found
}

#[cfg(test)]
mod first_arg_tests {
    use super::is_first_arg;

    #[test]
    fn forms_of_the_first_argument() {
        for yes in [
            "$1",
            "\"$1\"",
            "${1}",
            "\"${1}\"",
            "\"${1:-}\"",
            "${1-}",
            "\"${1:-help}\"",
        ] {
            assert!(is_first_arg(yes), "{yes}");
        }
        for no in ["$2", "\"$10\"", "${1:-$2}", "${1:+x}", "\"$1x\"", "${11}"] {
            assert!(!is_first_arg(no), "{no}");
        }
    }
}
