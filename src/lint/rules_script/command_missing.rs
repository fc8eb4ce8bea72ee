//! WP301 command-missing.

use super::{BASE_COMMANDS, POSTRM, RulesCx};
use crate::diagnostic::{Diagnostic, FixAction, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::RULES;
use crate::shell::{DefaultArm, DispatchStyle, Table};

pub const CHECK: Check = Check {
    code: "WP301",
    slug: "command-missing",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "The rules script does not handle a command its format version requires",
    why: "wazo-plugind runs `rules build` and `rules package` while installing, and the Debian \
          package it builds runs `rules install` (postinst), `rules uninstall` (prerm) and, from \
          plugin_format_version 1, `rules postrm`. A command that falls into the default arm \
          fails, and the installation or the removal with it. A command with nothing to do \
          still needs its (empty) arm.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build)\n        ;;\n    install)\n        asterisk -rx 'dialplan reload'\n        ;;\n    *)\n        echo \"unknown command $1\" >&2\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        asterisk -rx 'dialplan reload'\n        ;;\n    *)\n        echo \"unknown command $1\" >&2\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(table) = cx.table else {
        return;
    };
    let version = cx.manifest.and_then(|m| m.format_version).unwrap_or(0);
    let mut required: Vec<&str> = BASE_COMMANDS.to_vec();
    if version >= 1 {
        required.push(POSTRM);
    }
    for command in required {
        if table.arm_for(command).is_some() {
            continue;
        }
        let why = if command == POSTRM {
            format!("plugin_format_version {version} runs `rules postrm` after removal")
        } else {
            "every format version runs it".to_string()
        };
        let mut d = cx
            .diag(&CHECK, format!("`{command}` is not handled: {why}"))
            .at(table.anchor.clone(), Some(format!("no `{command}` here")))
            .help(format!(
                "add an arm, even an empty one: `{command}) ;;`{}",
                if command == POSTRM {
                    " (or set plugin_format_version: 0)"
                } else {
                    ""
                }
            ));
        if let Some(action) = empty_arm(cx.text(), table, command) {
            d = d.fix(format!("add an empty `{command}` arm"), vec![action]);
        }
        out.push(d);
    }
}

/// For a `case` dispatch with a default arm: an empty arm inserted just before it, indented
/// like it.
fn empty_arm(text: &str, table: &Table, command: &str) -> Option<FixAction> {
    if table.style != DispatchStyle::Case {
        return None;
    }
    let DefaultArm::Present { arm, .. } = &table.default else {
        return None;
    };
    let line_start = text[..arm.span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..arm.span.start];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    Some(FixAction::Edit {
        file: RULES.into(),
        span: line_start..line_start,
        replacement: format!("{indent}{command})\n{indent}    ;;\n"),
    })
}
