//! [`parse`]: the script text to a [`Script`], with guards so that no input can crash us.

use std::sync::Once;

use brush_parser::{ParseError, ParserOptions, TokenizerError, ast};

use super::walk::{Positions, Walker};
use super::{
    Body, Script, ShellDialect, ShellKind, ShellModel, SyntaxError, SyntaxErrorKind, make,
    shell_kind,
};

/// Scripts larger than this are not parsed (a rules script is a few kilobytes).
pub(crate) const MAX_SCRIPT_BYTES: usize = 1 << 20;
/// Deeper nesting than this (brackets, `$(`, compound commands) is refused before parsing:
/// brush-parser recurses on nesting.
pub(crate) const MAX_NESTING: usize = 200;
/// Bare `(` nested deeper than this are refused too: where they stay open, brush-parser's
/// backtracking (a subshell, or bash's `((` arithmetic?) doubles its time with each one; 30
/// took 23 s. Real scripts nest a few.
pub(crate) const MAX_SUBSHELL_NESTING: usize = 16;
/// Stack of the parser thread; enough for [`MAX_NESTING`] levels with a wide margin.
const PARSER_STACK_BYTES: usize = 256 << 20;
/// Scripts nesting at most this deep (nearly all rules scripts nest 2 or 3 levels) are parsed
/// on the calling thread, which saves a thread per script; the test
/// `inline_parse_fits_a_small_stack` runs such a script on a 2 MiB test thread in debug mode.
const INLINE_NESTING: usize = 12;
/// ... and at most this large: brush-parser's stack use can grow with flat repetition too (a
/// run of `!` recursed per word), so large scripts keep the big-stack thread whatever their
/// depth. `inline_parse_fits_a_small_stack` checks the worst flat constructs at this size.
const INLINE_BYTES: usize = 16 << 10;

thread_local! {
    /// Set while the calling thread runs the parser inline: its panics are ours to report.
    static PARSING_INLINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
const PARSER_THREAD: &str = "wazo-plugin-shell-parser";

/// Parses a rules script. Shell scripts (sh, dash, bash, or no shebang) are parsed with
/// brush-parser, in bash mode for bash and POSIX mode otherwise; Makefiles are scanned for
/// their rules; other interpreters are kept as text. Only shell scripts can fail, with the
/// first syntax error (or [`SyntaxErrorKind::TooComplex`] past the size and nesting limits).
/// A `#!/bin/sh` script that only bash parses, and whose bash constructs explain why, is
/// returned parsed as bash (its kind stays [`ShellKind::Sh`]; [`super::bashisms`] lists them).
/// Never panics.
pub fn parse(text: &str) -> Result<Script, SyntaxError> {
    let kind = shell_kind(text);
    let (dialect, body) = match &kind {
        ShellKind::Make => (None, Body::Make(make::rules(text))),
        ShellKind::Other(_) => (None, Body::Foreign),
        ShellKind::Bash => (Some(ShellDialect::Bash), Body::Shell(guarded(text, true)?)),
        ShellKind::Sh => match guarded(text, false) {
            Ok(model) => (Some(ShellDialect::Sh), Body::Shell(model)),
            // A #!/bin/sh script that only bash can read (arrays, `<<<`): read as bash, so
            // that its bashisms are reported (WP318) rather than a syntax error, when they
            // explain the failure.
            Err(e) if e.kind == SyntaxErrorKind::Syntax => match parse_as_bash(text) {
                Ok(script) if !super::bashisms::bashisms(&script).is_empty() => {
                    return Ok(script);
                }
                _ => return Err(e),
            },
            Err(e) => return Err(e),
        },
        ShellKind::None => (Some(ShellDialect::Sh), Body::Shell(guarded(text, false)?)),
    };
    Ok(Script {
        text: text.to_string(),
        kind,
        dialect,
        body,
    })
}

/// Parses a shell script as bash whatever its #! line says (the script keeps its kind): for a
/// `#!/bin/sh` script that only bash can read, so that its bashisms can be reported.
pub fn parse_as_bash(text: &str) -> Result<Script, SyntaxError> {
    Ok(Script {
        text: text.to_string(),
        kind: shell_kind(text),
        dialect: Some(ShellDialect::Bash),
        body: Body::Shell(guarded(text, true)?),
    })
}

/// Runs the parse and the walk on a thread with a large stack, after the size and nesting
/// guards, and turns a panic of the parser into an error.
fn guarded(text: &str, bash: bool) -> Result<ShellModel, SyntaxError> {
    if text.len() > MAX_SCRIPT_BYTES {
        return Err(too_complex(0..0, "the script is too large to analyse"));
    }
    let depth = match nesting(text) {
        Ok(depth) => depth,
        Err(at) => {
            return Err(too_complex(
                at..at,
                "the script nests too deeply to analyse",
            ));
        }
    };
    silence_parser_panics();
    if depth <= INLINE_NESTING && text.len() <= INLINE_BYTES {
        PARSING_INLINE.with(|flag| flag.set(true));
        let result = std::panic::catch_unwind(|| model(text, bash));
        PARSING_INLINE.with(|flag| flag.set(false));
        return result
            .unwrap_or_else(|_| Err(too_complex(0..0, "the shell parser failed on this script")));
    }
    let owned = text.to_string();
    let handle = std::thread::Builder::new()
        .name(PARSER_THREAD.to_string())
        .stack_size(PARSER_STACK_BYTES)
        .spawn(move || model(&owned, bash));
    match handle {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err(too_complex(0..0, "the shell parser failed on this script"))),
        Err(_) => Err(too_complex(0..0, "could not start the shell parser")),
    }
}

