//! Constructs that bash runs and dash (Debian's /bin/sh) does not: read from the parsed script
//! (commands, words, expansions, redirections), not from shellcheck.

use super::{RedirectOp, Script, Span, Word};

/// One bash-only construct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bashism {
    /// Where it is.
    pub span: Span,
    /// What it is (`[[ ]]`, `set -o pipefail`).
    pub what: &'static str,
    /// The POSIX form, or what to do.
    pub instead: &'static str,
}

/// Commands dash does not have.
const NOT_IN_DASH: &[(&str, &str)] = &[
    ("source", "use `. file`"),
    ("declare", "assign plainly (`x=1`); dash has no declare"),
    ("typeset", "assign plainly (`x=1`); dash has no typeset"),
    ("shopt", "drop it: dash has no shopt"),
    ("pushd", "use `cd` (in a subshell to come back)"),
    ("popd", "use `cd` (in a subshell to come back)"),
    ("let", "use `x=$((x + 1))`"),
    ("mapfile", "read lines with `while read -r line`"),
    ("readarray", "read lines with `while read -r line`"),
];

/// The bash-only constructs of a shell script, in source order.
pub fn bashisms(script: &Script) -> Vec<Bashism> {
    let mut found = Vec::new();
    let text = script.text();
    let mut push = |span: Span, what, instead| {
        found.push(Bashism {
            span,
            what,
            instead,
        })
    };
    for (span, what) in script.bash_compounds() {
        let instead = if *what == "[[ ]]" {
            "use `[ ]` (with `=`, and quoted operands); patterns need `case`"
        } else {
            "use `: $((...))` or `[ $((...)) -ne 0 ]`"
        };
        push(
            span.clone(),
            if *what == "[[ ]]" {
                "`[[ ]]`"
            } else {
                "`(( ))`"
            },
            instead,
        );
    }
    for c in script.commands() {
        for w in c.assignments.iter().chain(&c.args) {
            if let Some((_, value)) = w.raw.split_once('=')
                && value.starts_with('(')
                && w.raw.split('=').next().is_some_and(is_name)
            {
                push(
                    w.span.clone(),
                    "an array",
                    "use a space-separated string, or the positional parameters (`set -- a b`)",
                );
            }
        }
        let Some(name) = &c.name else {
            for w in &c.assignments {
                word_bashisms(w, &mut push);
            }
            continue;
        };
        let unquoted = name.unquoted();
        // dash reads `(( x++ ))` as two subshells running a command `x++`.
        let line_start = text[..name.span.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let before = text
            .get(line_start..name.span.start)
            .unwrap_or("")
            .trim_end();
        if let Some(prefix) = before.strip_suffix("((")
            && prefix.trim().is_empty()
        {
            push(
                line_start + prefix.len()..c.span.end,
                "`(( ))`",
                "use `: $((...))` or `[ $((...)) -ne 0 ]`",
            );
        }
        if let Some((_, instead)) = NOT_IN_DASH.iter().find(|(n, _)| *n == unquoted) {
            push(name.span.clone(), not_in_dash_name(&unquoted), instead);
        }
        match unquoted.as_str() {
            "[[" => push(
                c.span.clone(),
                "`[[ ]]`",
                "use `[ ]` (with `=`, and quoted operands); patterns need `case`",
            ),
            "[" | "test" => {
                if let Some(op) = c.args.iter().find(|a| a.raw == "==") {
                    push(op.span.clone(), "`==` in `[ ]`", "use `=`");
                }
            }
            "set" => {
                let pipefail = c.args.windows(2).find(|w| {
                    w[0].raw.starts_with('-')
                        && !w[0].raw.starts_with("--")
                        && w[0].raw.ends_with('o')
                        && w[1].unquoted() == "pipefail"
                });
                if let Some(w) = pipefail {
                    push(
                        w[0].span.start..w[1].span.end,
                        "`set -o pipefail`",
                        "drop it (dash has no pipefail) and check the status of each command of the pipeline",
                    );
                }
            }
            _ => {}
        }
        for w in std::iter::once(name).chain(&c.args).chain(&c.assignments) {
            word_bashisms(w, &mut push);
        }
    }
    for f in script.functions() {
        let line_start = text[..f.name_span.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let before = text.get(line_start..f.name_span.start).unwrap_or("");
        if let Some(at) = before.rfind("function")
            && before[at + "function".len()..].trim().is_empty()
            && before[..at].trim().is_empty()
        {
            let start = line_start + at;
            push(
                start..f.name_span.end,
                "`function name`",
                "write `name() { ... }`",
            );
        }
    }
    for e in script.expansions() {
        let raw = script.slice(&e.span);
        if let Some((what, instead)) = expansion_bashism(raw, &e.name) {
            push(e.span.clone(), what, instead);
        }
    }
    for r in script.redirects() {
        let (op, what, instead) = match r.op {
            RedirectOp::HereString => (
                "<<<",
                "a here-string `<<<`",
                "use `printf '%s\\n' ... |` or a here-document",
            ),
            RedirectOp::OutputAndError => ("&>", "`&>`", "use `> file 2>&1`"),
            RedirectOp::AppendOutputAndError => ("&>>", "`&>>`", "use `>> file 2>&1`"),
            // dash reads `cmd &> f` as `cmd &` (in the background) then `> f`.
            RedirectOp::Write | RedirectOp::Append => {
                let before = text.get(..r.target.span.start).unwrap_or("").trim_end();
                let op = if r.op == RedirectOp::Write {
                    "&>"
                } else {
                    "&>>"
                };
                if !before.ends_with(op) {
                    continue;
                }
                let what = if r.op == RedirectOp::Write {
                    "`&>`"
                } else {
                    "`&>>`"
                };
                (op, what, "use `> file 2>&1`")
            }
            _ => continue,
        };
        let before = text.get(..r.target.span.start).unwrap_or("");
        let start = before.rfind(op).unwrap_or(r.target.span.start);
        push(start..r.target.span.end, what, instead);
    }
    found.sort_by_key(|b| b.span.start);
    found.dedup_by(|a, b| a.span == b.span);
    found
}

fn not_in_dash_name(name: &str) -> &'static str {
    match name {
        "source" => "`source`",
        "declare" => "`declare`",
        "typeset" => "`typeset`",
        "shopt" => "`shopt`",
        "pushd" => "`pushd`",
        "popd" => "`popd`",
        "let" => "`let`",
        "mapfile" => "`mapfile`",
        _ => "`readarray`",
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.as_bytes()[0].is_ascii_digit()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `${v//a/b}`, `${v:0:1}`, `${!v}`, `${v^^}`, `${a[1]}`.
fn expansion_bashism(raw: &str, name: &str) -> Option<(&'static str, &'static str)> {
    let inner = raw.strip_prefix("${")?.strip_suffix('}')?;
    if let Some(rest) = inner.strip_prefix('!')
        && rest.starts_with(name)
    {
        return Some((
            "an indirect expansion `${!v}`",
            "use `eval` with care, or a case",
        ));
    }
    let rest = inner.strip_prefix(name)?;
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some('/'), _) => Some((
            "a replacement `${v/a/b}`",
            "use `$(printf '%s' \"$v\" | sed 's/a/b/g')`",
        )),
        (Some(':'), Some(c)) if c.is_ascii_digit() || c == ' ' || c == '$' || c == '(' => Some((
            "a substring `${v:i:n}`",
            "use `$(printf '%s' \"$v\" | cut -c...)`, or `${v#prefix}` / `${v%suffix}`",
        )),
        (Some('^' | ','), _) => Some((
            "a case conversion `${v^^}`",
            "use `$(printf '%s' \"$v\" | tr a-z A-Z)`",
        )),
        (Some('['), _) => Some(("an array element `${a[i]}`", "use plain variables")),
        _ => None,
    }
}

/// `$'...'` and brace expansion (`{a,b}`, `{1..3}`) in a word, outside quotes.
fn word_bashisms(word: &Word, push: &mut impl FnMut(Span, &'static str, &'static str)) {
    let bytes = word.raw.as_bytes();
    let mut i = 0;
    let mut in_double = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
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
            b'$' if !in_double && bytes.get(i + 1) == Some(&b'\'') => {
                let start = word.span.start + i;
                let end = word.raw[i + 2..]
                    .find('\'')
                    .map_or(word.span.end, |e| word.span.start + i + 2 + e + 1);
                push(start..end, "`$'...'` quoting", "use `printf` for escapes");
                i += 2;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
                i += 1;
            }
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                // Skip the expansion: its braces are not a brace expansion.
                let mut depth = 0;
                while i < bytes.len() {
                    match bytes[i] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b'{' if !in_double => {
                let close = word.raw[i..].find('}').map(|c| i + c);
                if let Some(close) = close {
                    let inside = &word.raw[i + 1..close];
                    let brace = !inside.contains(['$', '"', '\'', ' '])
                        && (inside.contains(',') || is_sequence(inside));
                    if brace {
                        push(
                            word.span.start + i..word.span.start + close + 1,
                            "a brace expansion `{a,b}`",
                            "write the words out",
                        );
                        i = close + 1;
                        continue;
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
}

/// `1..3`, `a..z`.
fn is_sequence(inside: &str) -> bool {
    inside.split_once("..").is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && !b.contains("..") && a.len() <= 4 && b.len() <= 4
    })
}

#[cfg(test)]
mod tests {
    use super::bashisms;

    fn found(line: &str) -> Vec<&'static str> {
        let text = format!("#!/bin/sh\n{line}\n");
        let script = crate::shell::parse(&text)
            .or_else(|_| crate::shell::parse_as_bash(&text))
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        bashisms(&script).into_iter().map(|b| b.what).collect()
    }

    #[test]
    fn each_bash_construct_is_found_once() {
        for line in [
            "set -o pipefail",
            "set -euo pipefail",
            "if [[ -n \"$x\" ]]; then :; fi",
            "function f { :; }",
            "a=(1 2)",
            "[ \"$a\" == b ]",
            "source ./lib.sh",
            "echo $'a\\tb'",
            "cat <<< hi",
            "echo {a,b}",
            "echo {1..3}",
            "echo ${v//a/b}",
            "echo ${v:0:1}",
            "echo ${v^^}",
            "echo ${!v}",
            "echo ${a[1]}",
            "ls &> /dev/null",
            "declare -a x",
            "(( x++ ))",
        ] {
            assert_eq!(found(line).len(), 1, "{line}: {:?}", found(line));
        }
    }

    #[test]
    fn posix_forms_are_not_bashisms() {
        for line in [
            "set -eu",
            "[ \"$a\" = b ]",
            ". ./lib.sh",
            "echo ${v#x} ${v%y} ${v:-x} ${v:=x} ${#v}",
            "echo '{a,b}' \"{a,b}\" '$x'",
            "awk '{print $1}' f",
            "find . -exec rm {} \\;",
            "x=$(date) y=\"(a)\"",
            "f() { local x=1; }",
            "echo $((1 + 2))",
            "ls > /dev/null 2>&1",
        ] {
            assert!(found(line).is_empty(), "{line}: {:?}", found(line));
        }
    }
}
