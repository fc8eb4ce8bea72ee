//! WP118 debian-depends-invalid.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::debian::relation::parse_dependency;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::yaml::NodeKind;

pub const CHECK: Check = Check {
    code: "WP118",
    slug: "debian-depends-invalid",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "A debian_depends entry is not a valid Debian dependency",
    why: "Each entry is copied verbatim into the Depends field of the generated package. A \
          malformed one (an upper-case or underscored name, a bad version relation, two \
          dependencies in one entry) makes dpkg-deb or apt refuse the package.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndebian_depends:\n  - python3-requests (>= 2.0\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndebian_depends:\n  - python3-requests (>= 2.0)\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("debian_depends") else {
        return;
    };
    let NodeKind::Seq(items) = &entry.value.kind else {
        return;
    };
    for item in items {
        let value = py_value(item);
        let PyValue::Str(text) = value else {
            out.push(
                cx.diag(
                    &CHECK,
                    format!(
                        "a debian_depends entry must be a string, found {}",
                        value.describe()
                    ),
                )
                .at(
                    item.span.clone(),
                    Some("expected a package name".to_string()),
                )
                .help("quote the entry"),
            );
            continue;
        };
        if let Err(p) = parse_dependency(text) {
            out.push(
                cx.diag(
                    &CHECK,
                    format!("invalid Debian dependency `{text}`: {}", p.message),
                )
                .at(
                    item.value_span(cx.text(), p.offset, p.len),
                    Some(p.message.clone()),
                )
                .help(
                    "write `package`, `package (>= version)` or `a | b`, one dependency per entry",
                ),
            );
        }
    }
}
