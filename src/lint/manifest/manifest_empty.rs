//! WP102 manifest-empty.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::source::SourceFile;

pub const CHECK: Check = Check {
    code: "WP102",
    slug: "manifest-empty",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "plugin.yml has no content",
    why: "An empty plugin.yml (or one holding only comments) reads as no metadata at all: \
          wazo-plugind rejects it for its missing name, namespace and version.",
    example: "# TODO\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\n",
};

pub fn diagnostic(source: &SourceFile) -> Diagnostic {
    Diagnostic::new(&CHECK, &source.rel, "plugin.yml is empty")
        .help("plugin.yml needs at least `name`, `namespace` and `version`")
}