fn too_complex(span: super::Span, message: &str) -> SyntaxError {
    SyntaxError {
        span,
        message: message.to_string(),
        kind: SyntaxErrorKind::TooComplex,
    }
}

/// Parses and walks; runs on the parser thread.
fn model(text: &str, bash: bool) -> Result<ShellModel, SyntaxError> {
    let positions = Positions::new(text, 0);
    let program = brush_parse(text, bash).map_err(|e| syntax_error(e, &positions))?;
    let mut model = ShellModel::default();
    let mut walker = Walker {
        pos: positions,
        out: &mut model,
        function: None,
        depth: 0,
        bash,
    };
    walker.program(&program);
    model.char_bytes = std::rc::Rc::unwrap_or_clone(walker.pos.char_bytes);
    model.commands.sort_by_key(|c| c.span.start);
    model.expansions.sort_by_key(|e| e.span.start);
    model.program = Some(program);
    Ok(model)
}

/// brush-parser with the options of the dialect.
pub(crate) fn brush_parse(text: &str, bash: bool) -> Result<ast::Program, ParseError> {
    let options = ParserOptions {
        enable_extended_globbing: bash,
        posix_mode: !bash,
        sh_mode: !bash,
        ..ParserOptions::default()
    };
    brush_parser::Parser::new(std::io::BufReader::new(text.as_bytes()), &options).parse_program()
}

fn syntax_error(error: ParseError, pos: &Positions<'_>) -> SyntaxError {
    let at = |p: &brush_parser::SourcePosition| pos.byte(p.index);
    let end = pos.text.len();
    let (span, message) = match &error {
        ParseError::ParsingNear(p) => {
            let start = at(p);
            let len = pos.text[start..]
                .find(|c: char| c.is_whitespace())
                .unwrap_or(end - start)
                .max(1)
                .min(end - start);
            (
                start..start + len,
                token_message(&pos.text[start..start + len]),
            )
        }
        ParseError::ParsingAtEndOfInput => (end..end, "unexpected end of file".to_string()),
        ParseError::Tokenizing { inner, position } => {
            let fallback = position.as_ref().map_or(end, at);
            let (start, message) = match inner {
                TokenizerError::UnterminatedSingleQuote(p) => (at(p), "unterminated single quote"),
                TokenizerError::UnterminatedDoubleQuote(p) => (at(p), "unterminated double quote"),
                TokenizerError::UnterminatedAnsiCQuote(p) => (at(p), "unterminated $'...' quote"),
                TokenizerError::UnterminatedBackquote(p) => (at(p), "unterminated backquote"),
                TokenizerError::UnterminatedExtendedGlob(p) => {
                    (at(p), "unterminated extended glob")
                }
                _ => (fallback, ""),
            };
            let message = if message.is_empty() {
                inner.to_string()
            } else {
                message.to_string()
            };
            let len = pos.text[start..].chars().next().map_or(0, char::len_utf8);
            (start..start + len, message)
        }
    };
    SyntaxError {
        span,
        message,
        kind: SyntaxErrorKind::Syntax,
    }
}

fn token_message(token: &str) -> String {
    if token.is_empty() {
        "syntax error".to_string()
    } else {
        format!("syntax error near unexpected token `{token}`")
    }
}

