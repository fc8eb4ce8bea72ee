//! WP322 removes-unshipped.

use std::collections::BTreeSet;
use std::path::Path;

use super::{RulesCx, command_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::Command;

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

/// At most this many files are read from a folder copied with `cp -R`.
const MAX_FILES: usize = 10_000;

/// The installed path a ${pkgdir} destination names (`${pkgdir}/etc/x/` gives `/etc/x/`).
fn under_pkgdir(word: &str) -> Option<String> {
    let w = word.replace('"', "");
    let rest = w
        .strip_prefix("${pkgdir}")
        .or_else(|| w.strip_prefix("$pkgdir"))?;
    if rest.contains(['$', '`', '*', '?', '[']) {
        return None;
    }
    Some(if rest.is_empty() {
        "/".to_string()
    } else {
        rest.to_string()
    })
}

fn join(dir: &str, name: &str) -> String {
    format!(
        "{}/{}",
        dir.trim_end_matches('/'),
        name.trim_start_matches('/')
    )
}

/// The paths the package arm ships (files and folders), from its cp/install commands.
fn shipped(cx: &RulesCx) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let root = cx.plugin.root.as_deref();
    for command in cx.commands_in("package") {
        let Some(name) = command_name(command) else {
            continue;
        };
        let name = name.rsplit('/').next().unwrap_or(&name).to_string();
        if !matches!(name.as_str(), "cp" | "install" | "mkdir") {
            continue;
        }
        let ops: Vec<String> = command
            .args
            .iter()
            .map(|a| a.raw.clone())
            .filter(|a| !a.starts_with('-'))
            .collect();
        if name == "mkdir" || (name == "install" && has_short(command, 'd')) {
            paths.extend(ops.iter().filter_map(|o| under_pkgdir(o)));
            continue;
        }
        let Some((dest, sources)) = ops.split_last() else {
            continue;
        };
        let Some(dest) = under_pkgdir(dest) else {
            continue;
        };
        for source in sources {
            let source = source.replace(['"', '\''], "");
            if source.contains(['$', '`', '*', '?', '[']) || source.starts_with('/') {
                continue;
            }
            let base = source
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(&source)
                .to_string();
            // `cp x DEST/` puts DEST/x; `cp x DEST` is DEST itself unless it is a folder.
            let into = join(&dest, &base);
            let candidates = if dest.ends_with('/') || sources.len() > 1 {
                vec![into]
            } else {
                vec![into, dest.clone()]
            };
            let folder = root.map(|r| r.join(&source)).filter(|p| p.is_dir());
            for target in candidates {
                match &folder {
                    Some(dir) => files_under(dir, &target, &mut paths),
                    None => {
                        paths.insert(target);
                    }
                }
            }
        }
    }
    paths
}

fn has_short(command: &Command, letter: char) -> bool {
    command
        .args
        .iter()
        .any(|a| a.raw.starts_with('-') && !a.raw.starts_with("--") && a.raw.contains(letter))
}

/// Adds `target` and the installed path of every file under `dir`.
fn files_under(dir: &Path, target: &str, paths: &mut BTreeSet<String>) {
    paths.insert(target.to_string());
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .take(MAX_FILES)
    {
        if let Ok(rel) = entry.path().strip_prefix(dir)
            && let Some(rel) = rel.to_str()
            && !rel.is_empty()
        {
            paths.insert(join(target, rel));
        }
    }
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
