//! WP305 dispatch-unknown.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::Dispatch;

pub const CHECK: Check = Check {
    code: "WP305",
    slug: "dispatch-unknown",
    family: Family::Rules,
    severity: Severity::Info,
    summary: "The commands the rules script handles could not be read statically",
    why: "Command coverage is checked on `case \"$1\"` statements, if/elif chains on \"$1\" and \
          Makefile targets. A script in another language, or one that dispatches through \
          functions or eval, is not guessed at: this note says its coverage was not verified. \
          `wazo-plugin test` runs every command for real.",
    example: "#!/usr/bin/env python3\nimport sys\nprint(sys.argv[1])\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    if let Some(Dispatch::Unknown { reason }) = cx.dispatch {
        let first_line = cx.text().find('\n').unwrap_or(cx.text().len());
        out.push(
            cx.diag(&CHECK, format!("command coverage not verified: {reason}"))
                .at(0..first_line, None)
                .help("`wazo-plugin test` runs build, package, install, uninstall and postrm for real"),
        );
    }
}
