//! WP901 shellcheck-failed.

use crate::diagnostic::Severity;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP901",
    slug: "shellcheck-failed",
    family: Family::Meta,
    severity: Severity::Warning,
    summary: "shellcheck ran but failed, so its findings are missing",
    why: "shellcheck exits 0 or 1 with its findings; any other status (a bad option in \
          SHELLCHECK_OPTS or .shellcheckrc, an unreadable file, a crash) means it checked \
          nothing. The error is reported instead of pretending the scripts are clean.",
    example: "$ SHELLCHECK_OPTS=--bogus wazo-plugin lint myplugin\n",
    fixed: "$ wazo-plugin lint myplugin\n",
};
