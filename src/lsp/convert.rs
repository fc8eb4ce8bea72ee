//! From our data to the protocol's: byte offsets to UTF-16 positions, file URIs to paths,
//! diagnostics and fixes to LSP diagnostics and text edits.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types as lsp;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// The 0-based line and UTF-16 column of a byte offset, from the file's one line index.
pub fn position(file: &SourceFile, offset: usize) -> lsp::Position {
    let (line, character) = file.utf16_position(offset);
    lsp::Position::new(line as u32, character as u32)
}

/// The byte offset of a 0-based line and UTF-16 column, clamped to the line (a column inside
/// a surrogate pair goes to the character's start).
pub fn offset(file: &SourceFile, position: lsp::Position) -> usize {
    file.utf16_offset(position.line as usize, position.character as usize)
}

/// The range of a byte span.
pub fn range(file: &SourceFile, span: &std::ops::Range<usize>) -> lsp::Range {
    lsp::Range::new(position(file, span.start), position(file, span.end))
}

/// The local path of a `file:` URI.
pub fn uri_to_path(uri: &lsp::Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority (usually empty, sometimes "localhost") comes before the path.
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// The `file:` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> Option<lsp::Uri> {
    let mut text = String::from("file://");
    for component in path.components() {
        match component {
            std::path::Component::RootDir => {}
            std::path::Component::Normal(s) => {
                text.push('/');
                text.push_str(&crate::report::sarif::encode(&s.to_string_lossy()));
            }
            _ => return None,
        }
    }
    lsp::Uri::from_str(&text).ok()
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// An LSP diagnostic for one of ours on the document `uri` holding `file`.
pub fn diagnostic(d: &Diagnostic, uri: &lsp::Uri, file: &SourceFile) -> lsp::Diagnostic {
    let primary = d
        .primary
        .as_ref()
        .map_or_else(lsp::Range::default, |l| range(file, &l.span));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), range(file, &l.span)),
            message: l.text.clone().unwrap_or_default(),
        })
        .collect();
    lsp::Diagnostic {
        range: primary,
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: d
            .url
            .as_deref()
            .and_then(|u| lsp::Uri::from_str(u).ok())
            .map(|href| lsp::CodeDescription { href }),
        source: Some("wazo-plugin".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_round_trip() {
        let source = "a: é😀x\r\nb\n";
        let text = &SourceFile::new("f".into(), "f".into(), source.into());
        // 'x' is at byte 9: "a: " 3 + é 2 + 😀 4.
        assert_eq!(position(text, 9), lsp::Position::new(0, 6));
        assert_eq!(offset(text, lsp::Position::new(0, 6)), 9);
        // Inside the surrogate pair: back to the emoji's start.
        assert_eq!(offset(text, lsp::Position::new(0, 5)), 5);
        assert_eq!(position(text, 12), lsp::Position::new(1, 0));
        assert_eq!(offset(text, lsp::Position::new(9, 0)), source.len());
        assert_eq!(offset(text, lsp::Position::new(0, 99)), 11);
        assert_eq!(position(text, 6), lsp::Position::new(0, 4));
    }

    #[test]
    fn uris_and_paths() {
        let uri = lsp::Uri::from_str("file:///tmp/my%20plugin/wazo/plugin.yml").unwrap();
        let path = uri_to_path(&uri).unwrap();
        assert_eq!(path, PathBuf::from("/tmp/my plugin/wazo/plugin.yml"));
        assert_eq!(path_to_uri(&path).unwrap(), uri);
        let host = lsp::Uri::from_str("file://localhost/a/b").unwrap();
        assert_eq!(uri_to_path(&host).unwrap(), PathBuf::from("/a/b"));
        assert!(uri_to_path(&lsp::Uri::from_str("untitled:1").unwrap()).is_none());
    }
}
