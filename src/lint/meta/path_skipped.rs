//! WP905 path-skipped.

use crate::diagnostic::Severity;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP905",
    slug: "path-skipped",
    family: Family::Meta,
    severity: Severity::Info,
    summary: "A file given to lint is not part of a plugin, and was skipped",
    why: "lint maps each file it is given to the plugin folder above it (the folder that holds \
          `wazo/`). pre-commit and editors pass files that may lie outside any plugin; such a \
          file is skipped with this note rather than stopping the run, and the other paths are \
          linted.",
    example: "$ wazo-plugin lint README.md hello/wazo/plugin.yml\n",
    fixed: "$ wazo-plugin lint hello/wazo/plugin.yml\n",
};
