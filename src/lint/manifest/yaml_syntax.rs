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
    let text = &source.text;
    let mut start = e.span.start.min(text.len());
    let mut end = e.span.end.clamp(start, text.len());
    if start == text.len() {
        // At the end of the file: point at the last character written instead of after it.
        end = text.trim_end().len();
        start = text[..end]
            .chars()
            .next_back()
            .map_or(end, |c| end - c.len_utf8());
    } else if start == end {
        end = start + text[start..].chars().next().map_or(0, char::len_utf8);
    }
    Diagnostic::new(&CHECK, &source.rel, format!("invalid YAML: {}", e.message))
        .at(start..end, Some("here".to_string()))
}