/// A cheap upper estimate of the nesting depth: `Ok(deepest)`, or `Err(offset)` where it
/// exceeds [`MAX_NESTING`]. Counts brackets and compound-command keywords outside quotes and
/// comments; a `)` or `}` only closes its own kind, so `case` patterns do not lower the count.
/// A run of `!` words counts as nesting too: brush-parser recurses on each `!` of a `[[ ]]`
/// test. Bare `(` have a lower limit of their own, [`MAX_SUBSHELL_NESTING`].
fn nesting(text: &str) -> Result<usize, usize> {
    let mut deepest = 0;
    let mut stack: Vec<u8> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut word_start = true;
    let mut in_double = false;
    let mut bangs = 0usize;
    let mut subshells = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        let at_word_start = word_start && !in_double;
        word_start = b.is_ascii_whitespace() || b";&|()`".contains(&b);
        if !in_double && !b.is_ascii_whitespace() {
            let lone_bang = b == b'!'
                && at_word_start
                && bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace());
            bangs = if lone_bang { bangs + 1 } else { 0 };
            if bangs > MAX_NESTING {
                return Err(i);
            }
        }
        if in_double && !matches!(b, b'"' | b'\\' | b'$' | b')' | b'}') {
            i += 1;
            continue;
        }
        match b {
            b'"' => in_double = !in_double,
            b'$' if in_double => {
                if let Some(&open @ (b'(' | b'{')) = bytes.get(i + 1) {
                    stack.push(open);
                    i += 1;
                }
            }
            b'\\' => i += 1,
            b'\'' if !in_double => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'#' if at_word_start => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            // A bare `(` (a subshell, or bash's `((`) is kept apart from `$(`: see
            // MAX_SUBSHELL_NESTING.
            b'(' if i == 0 || bytes[i - 1] != b'$' => {
                stack.push(b'P');
                subshells += 1;
                if subshells > MAX_SUBSHELL_NESTING {
                    return Err(i);
                }
            }
            b'(' | b'{' => stack.push(b),
            b')' => match stack.last() {
                Some(b'P') => {
                    stack.pop();
                    subshells -= 1;
                }
                Some(b'(') => {
                    stack.pop();
                }
                _ => {}
            },
            b'}' if stack.last() == Some(&b'{') => {
                stack.pop();
            }
            c if at_word_start && c.is_ascii_lowercase() => {
                let len = bytes[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_lowercase())
                    .count();
                match &text[i..i + len] {
                    "if" | "case" | "while" | "until" | "for" | "select" => stack.push(b'k'),
                    "fi" | "esac" | "done" if stack.last() == Some(&b'k') => {
                        stack.pop();
                    }
                    _ => {}
                }
                i += len;
                continue;
            }
            _ => {}
        }
        deepest = deepest.max(stack.len() + bangs);
        if stack.len() > MAX_NESTING {
            return Err(i);
        }
        i += 1;
    }
    Ok(deepest)
}

/// Keeps panics of the parser thread off stderr (library code never prints); panics of any
/// other thread still go to the previous hook.
fn silence_parser_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let parsing = std::thread::current().name() == Some(PARSER_THREAD)
                || PARSING_INLINE.with(std::cell::Cell::get);
            if !parsing {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod inline_tests {
    use super::*;

    /// A script nesting `depth` levels of `if`, each testing a command substitution.
    fn nested(depth: usize) -> String {
        let mut text = String::from("#!/bin/sh\n");
        for i in 0..depth {
            text.push_str(&format!("if [ \"$(echo {i})\" = {i} ]; then\n"));
        }
        text.push_str("echo deep\n");
        for _ in 0..depth {
            text.push_str("fi\n");
        }
        text
    }

    #[test]
    fn inline_parse_fits_a_small_stack() {
        let text = nested(INLINE_NESTING);
        let depth = nesting(&text).unwrap();
        assert_eq!(depth, INLINE_NESTING);
        // The smallest stack a caller may have: a 2 MiB thread (cargo test's default).
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || parse(&text).map(|s| s.commands().len()))
            .unwrap();
        assert!(handle.join().unwrap().unwrap() >= INLINE_NESTING);
    }

    /// Flat repetitions up to [`INLINE_BYTES`], the largest a script parsed inline can be.
    fn flat(unit: &str) -> String {
        let mut text = String::from("#!/bin/bash\n");
        while text.len() + unit.len() < INLINE_BYTES {
            text.push_str(unit);
        }
        text
    }

    #[test]
    fn flat_scripts_at_the_inline_limit_fit_a_small_stack() {
        let cases = [
            flat("true && "),
            flat("true || "),
            flat("echo | "),
            flat("x=1; "),
            flat("echo a\n"),
            flat("[[ -n a && -n b ]] && "),
            flat("echo $((1+1+1)) "),
            flat("a=$(echo b) "),
            format!("{}true\n", flat("true &&\n")),
            {
                let mut t = String::from("#!/bin/sh\ncase \"$1\" in\n");
                while t.len() < INLINE_BYTES - 64 {
                    t.push_str("  a) ;;\n");
                }
                t.push_str("esac\n");
                t
            },
            {
                let mut t = String::from("#!/bin/sh\nif true; then :\n");
                while t.len() < INLINE_BYTES - 64 {
                    t.push_str("elif true; then :\n");
                }
                t.push_str("fi\n");
                t
            },
        ];
        for text in cases {
            let len = text.len();
            let inline = nesting(&text).is_ok_and(|d| d <= INLINE_NESTING) && len <= INLINE_BYTES;
            let handle = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || parse(&text).is_ok() || parse(&text).is_err())
                .unwrap();
            assert!(handle.join().unwrap(), "{len} bytes, inline: {inline}");
        }
    }

    #[test]
    fn deeper_scripts_still_parse_on_their_own_thread() {
        let text = nested(60);
        assert!(nesting(&text).unwrap() > INLINE_NESTING);
        assert!(parse(&text).is_ok());
    }
}
