//! WP316 pkgdir-reserved-path.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::Word;

pub const CHECK: Check = Check {
    code: "WP316",
    slug: "pkgdir-reserved-path",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "The package arm creates ${pkgdir}/DEBIAN or the plugin's own folder under /usr/lib/wazo-plugind",
    why: "After `rules package`, wazo-plugind creates ${pkgdir}/DEBIAN (for the control file and \
          maintainer scripts) and ${pkgdir}/usr/lib/wazo-plugind/plugins/<namespace>/<name> \
          (for a copy of wazo/) with calls that fail when they already exist: the \
          installation stops at the packaging step.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/DEBIAN\"\n        cp conffiles \"${pkgdir}/DEBIAN/\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/myplugin\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// Commands that create what they are given.
const CREATORS: &[&str] = &[
    "mkdir", "cp", "install", "mv", "ln", "touch", "tee", "rsync",
];

/// The path under ${pkgdir} a word names, if it starts with it (`DEBIAN/x` gives
/// `["DEBIAN", "x"]`).
fn under_pkgdir(word: &Word) -> Option<Vec<String>> {
    let text = word.unquoted();
    let rest = ["${pkgdir}", "$pkgdir"]
        .iter()
        .find_map(|p| text.strip_prefix(p))?;
    Some(
        rest.split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .map(str::to_string)
            .collect(),
    )
}

/// What reserved place a path under ${pkgdir} is in, if any. An unknown name or namespace
/// matches any.
fn reserved(parts: &[String], ns: Option<&str>, name: Option<&str>) -> Option<&'static str> {
    if parts.first().is_some_and(|p| p == "DEBIAN") {
        return Some("${pkgdir}/DEBIAN");
    }
    let prefix = ["usr", "lib", "wazo-plugind", "plugins"];
    let in_plugins = parts.len() >= 6 && parts.iter().zip(prefix).all(|(a, b)| a == b);
    (in_plugins && ns.is_none_or(|n| parts[4] == n) && name.is_none_or(|n| parts[5] == n))
        .then_some("the plugin's own folder under /usr/lib/wazo-plugind/plugins")
}

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let ns = cx.manifest.and_then(|m| m.namespace.as_deref());
    let name = cx.manifest.and_then(|m| m.name.as_deref());
    let mut words: Vec<&Word> = Vec::new();
    for command in cx.commands_in("package") {
        let creates = super::command_name(command)
            .is_some_and(|n| CREATORS.contains(&n.rsplit('/').next().unwrap_or(&n)));
        if creates {
            words.extend(command.args.iter().filter(|a| !a.raw.starts_with('-')));
        }
    }
    words.extend(cx.redirect_targets_in("package"));
    for word in words {
        let Some(what) = under_pkgdir(word).and_then(|parts| reserved(&parts, ns, name)) else {
            continue;
        };
        out.push(
            cx.diag(
                &CHECK,
                format!("the package arm creates {what}, which wazo-plugind creates itself"),
            )
            .at(
                word.span.clone(),
                Some("wazo-plugind fails if this exists".to_string()),
            )
            .help("wazo-plugind writes DEBIAN/ and copies wazo/ there itself: remove this"),
        );
    }
}
