//! WP701 wazo-version-unknown.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::lint::manifest::typing::version_string;
use crate::wazo::releases;
use crate::wazo_version::check_wazo_version;

pub const CHECK: Check = Check {
    code: "WP701",
    slug: "wazo-version-unknown",
    family: Family::Release,
    severity: Severity::Warning,
    summary: "min_wazo_version or max_wazo_version names no Wazo release",
    why: "Wazo releases are YY.01 to YY.17 (2021: to 21.16), zero-padded. A bound such as \
          \"25.18\" or \"24.1\" is no release: it still compares (as a string) against the \
          running one, often not as meant (\"24.1\" sorts before \"24.01\").",
    example: "name: x\nnamespace: acme\nversion: \"1.0.0\"\nmin_wazo_version: \"24.20\"\n",
    fixed: "name: x\nnamespace: acme\nversion: \"1.0.0\"\nmin_wazo_version: \"24.17\"\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.manifest else { return };
    let oldest = releases::oldest().version();
    let newest = releases::newest();
    for key in ["min_wazo_version", "max_wazo_version"] {
        let Some(node) = super::wiring::child(root, key) else {
            continue;
        };
        // An unquoted number that lost digits (20.10 read as 20.1) is WP108's.
        if node
            .as_scalar()
            .is_some_and(|(_, style)| style == crate::plugin::yaml::Style::Plain)
        {
            continue;
        }
        let Some(value) = version_string(node) else {
            continue;
        };
        let Ok(v) = check_wazo_version(&value) else {
            continue;
        };
        // Before the first release documented here, and after the newest, we cannot tell.
        if oldest.as_ref().is_some_and(|o| &v < o) || newest.version().is_some_and(|n| v > n) {
            continue;
        }
        if let Some(r) = releases::find(&value) {
            if r.name == value {
                continue;
            }
            out.push(
                Diagnostic::new(&CHECK, crate::plugin::load::MANIFEST, format!(
                    "{key} \"{value}\" is Wazo {} written without its zero: wazo-plugind compares strings",
                    r.name
                ))
                .at(node.span.clone(), None)
                .help(format!("write \"{}\"", r.name)),
            );
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                crate::plugin::load::MANIFEST,
                format!("{key} \"{value}\" is no Wazo release"),
            )
            .at(node.span.clone(), None)
            .help("use a release number: YY.01 to YY.17"),
        );
    }
}
