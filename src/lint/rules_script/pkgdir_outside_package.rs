//! WP312 pkgdir-outside-package.

use super::{RulesCx, arm_names};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP312",
    slug: "pkgdir-outside-package",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "${pkgdir} is used outside the package arm, where it is unset",
    why: "wazo-plugind sets pkgdir only for `rules package`. In build, install, uninstall and \
          postrm it is empty, so `rm -rf ${pkgdir}/etc/foo` acts on /etc/foo of the live \
          server. At install time the files are already in place: use their final paths.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|install|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/foo\"\n        ;;\n    uninstall)\n        rm -f \"${pkgdir}/etc/foo/bar.conf\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|install|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/foo\"\n        ;;\n    uninstall)\n        rm -f /etc/foo/bar.conf\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let (Some(script), Some(table)) = (cx.script, cx.table) else {
        return;
    };
    for expansion in script.expansions().iter().filter(|e| e.name == "pkgdir") {
        let arms = arm_names(table, &expansion.span);
        if arms.is_empty() || arms.contains(&"package") {
            continue;
        }
        out.push(
            cx.diag(
                &CHECK,
                format!("${{pkgdir}} is used in `{}`, where it is unset", arms.join("|")),
            )
            .at(expansion.span.clone(), Some("empty here".to_string()))
            .help("pkgdir is only set for `rules package`; use the installed path (e.g. /etc/...) here"),
        );
    }
}
