//! WP107 version-invalid.

use super::ManifestCx;
use super::typing::version_string;
use crate::debian::version::check_version;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP107",
    slug: "version-invalid",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "The version is not a valid Debian version",
    why: "wazo-plugind does not check `version`, but writes it as the Version of the Debian \
          package it builds, and dpkg-deb refuses the package when the version does not start \
          with a digit, is empty or holds characters such as `_` or spaces. The installation \
          then fails at the packaging step.",
    example: "name: helloworld\nnamespace: demo\nversion: v1.0\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 1.0.0\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("version") else {
        return;
    };
    let Some(value) = version_string(&entry.value) else {
        return;
    };
    if let Err(p) = check_version(&value) {
        let span = entry.value.value_span(cx.text(), p.offset, p.len);
        let mut d = cx
            .diag(
                &CHECK,
                format!(
                    "version `{}` is not a valid Debian version: {}",
                    value.escape_debug(),
                    p.message
                ),
            )
            .at(span, Some(p.message.clone()));
        d = match value.trim_start_matches(['v', 'V']) {
            fixed if fixed != value && check_version(fixed).is_ok() => {
                d.help(format!("use `{fixed}`"))
            }
            _ => d.help(
                "a Debian version starts with a digit and holds only letters, digits and . + ~ -",
            ),
        };
        out.push(d);
    }
}
