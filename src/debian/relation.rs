//! One entry of `debian_depends`: a dependency as written in a binary package's `Depends` field.
//!
//! wazo-plugind joins the entries with `, ` into `Depends:`, so one entry is one dependency:
//! alternatives separated by `|`, each `name[:arch] [(op version)]`. What dpkg-deb accepts, with
//! the Debian policy on names (lower-case, at least two characters, since apt only knows such
//! names) and two more rules: a `,` inside an entry is reported (it makes two dependencies), and
//! the obsolete `<`/`>` operators and the implicit `(1.0)` are reported (dpkg only warns).
//! Architecture restrictions `[...]` and build profiles `<...>` belong to build dependencies and
//! are rejected, like dpkg-deb does in a binary package.

use std::ops::Range;

use super::version::check_version;
use super::{ValueProblem, describe_char};

/// A version operator of a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    /// `<<`: strictly earlier.
    Earlier,
    /// `<=`: earlier or equal.
    EarlierEq,
    /// `=`: exactly equal.
    Eq,
    /// `>=`: later or equal.
    LaterEq,
    /// `>>`: strictly later.
    Later,
}

impl RelOp {
    /// The operator as written in a control file.
    pub fn as_str(self) -> &'static str {
        match self {
            RelOp::Earlier => "<<",
            RelOp::EarlierEq => "<=",
            RelOp::Eq => "=",
            RelOp::LaterEq => ">=",
            RelOp::Later => ">>",
        }
    }
}

/// The `(op version)` part of a relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionConstraint {
    /// The operator.
    pub op: RelOp,
    /// Where the operator is, in the entry.
    pub op_span: Range<usize>,
    /// The version, a valid Debian version.
    pub version: String,
    /// Where the version is, in the entry.
    pub version_span: Range<usize>,
}

/// One package named in a dependency (one alternative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The package name.
    pub name: String,
    /// Where the name is, in the entry.
    pub name_span: Range<usize>,
    /// The architecture qualifier after `:` (`any`, `native`, `amd64`, ...) and its span.
    pub arch: Option<(String, Range<usize>)>,
    /// The version relation, when there is one.
    pub constraint: Option<VersionConstraint>,
}

/// Parses one `debian_depends` entry. On success the vector holds its alternatives, in order
/// (one element when there is no `|`). Spans and problem offsets are byte offsets into `entry`.
pub fn parse_dependency(entry: &str) -> Result<Vec<Relation>, ValueProblem> {
    if entry.trim_matches([' ', '\t']).is_empty() {
        return Err(ValueProblem::new(
            0,
            entry.len(),
            "a dependency must not be empty",
        ));
    }
    if let Some((i, c)) = entry
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\t')
    {
        let message = format!("a dependency must not contain {}", describe_char(c));
        return Err(ValueProblem::at_char(i, c, message));
    }
    if let Some(i) = entry.find(',') {
        return Err(ValueProblem::new(
            i,
            1,
            "one entry holds one dependency: put what follows `,` in its own list item",
        ));
    }
    let mut p = Parser { s: entry, pos: 0 };
    let mut alternatives = Vec::new();
    let mut bar = None;
    loop {
        alternatives.push(p.relation(bar)?);
        p.skip_ws();
        match p.peek() {
            None => return Ok(alternatives),
            Some('|') => {
                bar = Some(p.pos);
                p.pos += 1;
            }
            Some(c) => return Err(p.after_relation(c, alternatives.last())),
        }
    }
}

