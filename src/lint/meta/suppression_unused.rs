//! WP903 suppression-unused.

use crate::diagnostic::Severity;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP903",
    slug: "suppression-unused",
    family: Family::Meta,
    severity: Severity::Warning,
    summary: "A `# wazo-plugin: ignore[...]` comment suppresses nothing",
    why: "Suppressions outlive the problems they hid: once the code is fixed, the comment only \
          misleads, and would hide a new finding of the same kind. Remove it.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)  # wazo-plugin: ignore[WP304]\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};
