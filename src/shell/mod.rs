//! The model of a `wazo/rules` script that the rules-script checks read.
//!
//! [`parse`] reads the script once: shell scripts (sh, bash, or no shebang) through brush-parser,
//! Makefiles (`#!/usr/bin/make -f`) through a small line scanner, anything else (python, perl...)
//! is kept as foreign text. [`dispatch`] then says how the script handles its first argument,
//! and [`Script::commands`], [`Script::expansions`] and [`Script::redirects`] list what the hygiene
//! checks look at. Every location is a byte range into the original text.

mod arms;
pub mod bashisms;
mod comments;
mod conditions;
mod dispatch;
mod make;
mod parse;
mod shebang;
pub mod shellcheck;
mod walk;
mod words;

#[cfg(test)]
mod tests;

use std::ops::Range;

pub use comments::comments;
pub use dispatch::{
    Arm, ArmId, DefaultArm, Dispatch, DispatchStyle, Outcome, Pattern, Table, dispatch,
};
pub use parse::{parse, parse_as_bash};
pub use shebang::{Shebang, ShellKind, shebang, shell_kind};
pub use words::sole_parameter;

/// A byte range into the script text.
pub type Span = Range<usize>;

/// A shell syntax error: where (byte range, possibly empty at end of input) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte range of the offending token, or an empty range where the error was detected.
    pub span: Span,
    /// What went wrong, without position (the renderer adds it).
    pub message: String,
    /// A real syntax error, or a script past the analysis limits.
    pub kind: SyntaxErrorKind,
}

/// Why a script could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The shell would reject the script too.
    Syntax,
    /// The script is too large or nests too deeply for the analysis (not necessarily wrong).
    TooComplex,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.span.start)
    }
}

impl std::error::Error for SyntaxError {}

/// The dialect a shell script was parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShellDialect {
    /// POSIX sh (also used for dash and scripts without a shebang).
    Sh,
    /// GNU bash.
    Bash,
}

impl ShellDialect {
    /// The name shellcheck's `-s` option takes.
    pub fn as_str(self) -> &'static str {
        match self {
            ShellDialect::Sh => "sh",
            ShellDialect::Bash => "bash",
        }
    }
}

/// A word of the script: its raw source text (quotes included) and its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The source text of the word, exactly as written.
    pub raw: String,
    /// Where the word is.
    pub span: Span,
}

impl Word {
    /// The word with quotes and backslashes removed (expansions are left as written).
    pub fn unquoted(&self) -> String {
        words::unquote(&self.raw)
    }
}

/// The kind of a redirection operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectOp {
    /// `<`
    Read,
    /// `>`
    Write,
    /// `>>`
    Append,
    /// `<>`
    ReadWrite,
    /// `>|`
    Clobber,
    /// `<&`
    DupInput,
    /// `>&`
    DupOutput,
    /// `&>` (bash)
    OutputAndError,
    /// `&>>` (bash)
    AppendOutputAndError,
    /// `<<<` (bash): the target is the string itself.
    HereString,
    /// `<<` or `<<-`: the target is the delimiter word.
    HereDoc,
}

impl RedirectOp {
    /// Whether this redirection may create or write the target file.
    pub fn writes_file(self) -> bool {
        matches!(
            self,
            RedirectOp::Write
                | RedirectOp::Append
                | RedirectOp::ReadWrite
                | RedirectOp::Clobber
                | RedirectOp::OutputAndError
                | RedirectOp::AppendOutputAndError
        )
    }
}

/// One redirection: operator, optional file descriptor and target word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The operator.
    pub op: RedirectOp,
    /// The explicit file descriptor (`2>`), if any.
    pub fd: Option<i32>,
    /// The target (file name, fd for duplications, here-string, or here-document delimiter).
    pub target: Word,
    /// Name of the function the redirection is written in, if any.
    pub function: Option<String>,
}

/// A simple command (`name arg... [redirections]`) found anywhere in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command name word; `None` for a bare assignment or redirection (`x=1`, `> f`).
    pub name: Option<Word>,
    /// Argument words, in order (assignment prefixes and redirections excluded).
    pub args: Vec<Word>,
    /// Assignment prefixes (`VAR=value cmd`) as written.
    pub assignments: Vec<Word>,
    /// Redirections of this command.
    pub redirects: Vec<Redirect>,
    /// Byte range covering all the command's words and redirections.
    pub span: Span,
    /// Name of the function the command is written in, if any.
    pub function: Option<String>,
}

