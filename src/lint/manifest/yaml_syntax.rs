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
    Diagnostic::new(&CHECK, &source.rel, format!("invalid YAML: {}", e.message)).at(
        source.visible_span(e.span.clone()),
        Some("here".to_string()),
    )
}
