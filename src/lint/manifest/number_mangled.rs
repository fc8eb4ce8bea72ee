//! WP108 number-mangled.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, FixAction, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::fields::{FIELDS, FieldType};

pub const CHECK: Check = Check {
    code: "WP108",
    slug: "number-mangled",
    family: Family::Manifest,
    severity: Severity::Warning,
    summary: "An unquoted version is read as a number and loses digits",
    why: "PyYAML reads an unquoted `1.10` as the float 1.1, and wazo-plugind turns it back into \
          the string \"1.1\" with Python's str(): `version: 1.10` is packaged as version 1.1, \
          `0123` (octal) as 83. For min_wazo_version and max_wazo_version the finding is made \
          only where the mangled value changes wazo-plugind's verdict on a real Wazo release \
          (YY.01 to YY.17), which it compares as strings: `max_wazo_version: 25.10` becomes \
          \"25.1\", and \"25.10\" > \"25.1\", so the plugin is refused on Wazo 25.10, the \
          version it names. `min_wazo_version: 20.10` becomes \"20.1\" too, but every release \
          from 20.10 on is still above it and every earlier one below it: no finding. Quote \
          versions.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nmax_wazo_version: 25.10\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nmax_wazo_version: \"25.10\"\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    for field in FIELDS.iter().filter(|f| f.ty == FieldType::Version) {
        let Some(entry) = cx.get(field.name) else {
            continue;
        };
        let (PyValue::Int { python } | PyValue::Float { python }) = py_value(&entry.value) else {
            continue;
        };
        let Some((written, _)) = entry.value.as_scalar() else {
            continue;
        };
        if python == written {
            continue;
        }
        let consequence = match field.name {
            "min_wazo_version" | "max_wazo_version" => {
                let changed = changed_verdicts(field.name, written, &python);
                let Some(first) = changed.first() else {
                    continue;
                };
                let verdict = if accepts(field.name, &python, first) {
                    "accepts"
                } else {
                    "refuses"
                };
                let others = match changed.len() {
                    1 => String::new(),
                    n => format!(" (and {} other releases)", n - 1),
                };
                format!(
                    ", so its string comparison {verdict} the plugin on Wazo {first}{others}, \
                     unlike \"{written}\""
                )
            }
            _ => String::new(),
        };
        {
            out.push(
                cx.diag(
                    &CHECK,
                    format!(
                        "`{}: {written}` is read as a number: wazo-plugind gets \"{python}\"{consequence}",
                        field.name
                    ),
                )
                .at(
                    entry.value.span.clone(),
                    Some(format!("becomes \"{python}\"")),
                )
                .help(format!("quote it: `{}: \"{written}\"`", field.name))
                .fix(
                    format!("quote {}", field.name),
                    vec![FixAction::Edit {
                        file: cx.source.rel.clone(),
                        span: entry.value.span.clone(),
                        replacement: format!("\"{written}\""),
                    }],
                ),
            );
        }
    }
}

/// The Wazo releases the verdicts are computed on: YY.01 to YY.17, zero-padded, from 17.01 to
/// 26.17 (wazo-platform.org's upgrade notes list them up to 26.08; the rest of 2026 follows the
/// same pattern).
fn releases() -> impl Iterator<Item = String> {
    (17..=26).flat_map(|year| (1..=17).map(move |month| format!("{year}.{month:02}")))
}

/// Whether wazo-plugind accepts `bound` for `field` on `release`: min_wazo_version must be at
/// most the release, max_wazo_version at least it, both compared as Python strings.
fn accepts(field: &str, bound: &str, release: &str) -> bool {
    use std::cmp::Ordering::{Greater, Less};
    let order = crate::wazo_version::string_cmp(bound, release);
    if field == "max_wazo_version" {
        order != Less
    } else {
        order != Greater
    }
}

/// The releases on which the mangled bound gets another verdict than the written one.
fn changed_verdicts(field: &str, written: &str, mangled: &str) -> Vec<String> {
    releases()
        .filter(|r| accepts(field, written, r) != accepts(field, mangled, r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::changed_verdicts;

    #[test]
    fn min_versions_keep_their_verdict_and_max_versions_at_x_y0_do_not() {
        assert!(changed_verdicts("min_wazo_version", "20.10", "20.1").is_empty());
        assert!(changed_verdicts("min_wazo_version", "24.00", "24.0").is_empty());
        assert_eq!(
            changed_verdicts("max_wazo_version", "25.10", "25.1"),
            vec!["25.10".to_string()]
        );
        assert!(changed_verdicts("max_wazo_version", "24.00", "24.0").is_empty());
        // 8 written as octal 010: "8" is above every release as a string.
        assert!(!changed_verdicts("max_wazo_version", "010", "8").is_empty());
    }
}