/// A function definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The function name.
    pub name: String,
    /// The name word's byte range.
    pub name_span: Span,
    /// Byte range of the body (braces included).
    pub body: Span,
}

/// A parameter expansion: `$x`, `${x}`, `${x:-y}`, `$1`, `$@`...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The parameter name (`pkgdir`, `1`, `@`, `#`...).
    pub name: String,
    /// Byte range of the whole expansion, `$` and braces included.
    pub span: Span,
    /// Byte range of the name alone.
    pub name_span: Span,
    /// Whether braces were used (`${x}`).
    pub braced: bool,
    /// Whether the expansion sits inside double quotes.
    pub quoted: bool,
    /// Name of the function the expansion is written in, if any.
    pub function: Option<String>,
}

/// What [`parse`] found in the file, by interpreter.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// A shell script with its model.
    Shell(ShellModel),
    /// A Makefile's rules.
    Make(Vec<make::Rule>),
    /// A script for another interpreter (or an unknown one): not analysed.
    Foreign,
}

/// The parsed shell script: commands, functions, expansions, and what dispatch needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShellModel {
    pub(crate) commands: Vec<Command>,
    pub(crate) functions: Vec<Function>,
    pub(crate) expansions: Vec<Expansion>,
    /// Redirections on compound commands (`{ ...; } > f`), not attached to a simple command.
    pub(crate) compound_redirects: Vec<Redirect>,
    /// `[[ ]]` tests and `(( ))` commands, which only bash parses as such.
    pub(crate) bash_compounds: Vec<(Span, &'static str)>,
    pub(crate) program: Option<brush_parser::ast::Program>,
    /// Byte offset of each character (plus one past the end), to map brush positions.
    pub(crate) char_bytes: Vec<usize>,
}

/// A parsed rules script. Holds a copy of the text so spans can be sliced.
#[derive(Debug, Clone)]
pub struct Script {
    text: String,
    kind: ShellKind,
    dialect: Option<ShellDialect>,
    pub(crate) body: Body,
}

impl Script {
    /// The script text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The interpreter kind read from the shebang.
    pub fn kind(&self) -> &ShellKind {
        &self.kind
    }

    /// The dialect the script was parsed with, for shell scripts.
    pub fn dialect(&self) -> Option<ShellDialect> {
        self.dialect
    }

    /// The source text of a span (empty when the span is out of range).
    pub fn slice(&self, span: &Span) -> &str {
        self.text.get(span.clone()).unwrap_or("")
    }

    /// All simple commands, in source order (inside functions, pipelines, lists, subshells,
    /// command substitutions and compound commands too). Empty for non-shell scripts.
    pub fn commands(&self) -> &[Command] {
        match &self.body {
            Body::Shell(m) => &m.commands,
            _ => &[],
        }
    }

    /// All function definitions, in source order.
    pub fn functions(&self) -> &[Function] {
        match &self.body {
            Body::Shell(m) => &m.functions,
            _ => &[],
        }
    }

    /// All parameter expansions in words, redirections and here-documents, in source order.
    pub fn expansions(&self) -> &[Expansion] {
        match &self.body {
            Body::Shell(m) => &m.expansions,
            _ => &[],
        }
    }

    /// The `[[ ]]` tests and `(( ))` arithmetic commands (bash only), with what they are.
    pub fn bash_compounds(&self) -> &[(Span, &'static str)] {
        match &self.body {
            Body::Shell(m) => &m.bash_compounds,
            _ => &[],
        }
    }

    /// All redirections: those of simple commands and those of compound commands.
    pub fn redirects(&self) -> Vec<&Redirect> {
        let mut all: Vec<&Redirect> = self.commands().iter().flat_map(|c| &c.redirects).collect();
        if let Body::Shell(m) = &self.body {
            all.extend(&m.compound_redirects);
        }
        all.sort_by_key(|r| r.target.span.start);
        all
    }
}
