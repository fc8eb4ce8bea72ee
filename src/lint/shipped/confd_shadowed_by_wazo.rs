//! WP506 confd-shadowed-by-wazo.

use super::ShippedCx;
use crate::confd::effective::{Layer, effective};
use crate::confd::{key_text, skipped_because};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::yaml::{Entry, Node, NodeKind};
use crate::wazo::confd_files::{WazoFile, accumulates_lists, wazo_files};

pub const CHECK: Check = Check {
    code: "WP506",
    slug: "confd-shadowed-by-wazo",
    family: Family::Confd,
    severity: Severity::Error,
    summary: "A conf.d file sets a value that one of Wazo's own conf.d files, read before it, already sets",
    why: "A service reads its conf.d files in sorted order and the first file that sets a value \
          wins (mappings merge key by key; anything else is kept from the first file). Wazo \
          puts files of its own in some services' conf.d folders (wazo-auth's \
          `50-wazo-default.yml`, wazo-phoned's `50-authorized-subnets.yml`, wazo-purge-db's \
          `50-call-logd.yml`, ...): a plugin file whose name sorts after one of them never \
          changes what that file sets, and the service runs as if the plugin had not set it. \
          Only Wazo's files listed in docs/shipped.md are known (each read in its package's \
          source), and only the values they set are compared: a file Wazo writes only on some \
          servers (a remote database's `50-db.yml`) makes the finding a warning.",
    example: "etc/wazo-phoned/conf.d/60-acme-directory.yml:\nrest_api:\n  authorized_subnets: [10.0.0.0/8]\n",
    fixed: "etc/wazo-phoned/conf.d/40-acme-directory.yml:\nrest_api:\n  authorized_subnets: [10.0.0.0/8]\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for c in &cx.confd {
        if skipped_because(&c.name).is_some() {
            continue;
        }
        let Some((loaded, parsed)) = &c.loaded else {
            continue;
        };
        let Some(root) = &parsed.root else {
            continue;
        };
        let accumulate = accumulates_lists(&c.service);
        let mut seen: Vec<std::ops::Range<usize>> = Vec::new();
        for wazo in wazo_files(&c.service, cx.target.version.as_ref()) {
            // The same name is a dpkg conflict, not this; a name sorting first overrides.
            if c.name.as_bytes() <= wazo.name.as_bytes() {
                continue;
            }
            let layers = [
                Layer::wazo(wazo),
                Layer::plugin(&c.name, root, &loaded.text),
            ];
            for s in effective(&layers, accumulate) {
                if s.wazo.is_none() || !s.overridden_in.contains(&c.name) {
                    continue;
                }
                let Some((entry, exact)) = deepest(root, &s.path) else {
                    continue;
                };
                // The same scalar: nothing is lost.
                if exact && entry.value.as_scalar().is_some_and(|(v, _)| v == s.value) {
                    continue;
                }
                if seen.contains(&entry.key.span) {
                    continue;
                }
                seen.push(entry.key.span.clone());
                out.push(finding(cx, c, loaded, entry, &s.path, &s.value, wazo));
            }
        }
    }
}

fn finding(
    cx: &ShippedCx,
    c: &super::Confd,
    loaded: &super::Loaded,
    entry: &Entry,
    path: &[String],
    value: &str,
    wazo: &WazoFile,
) -> Diagnostic {
    let when = wazo
        .when
        .map(|w| format!(", where {w}"))
        .unwrap_or_default();
    let d = cx
        .about(
            &CHECK,
            c.file,
            Some(loaded),
            Some(entry.key.span.clone()),
            format!(
                "{} reads Wazo's {} first{when}, which sets `{}`: this file's value for it is \
                 never used",
                c.service,
                wazo.name,
                path.join("."),
            ),
        )
        .help(format!(
            "the first file to set a value wins: rename this file to sort before {}, e.g. {} \
             (its value then replaces Wazo's: {value}; package {}, {})",
            wazo.name,
            earlier_name(&c.name, wazo.name),
            wazo.package,
            wazo.source
        ));
    if wazo.when.is_some() {
        d.severity(Severity::Warning)
    } else {
        d
    }
}

/// The deepest entry of `root` along `path`, and whether it is at the whole path.
fn deepest<'n>(root: &'n Node, path: &[String]) -> Option<(&'n Entry, bool)> {
    let mut node = root;
    let mut found: Option<&Entry> = None;
    for (i, key) in path.iter().enumerate() {
        let NodeKind::Map(entries) = &node.kind else {
            return found.map(|e| (e, false));
        };
        // PyYAML keeps the last of duplicate keys.
        let Some(e) = entries
            .iter()
            .rev()
            .find(|e| key_text(&e.key) == Some(key.as_str()))
        else {
            return found.map(|e| (e, false));
        };
        found = Some(e);
        node = &e.value;
        if i + 1 == path.len() {
            return Some((e, true));
        }
    }
    found.map(|e| (e, false))
}

/// A name like `name` that sorts before `wazo`: its numeric prefix lowered (`60-x.yml` before
/// `50-y.yml` gives `40-x.yml`).
fn earlier_name(name: &str, wazo: &str) -> String {
    let stem = name.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    let stem = if stem.is_empty() { name } else { stem };
    ["40-", "10-", "00-"]
        .iter()
        .map(|p| format!("{p}{stem}"))
        .find(|n| n.as_bytes() < wazo.as_bytes())
        .unwrap_or_else(|| format!("00-{stem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_names_sort_before_wazo_s() {
        assert_eq!(
            earlier_name("60-acme.yml", "50-authorized-subnets.yml"),
            "40-acme.yml"
        );
        assert_eq!(earlier_name("custom.yml", "50-db.yml"), "40-custom.yml");
        assert_eq!(earlier_name("x.yml", "05-a.yml"), "00-x.yml");
    }
}
