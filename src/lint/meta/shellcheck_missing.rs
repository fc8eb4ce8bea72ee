//! WP900 shellcheck-missing.

use crate::diagnostic::Severity;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP900",
    slug: "shellcheck-missing",
    family: Family::Meta,
    severity: Severity::Info,
    summary: "shellcheck is not installed, so the rules scripts were not checked by it",
    why: "wazo-plugin runs shellcheck on sh and bash rules scripts when it finds it on PATH, and \
          reports its findings under their SC codes. Without it, quoting mistakes and other \
          shell pitfalls go unreported: this note says so once per run instead of skipping \
          silently. `--shellcheck never` turns it off on purpose.",
    example: "$ wazo-plugin lint myplugin     # shellcheck not on PATH\n",
    fixed: "$ sudo apt install shellcheck\n$ wazo-plugin lint myplugin\n",
};
