//! WP322 removes-unshipped.

use std::collections::BTreeSet;

use super::{RulesCx, command_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP322",
    slug: "removes-unshipped",
    family: Family::Rules,
    severity: Severity::Warning,
    summary: "uninstall or postrm removes a path the package does not ship, next to one it does",
    why: "The paths the package arm stages under ${pkgdir} are the installed paths. An `rm` in \
          uninstall or postrm of a path the package never creates, one or two letters away from \
          a path it does ship, is almost always a typo: the real file is not removed when the \
          script expects it (uninstall runs before dpkg removes the package's files, so a \
          service restarted there still reads it). Only reported where the shipped paths can be \
          read: literal `cp`/`install` destinations under ${pkgdir}, and folders of the plugin \
          copied with `cp -R`.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|install|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/wazo-ui/conf.d\"\n        cp hubspot.yml \"${pkgdir}/etc/wazo-ui/conf.d/\"\n        ;;\n    uninstall)\n        rm -f /etc/wazo-ui/conf.d/hubpsot.yml\n        systemctl restart wazo-ui\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|install|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/wazo-ui/conf.d\"\n        cp hubspot.yml \"${pkgdir}/etc/wazo-ui/conf.d/\"\n        ;;\n    uninstall)\n        rm -f /etc/wazo-ui/conf.d/hubspot.yml\n        systemctl restart wazo-ui\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// The paths the package ships, files and folders, as the plugin model read them from the
/// package arm ([`crate::plugin::shipped`]).
fn shipped(cx: &RulesCx) -> BTreeSet<String> {
    let shipped = &cx.plugin.shipped;
    let mut paths: BTreeSet<String> = shipped.files.iter().map(|f| f.path.clone()).collect();
    paths.extend(shipped.dirs.iter().cloned());
    paths
}

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    if cx.table.is_none() {
        return;
    }
    let shipped = shipped(cx);
    if shipped.is_empty() {
        return;
    }
    let shipped_files: Vec<&String> = shipped.iter().collect();
    for arm in ["uninstall", "postrm"] {
        for command in cx.commands_in(arm) {
            if command_name(command).as_deref() != Some("rm") {
                continue;
            }
            for word in command.args.iter().filter(|a| !a.raw.starts_with('-')) {
                let path = word.unquoted();
                if !path.starts_with('/') || path.contains(['$', '`', '*', '?', '[']) {
                    continue;
                }
                let path = path.trim_end_matches('/').to_string();
                if shipped.contains(&path)
                    || shipped.iter().any(|s| s.starts_with(&format!("{path}/")))
                {
                    continue;
                }
                let nearest = shipped_files
                    .iter()
                    .map(|s| (strsim::damerau_levenshtein(s, &path), *s))
                    .filter(|(d, s)| *d > 0 && *d <= 2 && parent(s) == parent(&path))
                    .min();
                let Some((_, near)) = nearest else {
                    continue;
                };
                out.push(
                    cx.diag(
                        &CHECK,
                        format!("`{arm}` removes `{path}`, which the package does not ship: did you mean `{near}`?"),
                    )
                    .at(word.span.clone(), Some(format!("not shipped; `{near}` is")))
                    .help(format!("remove `{near}`")),
                );
            }
        }
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}
