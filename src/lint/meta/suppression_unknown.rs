//! WP902 suppression-unknown.

use crate::diagnostic::Severity;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP902",
    slug: "suppression-unknown",
    family: Family::Meta,
    severity: Severity::Warning,
    summary: "A `# wazo-plugin: ignore[...]` comment names a code that does not exist",
    why: "A misspelt code suppresses nothing, and the finding it was meant for still shows. \
          Codes are WPnnn (see `wazo-plugin lint --list-rules`) or shellcheck's SCnnnn.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1 # wazo-plugin: ignore[WP3O4]\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};
