//! WP315 unset-variable.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP315",
    slug: "unset-variable",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "The rules script reads a variable wazo-plugind never sets",
    why: "wazo-plugind is not dpkg-buildpackage: it sets no DEB_BUILD_ARCH, DEB_HOST_ARCH or \
          DESTDIR, only `pkgdir` (lower case) for the package command. Such variables are \
          empty, and paths built from them point somewhere else. An error where that breaks \
          (in build and package, which run unprivileged, and for the architecture variables); \
          a warning for `$DESTDIR/etc/foo` in install, uninstall or postrm, which run as root: \
          the empty prefix leaves the installed path, right by accident; and for an \
          architecture variable in a `[ ]` test, which then always takes the same branch \
          (the amd64 one, Wazo's only architecture, in the plugins seen).",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${DESTDIR}/usr/share/myplugin\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/usr/share/myplugin\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// Variables wazo-plugind never sets, with what to use instead.
const NEVER_SET: &[(&str, &str)] = &[
    ("DESTDIR", "use ${pkgdir}, set for `rules package`"),
    ("PKGDIR", "the variable is `pkgdir`, in lower case"),
    ("PKG_DIR", "the variable is `pkgdir`"),
    ("pkg_dir", "the variable is `pkgdir`"),
    ("DEB_BUILD_ARCH", "use `dpkg --print-architecture`"),
    ("DEB_HOST_ARCH", "use `dpkg --print-architecture`"),
    ("DEB_BUILD_ARCH_CPU", "use `dpkg --print-architecture`"),
    ("DEB_HOST_ARCH_CPU", "use `dpkg --print-architecture`"),
    (
        "DEB_HOST_MULTIARCH",
        "use `dpkg-architecture -qDEB_HOST_MULTIARCH` or a fixed path",
    ),
    ("DEB_BUILD_MULTIARCH", "use a fixed path"),
    ("DEB_HOST_GNU_TYPE", "use a fixed value"),
    ("DEB_BUILD_GNU_TYPE", "use a fixed value"),
    ("DEB_VERSION", "read the version from wazo/plugin.yml"),
    ("DEB_SOURCE", "use the plugin's name"),
];

/// The variables used as a path prefix (`$DESTDIR/etc/...`).
const PATH_PREFIXES: &[&str] = &["DESTDIR", "PKGDIR", "PKG_DIR", "pkg_dir"];

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(script) = cx.script else {
        return;
    };
    let assigned = |name: &str| {
        script.commands().iter().any(|c| {
            c.assignments
                .iter()
                .any(|a| a.raw.split('=').next() == Some(name))
                || c.name.as_ref().is_some_and(|n| {
                    matches!(
                        n.raw.as_str(),
                        "export" | "readonly" | "local" | "declare" | "read"
                    )
                }) && c.args.iter().any(|a| a.raw.split('=').next() == Some(name))
        })
    };
    for expansion in script.expansions() {
        let Some((name, instead)) = NEVER_SET.iter().find(|(n, _)| *n == expansion.name) else {
            continue;
        };
        if assigned(name) {
            continue;
        }
        let mut d = cx
            .diag(
                &CHECK,
                format!("${name} is never set by wazo-plugind: it is empty here"),
            )
            .at(expansion.span.clone(), Some("always empty".to_string()))
            .help(*instead);
        let arms = cx.arms_of(&expansion.span);
        let as_root = !arms.is_empty()
            && arms
                .iter()
                .all(|a| matches!(*a, "install" | "uninstall" | "postrm"));
        let prefix = PATH_PREFIXES.contains(name)
            && script
                .text()
                .get(expansion.span.end..)
                .is_some_and(|r| r.trim_start_matches(['"', '\'']).starts_with('/'));
        let in_test = script.commands().iter().any(|c| {
            matches!(
                c.name.as_ref().map(|n| n.unquoted()).as_deref(),
                Some("[" | "test")
            ) && c
                .args
                .iter()
                .any(|a| a.span.start <= expansion.span.start && expansion.span.end <= a.span.end)
        });
        if in_test && name.contains("ARCH") {
            d.severity = Severity::Warning;
            d = d.help(format!(
                "the test always sees an empty ${name}, so the same branch runs everywhere (right on amd64, the only architecture Wazo supports); {instead}"
            ));
        } else if as_root && prefix {
            d.severity = Severity::Warning;
            d = d.help(format!(
                "it works by accident here (${name} is empty, the path is the installed one): drop ${name}"
            ));
        }
        out.push(d);
    }
}
