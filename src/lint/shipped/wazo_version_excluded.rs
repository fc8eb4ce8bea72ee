//! WP700 wazo-version-excluded.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::lint::manifest::typing::version_string;
use crate::wazo_version::{check_wazo_version, string_cmp};

pub const CHECK: Check = Check {
    code: "WP700",
    slug: "wazo-version-excluded",
    family: Family::Release,
    severity: Severity::Error,
    summary: "min_wazo_version or max_wazo_version excludes the target Wazo release",
    why: "wazo-plugind refuses to install a plugin whose max_wazo_version is below the running \
          release, or whose min_wazo_version is above it. It compares them as strings \
          (`wazo-plugind` `schema.py:82,85`), so `max_wazo_version: \"25.9\"` refuses 25.10 \
          although 25.9 < 25.10 as numbers. The target is `--wazo-version`, by default the newest \
          release known.",
    example: "name: x\nnamespace: acme\nversion: \"1.0.0\"\nmax_wazo_version: \"23.05\"\n",
    fixed: "name: x\nnamespace: acme\nversion: \"1.0.0\"\nmax_wazo_version: \"26.08\"\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.manifest else { return };
    let target = &cx.target.name;
    for (key, is_max) in [("min_wazo_version", false), ("max_wazo_version", true)] {
        let Some(node) = super::wiring::child(root, key) else {
            continue;
        };
        let Some(value) = version_string(node) else {
            continue;
        };
        if check_wazo_version(&value).is_err() {
            continue;
        }
        let cmp = string_cmp(target, &value);
        let refused = if is_max { cmp.is_gt() } else { cmp.is_lt() };
        if !refused {
            continue;
        }
        let numeric = match (check_wazo_version(target), check_wazo_version(&value)) {
            (Ok(t), Ok(v)) => Some(if is_max { t > v } else { t < v }),
            _ => None,
        };
        let mut message = format!(
            "{key} \"{value}\" refuses Wazo {target}: wazo-plugind compares \"{target}\" {} \"{value}\" as strings",
            if is_max { ">" } else { "<" }
        );
        if numeric == Some(false) {
            message.push_str(" (as numbers it would be accepted)");
        }
        let which = if cx.target.chosen {
            "the target"
        } else {
            "the newest known release"
        };
        out.push(
            Diagnostic::new(&CHECK, crate::plugin::load::MANIFEST, message)
                .at(node.span.clone(), Some(format!("excludes {which}")))
                .help(if is_max {
                    format!("raise it to \"{target}\" or later once the plugin works there, zero-padded (\"25.09\", not \"25.9\")")
                } else {
                    "lower it, zero-padded (\"25.09\", not \"25.9\")".to_string()
                }),
        );
    }
}
