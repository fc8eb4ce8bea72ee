//! WP312 pkgdir-outside-package.

use super::RulesCx;
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
          server. At install time the files are already in place: use their final paths. \
          Severity by consequence: an error in build (run unprivileged, a write to /etc fails) \
          and wherever `${pkgdir}` is not the start of an absolute path; a warning in install, \
          uninstall and postrm (run as root) when `${pkgdir}/etc/foo` then names the installed \
          /etc/foo, right by accident.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|install|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/foo\"\n        ;;\n    uninstall)\n        rm -f \"${pkgdir}/etc/foo/bar.conf\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|install|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/foo\"\n        ;;\n    uninstall)\n        rm -f /etc/foo/bar.conf\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let (Some(script), Some(_)) = (cx.script, cx.table) else {
        return;
    };
    for expansion in script.expansions().iter().filter(|e| e.name == "pkgdir") {
        let arms = cx.arms_of(&expansion.span);
        if arms.is_empty() || arms.contains(&"package") {
            continue;
        }
        let path = path_after(script.text(), expansion.span.end);
        let as_root = arms
            .iter()
            .all(|a| matches!(*a, "install" | "uninstall" | "postrm"));
        let mut d = cx.diag(
            &CHECK,
            format!(
                "${{pkgdir}} is used in `{}`, where it is unset",
                arms.join("|")
            ),
        );
        if as_root && let Some(path) = path {
            d.severity = Severity::Warning;
            d = d
                .at(
                    expansion.span.clone(),
                    Some(format!("empty here: this is `{path}`")),
                )
                .help(format!(
                    "it works by accident (pkgdir is empty, the installed file is `{path}`): write `{path}`"
                ));
        } else {
            d = d
                .at(expansion.span.clone(), Some("empty here".to_string()))
                .help("pkgdir is only set for `rules package`; use the installed path (e.g. /etc/...) here");
        }
        out.push(d);
    }
}

/// The absolute path an empty expansion leaves when the word goes on with `/...` (quotes
/// removed, up to the end of the word).
fn path_after(text: &str, end: usize) -> Option<String> {
    let rest = text.get(end..)?;
    let mut path = String::new();
    for c in rest.chars() {
        match c {
            '"' | '\'' => continue,
            c if c.is_whitespace()
                || matches!(c, ';' | '&' | '|' | '<' | '>' | '(' | ')' | '`' | '$') =>
            {
                break;
            }
            c => path.push(c),
        }
    }
    (path.starts_with('/') && path.len() > 1).then_some(path)
}
