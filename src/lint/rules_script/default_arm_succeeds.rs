//! WP304 default-arm-succeeds.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::{DefaultArm, Outcome};

pub const CHECK: Check = Check {
    code: "WP304",
    slug: "default-arm-succeeds",
    family: Family::Rules,
    severity: Severity::Warning,
    summary: "The default arm exits 0, so unknown commands succeed",
    why: "A default arm that only prints a message, or exits 0, reports success for a command \
          the script does not know, hiding a misspelt arm or a command a newer wazo-plugind \
          relies on. Exit non-zero.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        echo \"unknown command $1\"\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        echo \"unknown command $1\" >&2\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(table) = cx.table else {
        return;
    };
    if let DefaultArm::Present {
        arm,
        outcome: Outcome::Succeeds,
    } = &table.default
    {
        let span = arm
            .patterns
            .first()
            .map_or(arm.span.clone(), |p| p.span.clone());
        out.push(
            cx.diag(&CHECK, "the default arm succeeds: unknown commands exit 0")
                .at(span, Some("exits 0".to_string()))
                .help("end the default arm with `exit 1`"),
        );
    }
}
