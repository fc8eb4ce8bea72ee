//! WP103 manifest-not-mapping.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::yaml::Node;
use crate::source::SourceFile;

pub const CHECK: Check = Check {
    code: "WP103",
    slug: "manifest-not-mapping",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "plugin.yml is not a mapping of keys to values",
    why: "wazo-plugind expects plugin.yml to hold `key: value` pairs. A list or a lone value at \
          the top level fails its validation.",
    example: "- name: helloworld\n- namespace: demo\n- version: 0.0.1\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\n",
};

pub fn diagnostic(source: &SourceFile, root: &Node) -> Diagnostic {
    Diagnostic::new(
        &CHECK,
        &source.rel,
        format!("plugin.yml must be a mapping, found {}", root.type_name()),
    )
    .at(
        root.span.clone(),
        Some("expected `key: value` pairs".to_string()),
    )
}
