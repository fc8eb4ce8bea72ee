//! WP303 default-arm-missing.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::DefaultArm;

pub const CHECK: Check = Check {
    code: "WP303",
    slug: "default-arm-missing",
    family: Family::Rules,
    severity: Severity::Warning,
    summary: "The dispatch has no default arm, so unknown commands succeed silently",
    why: "wazo-plugind and dpkg rely on the exit status of the rules script. Without a `*)` arm \
          (or `else`), a misspelt or future command does nothing and reports success, hiding the \
          mistake. Fail on what you do not handle.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        echo \"$0: unknown command '$1'\" >&2\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(table) = cx.table else {
        return;
    };
    if table.default == DefaultArm::Absent {
        out.push(
            cx.diag(
                &CHECK,
                "no default arm: an unknown command succeeds without doing anything",
            )
            .at(table.anchor.clone(), Some("no `*)` arm".to_string()))
            .help("add `*) echo \"$0: unknown command '$1'\" >&2; exit 1 ;;`"),
        );
    }
}
