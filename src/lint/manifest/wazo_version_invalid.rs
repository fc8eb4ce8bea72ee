//! WP119 wazo-version-invalid.

use super::ManifestCx;
use super::typing::version_string;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo_version::check_wazo_version;

pub const CHECK: Check = Check {
    code: "WP119",
    slug: "wazo-version-invalid",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "min_wazo_version or max_wazo_version is not a Wazo version such as 23.05",
    why: "wazo-plugind compares these fields with the running Wazo version (`YY.MM`, e.g. \
          23.05). Anything else (a `v` prefix, a missing month, letters) compares in surprising \
          ways, and the plugin is refused or accepted on the wrong versions.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nmin_wazo_version: v23\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nmin_wazo_version: \"23.05\"\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    for key in ["min_wazo_version", "max_wazo_version"] {
        let Some(entry) = cx.get(key) else {
            continue;
        };
        let Some(value) = version_string(&entry.value) else {
            continue;
        };
        if let Err(p) = check_wazo_version(&value) {
            out.push(
                cx.diag(
                    &CHECK,
                    format!(
                        "{key} `{}` is not a Wazo version: {}",
                        value.escape_debug(),
                        p.message
                    ),
                )
                .at(
                    entry.value.value_span(cx.text(), p.offset, p.len),
                    Some(p.message.clone()),
                )
                .help(format!(
                    "write it as a quoted year and month: `{key}: \"23.05\"`"
                )),
            );
        }
    }
}
