//! WP313 sudo-used.

use super::{RulesCx, command_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP313",
    slug: "sudo-used",
    family: Family::Rules,
    severity: Severity::Warning,
    summary: "The rules script calls sudo",
    why: "install, uninstall and postrm run as root from dpkg's maintainer scripts, so sudo \
          adds nothing there; build and package run unprivileged by wazo-plugind, where sudo \
          would prompt for a password nobody can type and hang the installation. To act as \
          another user, use `runuser -u USER --`. An error in build and package (and outside \
          any arm); a warning in install, uninstall and postrm, where it works as long as sudo \
          is installed, which a Debian server without a desktop does not guarantee.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        sudo systemctl restart wazo-calld\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        systemctl restart wazo-calld\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(script) = cx.script else {
        return;
    };
    for command in script.commands() {
        if command_name(command).as_deref() == Some("sudo")
            && let Some(name) = &command.name
        {
            let arms = cx.arms_of(&command.span);
            let as_root = !arms.is_empty()
                && arms
                    .iter()
                    .all(|a| matches!(*a, "install" | "uninstall" | "postrm"));
            let mut d = cx
                .diag(
                    &CHECK,
                    if as_root {
                        "sudo in a rules script: maintainer scripts already run as root"
                    } else {
                        "sudo where wazo-plugind runs the script unprivileged: it asks for a password nobody can type"
                    },
                )
                .at(name.span.clone(), Some("not needed".to_string()))
                .help("remove sudo; to run as another user, use `runuser -u USER -- COMMAND`");
            if !as_root {
                d.severity = Severity::Error;
            }
            out.push(d);
        }
    }
}
