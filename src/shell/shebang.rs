//! The `#!` line: which interpreter runs the script.

use super::Span;

/// The interpreter family of a script, from its shebang.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ShellKind {
    /// POSIX sh, dash, ash.
    Sh,
    /// bash.
    Bash,
    /// make (`#!/usr/bin/make -f`).
    Make,
    /// Any other interpreter, by program name (`python3`, `perl`, `zsh`...).
    Other(String),
    /// No shebang line.
    None,
}

/// A parsed `#!` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shebang {
    /// The interpreter path as written (`/usr/bin/env`, `/bin/sh`).
    pub interpreter: String,
    /// The arguments after the interpreter (`bash` for `env bash`, `-f` for make).
    pub args: Vec<String>,
    /// The program that really runs the script: the interpreter's file name, or for
    /// `/usr/bin/env [-S] prog` the file name of `prog`.
    pub program: String,
    /// Byte range of the whole first line (without the line break).
    pub span: Span,
}

/// Reads the shebang line. A leading UTF-8 BOM and a trailing `\r` are tolerated here (other
/// checks report them), so that the rest of the analysis still runs.
pub fn shebang(text: &str) -> Option<Shebang> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    let line = &rest[..line_len];
    let body = line.strip_prefix("#!")?;
    let body = body.strip_suffix('\r').unwrap_or(body);
    let mut parts = body.split([' ', '\t']).filter(|p| !p.is_empty());
    let interpreter = parts.next()?.to_string();
    let args: Vec<String> = parts.map(str::to_string).collect();
    let mut program = base_name(&interpreter).to_string();
    if program == "env" {
        // `env [-S] [-i] [NAME=value]... prog`: the first word not an option or assignment.
        program = args
            .iter()
            .find(|a| !a.starts_with('-') && !a.contains('='))
            .map(|a| base_name(a).to_string())
            .unwrap_or_default();
    }
    Some(Shebang {
        interpreter,
        args,
        program,
        span: start..start + line_len,
    })
}

/// The interpreter family from the shebang line (see [`shebang`]).
pub fn shell_kind(text: &str) -> ShellKind {
    let Some(sb) = shebang(text) else {
        return ShellKind::None;
    };
    match sb.program.as_str() {
        "sh" | "dash" | "ash" => ShellKind::Sh,
        "bash" => ShellKind::Bash,
        "make" | "gmake" => ShellKind::Make,
        _ => ShellKind::Other(sb.program),
    }
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
