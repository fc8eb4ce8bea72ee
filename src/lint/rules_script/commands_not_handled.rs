//! WP317 commands-not-handled.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::Dispatch;

pub const CHECK: Check = Check {
    code: "WP317",
    slug: "commands-not-handled",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "The rules script does not choose what to do from its first argument",
    why: "wazo-plugind runs `rules build`, `rules package`, then the package's maintainer \
          scripts run `rules install` and `rules uninstall` (and `rules postrm` from format 1). \
          A script that ignores its argument runs the same code for all of them: installing at \
          build time, as an unprivileged user, and again at removal. A script written for \
          another protocol (`rules install <DESTDIR>`) is the same: build and package are not \
          handled, and the destination it expects is never given.",
    example: "#!/bin/sh\nDESTDIR=\"$1\"\nmkdir -p \"$DESTDIR/etc/asterisk/extensions_extra.d\"\ncp hello.conf \"$DESTDIR/etc/asterisk/extensions_extra.d/\"\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/asterisk/extensions_extra.d\"\n        cp hello.conf \"${pkgdir}/etc/asterisk/extensions_extra.d/\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    if let Some(Dispatch::Ignored { reason }) = cx.dispatch {
        let first_line = cx.text().find('\n').unwrap_or(cx.text().len());
        out.push(
            cx.diag(
                &CHECK,
                format!("wazo-plugind's commands (build, package, install, uninstall) are not handled: {reason}"),
            )
            .at(0..first_line, None)
            .help("dispatch on the command: `case \"$1\" in build) ... ;; package) ... ;; install) ... ;; uninstall) ... ;; *) exit 1 ;; esac`"),
        );
    }
}
