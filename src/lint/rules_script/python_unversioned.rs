//! WP319 python-unversioned.

use super::{BASE_COMMANDS, POSTRM, RulesCx, effective_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP319",
    slug: "python-unversioned",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "The rules script runs `python`, which Wazo's Debian has no longer",
    why: "Debian 11 and 12, on which Wazo runs since 23.06, have no `python` command: only \
          `python3` (the python-is-python3 package is not installed). `python setup.py bdist` \
          fails with \"python: not found\", and the installation with it. An error in the arms \
          wazo-plugind runs, a warning elsewhere.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build)\n        python setup.py bdist\n        ;;\n    package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build)\n        python3 setup.py bdist\n        ;;\n    package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(script) = cx.script else {
        return;
    };
    for command in script.commands() {
        let Some((name, word)) = effective_name(command) else {
            continue;
        };
        if name != "python" {
            continue;
        }
        // `command -v python` looks for it, it does not run it.
        if command.name.as_ref().is_some_and(|n| n.raw == "command")
            && command.args.iter().any(|a| a.raw == "-v" || a.raw == "-V")
        {
            continue;
        }
        let arms = cx.arms_of(&command.span);
        let runs = cx.table.is_none()
            || arms.is_empty()
            || arms
                .iter()
                .any(|a| BASE_COMMANDS.contains(a) || *a == POSTRM);
        let mut d = cx
            .diag(
                &CHECK,
                "`python` does not exist on Debian 11 and 12 (Wazo 23.06 and later): only `python3` does",
            )
            .at(word.span.clone(), Some("not found on the server".to_string()))
            .help("call `python3`");
        if !runs {
            d.severity = Severity::Warning;
        }
        out.push(d);
    }
}
