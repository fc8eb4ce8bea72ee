//! WP100 yaml-syntax.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::yaml::YamlError;
use crate::source::SourceFile;

pub const CHECK: Check = Check {
    code: "WP100",
    slug: "yaml-syntax",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "plugin.yml is not valid YAML",
    why: "wazo-plugind reads plugin.yml with PyYAML's safe_load. A syntax error stops the \
          installation at the extracting step, with the cause only in wazo-plugind's debug log.",
    example: "name: helloworld\nnamespace: demo\nversion: [0.0.1\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\n",
};

pub fn diagnostic(source: &SourceFile, e: &YamlError) -> Diagnostic {
    let d = Diagnostic::new(&CHECK, &source.rel, format!("invalid YAML: {}", e.message));
    match tab_of(&source.text, e) {
        Some(tab) => d
            .at(tab..tab + 1, Some("this tab".to_string()))
            .help("indent with spaces: YAML does not allow tabs here"),
        None => d.at(
            source.visible_span(e.span.clone()),
            Some("here".to_string()),
        ),
    }
}

/// The tab an error about a tab is about. The parser's position is not on it: "found a tab"
/// is reported where the scalar before it started (the tab comes later, often on the next
/// line), "tabs disallowed" just after it.
fn tab_of(text: &str, e: &YamlError) -> Option<usize> {
    if !e.message.contains("tab") {
        return None;
    }
    let at = e.span.start.min(text.len());
    let (head, tail) = (text.get(..at)?, text.get(at..)?);
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    let before = head[line_start..].rfind('\t').map(|i| line_start + i);
    let after = tail.find('\t').map(|i| at + i);
    if e.message.contains("found a tab") {
        after.or(before)
    } else {
        before.or(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(text: &str) -> (usize, usize) {
        let e = crate::plugin::yaml::parse(text).unwrap_err();
        let source = SourceFile::new(
            "p/wazo/plugin.yml".into(),
            "wazo/plugin.yml".into(),
            text.to_string(),
        );
        let d = diagnostic(&source, &e);
        let span = d.primary.unwrap().span;
        assert_eq!(&text[span.clone()], "\t", "{}: {text:?}", e.message);
        let p = source.position(span.start);
        (p.line, p.column)
    }

    #[test]
    fn tab_errors_point_at_the_tab() {
        assert_eq!(position("name: x\nnamespace: y\n\tversion: 1\n"), (3, 1));
        assert_eq!(position("name: x\n\tnamespace: y\n"), (2, 1));
        assert_eq!(position("depends:\n\t- a\n"), (2, 1));
        assert_eq!(position("a:\n  b: 1\n\t c: 2\n"), (3, 1));
        assert_eq!(position("name: x\nnamespace:\n\ty\n"), (3, 1));
    }
}