/// Characters that end a package or architecture name.
fn ends_name(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | ':' | '(' | ')' | '|' | '[' | ']' | '<' | '>'
    )
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn skip_ws(&mut self) {
        let rest = &self.s[self.pos..];
        self.pos += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }

    /// Takes the run of characters for which `keep` holds; returns its span.
    fn take(&mut self, keep: impl Fn(char) -> bool) -> Range<usize> {
        let start = self.pos;
        let rest = &self.s[start..];
        self.pos += rest.find(|c| !keep(c)).unwrap_or(rest.len());
        start..self.pos
    }

    /// A zero-or-one character problem at the current position.
    fn here(&self, message: impl Into<String>) -> ValueProblem {
        ValueProblem::new(self.pos, self.peek().map_or(0, char::len_utf8), message)
    }

    fn relation(&mut self, bar: Option<usize>) -> Result<Relation, ValueProblem> {
        self.skip_ws();
        let name_span = self.take(|c| !ends_name(c));
        let name = &self.s[name_span.clone()];
        if name.is_empty() {
            return Err(match (bar, self.peek()) {
                (Some(bar), None | Some('|')) => {
                    ValueProblem::new(bar, 1, "a package name must follow `|`")
                }
                (_, Some(c)) => self.here(format!(
                    "expected a package name, found {}",
                    describe_char(c)
                )),
                (None, None) => self.here("expected a package name"),
            });
        }
        check_package_name(name).map_err(|p| p.shifted(name_span.start))?;
        let arch = if self.peek() == Some(':') {
            Some(self.arch()?)
        } else {
            None
        };
        self.skip_ws();
        let constraint = if self.peek() == Some('(') {
            Some(self.constraint()?)
        } else {
            None
        };
        Ok(Relation {
            name: name.to_string(),
            name_span,
            arch,
            constraint,
        })
    }

    fn arch(&mut self) -> Result<(String, Range<usize>), ValueProblem> {
        let colon = self.pos;
        self.pos += 1;
        let span = self.take(|c| !ends_name(c));
        let arch = &self.s[span.clone()];
        if arch.is_empty() {
            return Err(ValueProblem::new(
                colon,
                1,
                "an architecture name (such as `any`) must follow `:`",
            ));
        }
        let bad = arch
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        if let Some((i, c)) = bad {
            let message = format!(
                "{} is not allowed in an architecture name (only a-z, 0-9 and `-`)",
                describe_char(c)
            );
            return Err(ValueProblem::at_char(span.start + i, c, message));
        }
        Ok((arch.to_string(), span))
    }

    fn constraint(&mut self) -> Result<VersionConstraint, ValueProblem> {
        let open = self.pos;
        self.pos += 1;
        self.skip_ws();
        let op_span = self.take(|c| matches!(c, '<' | '>' | '='));
        let op = match &self.s[op_span.clone()] {
            "<<" => RelOp::Earlier,
            "<=" => RelOp::EarlierEq,
            "=" => RelOp::Eq,
            ">=" => RelOp::LaterEq,
            ">>" => RelOp::Later,
            "" => {
                return Err(self.here("a version relation needs an operator such as `>=`"));
            }
            obsolete @ ("<" | ">") => {
                let message = format!(
                    "`{obsolete}` is obsolete and means `{obsolete}=`: write `{obsolete}{obsolete}` or `{obsolete}=`"
                );
                return Err(ValueProblem::new(op_span.start, 1, message));
            }
            other => {
                let message = format!(
                    "unknown version operator `{other}` (use `<<`, `<=`, `=`, `>=` or `>>`)"
                );
                return Err(ValueProblem::new(op_span.start, op_span.len(), message));
            }
        };
        self.skip_ws();
        let version_span = self.take(|c| !matches!(c, ' ' | '\t' | ')' | '(' | '|'));
        let version = &self.s[version_span.clone()];
        if version.is_empty() {
            return Err(self.here(format!("a version must follow `{}`", op.as_str())));
        }
        check_version(version).map_err(|p| p.shifted(version_span.start))?;
        self.skip_ws();
        match self.peek() {
            Some(')') => self.pos += 1,
            None => return Err(ValueProblem::new(open, 1, "this `(` is never closed")),
            Some(c) => {
                return Err(self.here(format!(
                    "expected `)` after the version, found {}",
                    describe_char(c)
                )));
            }
        }
        Ok(VersionConstraint {
            op,
            op_span,
            version: version.to_string(),
            version_span,
        })
    }

    /// The problem when something other than `|` or the end follows a relation.
    fn after_relation(&self, c: char, last: Option<&Relation>) -> ValueProblem {
        let rest = &self.s[self.pos..];
        let closing = match c {
            '[' => Some((']', "architecture restrictions `[...]`")),
            '<' => Some(('>', "build profiles `<...>`")),
            _ => None,
        };
        if let Some((close, what)) = closing {
            let len = rest.find(close).map_or(rest.len(), |i| i + 1);
            let message = format!("{what} are only allowed in build dependencies");
            return ValueProblem::new(self.pos, len, message);
        }
        let name = last.map_or("", |r| r.name.as_str());
        self.here(format!(
            "unexpected {} after the dependency on `{name}` (separate alternatives with `|`)",
            describe_char(c)
        ))
    }
}

/// Checks a package name against the Debian policy: `[a-z0-9][a-z0-9+.-]+`.
pub fn check_package_name(name: &str) -> Result<(), ValueProblem> {
    let mut chars = name.char_indices();
    match chars.next() {
        None => return Err(ValueProblem::new(0, 0, "a package name must not be empty")),
        Some((_, c)) if c.is_ascii_uppercase() => {
            return Err(ValueProblem::at_char(
                0,
                c,
                "Debian package names are lower-case",
            ));
        }
        Some((_, c)) if !(c.is_ascii_lowercase() || c.is_ascii_digit()) => {
            return Err(ValueProblem::at_char(
                0,
                c,
                "a Debian package name must start with a letter or a digit",
            ));
        }
        Some(_) => {}
    }
    for (i, c) in chars {
        if c.is_ascii_uppercase() {
            return Err(ValueProblem::at_char(
                i,
                c,
                "Debian package names are lower-case",
            ));
        }
        if !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '.' | '-')) {
            let message = format!(
                "{} is not allowed in a Debian package name (only a-z, 0-9 and `+.-`)",
                describe_char(c)
            );
            return Err(ValueProblem::at_char(i, c, message));
        }
    }
    if name.len() < 2 {
        return Err(ValueProblem::new(
            0,
            name.len(),
            "a Debian package name has at least two characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "relation_tests.rs"]
mod tests;
