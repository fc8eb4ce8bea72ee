//! Where a rules script's comments are, as its parser reads it.
//!
//! Shell scripts: brush-parser's tokenizer skips a comment without making a token of it, so a
//! `#` that no token covers starts a comment, which runs to the end of its line. A `#` inside a
//! word, a quoted string or a here-document is part of a token and starts nothing. Makefiles:
//! make's own rule, a `#` not escaped by `\` outside a recipe line, and a recipe line whose
//! command is a shell comment. Other interpreters are not parsed: a `#` at the start of a line
//! (after blanks) or after a blank is taken as a comment.

use brush_parser::TokenizerOptions;

use super::{ShellKind, Span, shell_kind};

/// The byte ranges of the comments of a script, `#` included, line ends excluded. Empty when
/// a shell script cannot be tokenized (its comments are unknown then, not guessed).
pub fn comments(text: &str) -> Vec<Span> {
    match shell_kind(text) {
        ShellKind::Sh | ShellKind::None => shell_comments(text, false),
        ShellKind::Bash => shell_comments(text, true),
        ShellKind::Make => make_comments(text),
        ShellKind::Other(_) => loose_comments(text),
    }
}

fn shell_comments(text: &str, bash: bool) -> Vec<Span> {
    let options = TokenizerOptions {
        enable_extended_globbing: bash,
        posix_mode: !bash,
        sh_mode: !bash,
    };
    let Ok(tokens) = brush_parser::uncached_tokenize_str(text, &options) else {
        return Vec::new();
    };
    // Token positions are character indexes.
    let char_bytes: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let byte = |index: usize| char_bytes.get(index).copied().unwrap_or(text.len());
    // A line break's token starts where the comment before it starts: leave those out.
    let mut covered: Vec<Span> = tokens
        .iter()
        .filter(|t| t.to_str() != "\n")
        .map(|t| {
            let l = t.location();
            byte(l.start.index)..byte(l.end.index)
        })
        .collect();
    covered.sort_by_key(|s| s.start);
    let mut out = Vec::new();
    let mut next_token = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find('#') {
        let hash = at + found;
        while next_token < covered.len() && covered[next_token].end <= hash {
            next_token += 1;
        }
        let inside = covered[next_token..]
            .iter()
            .take_while(|s| s.start <= hash)
            .any(|s| s.contains(&hash));
        let end = line_end(text, hash);
        if inside {
            at = hash + 1;
        } else {
            out.push(hash..end);
            at = end;
        }
    }
    out
}

fn make_comments(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(recipe) = body.strip_prefix('\t') {
            let lead = recipe.len() - recipe.trim_start().len();
            if recipe.trim_start().starts_with('#') {
                out.push(start + 1 + lead..start + body.len());
            }
        } else {
            let bytes = body.as_bytes();
            if let Some(i) =
                (0..bytes.len()).find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1] != b'\\'))
            {
                out.push(start + i..start + body.len());
            }
        }
        start += line.len();
    }
    out
}

fn loose_comments(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let bytes = body.as_bytes();
        if let Some(i) = (0..bytes.len())
            .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()))
        {
            out.push(start + i..start + body.len());
        }
        start += line.len();
    }
    out
}

fn line_end(text: &str, from: usize) -> usize {
    let end = text[from..].find('\n').map_or(text.len(), |i| from + i);
    if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::comments;

    fn texts(script: &str) -> Vec<&str> {
        comments(script).into_iter().map(|s| &script[s]).collect()
    }

    #[test]
    fn shell_comments_are_not_strings() {
        let s = "#!/bin/sh\n# top\necho \"# not\" '# not' a#b # yes\ncat <<EOF\n# heredoc\nEOF\n  # indented\n";
        assert_eq!(texts(s), ["#!/bin/sh", "# top", "# yes", "# indented"]);
    }

    #[test]
    fn parameter_lengths_are_not_comments() {
        let s = "x=${#HOME} # c\necho $# ${x#y}\n";
        assert_eq!(texts(s), ["# c"]);
    }

    #[test]
    fn makefile_comments() {
        let s = "#!/usr/bin/make -f\n# top\nbuild: # trailing\n\t# recipe comment\n\techo a\\#b\n";
        assert_eq!(
            texts(s),
            [
                "#!/usr/bin/make -f",
                "# top",
                "# trailing",
                "# recipe comment"
            ]
        );
    }

    #[test]
    fn crlf_is_left_out() {
        assert_eq!(texts("# a\r\necho\r\n"), ["# a"]);
    }
}
