//! WP111 format-version-invalid.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP111",
    slug: "format-version-invalid",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "plugin_format_version is not an integer from 0 to 2",
    why: "wazo-plugind accepts plugin_format_version 0, 1 and 2 and refuses other values (\"Must be \
          greater than or equal to 0 and less than or equal to 2.\", \"Not a valid integer.\"). \
          A float such as 1.5 is silently truncated to 1. Use 1 for new plugins.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nplugin_format_version: 999\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nplugin_format_version: 1\n",
};

/// The format version as wazo-plugind reads it, when it is an integer in range.
pub fn format_version(cx: &ManifestCx) -> Option<i64> {
    let entry = cx.get("plugin_format_version")?;
    match py_value(&entry.value) {
        PyValue::Int { python } => python.parse().ok().filter(|v| (0..=2).contains(v)),
        _ => None,
    }
}

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("plugin_format_version") else {
        return;
    };
    let value = py_value(&entry.value);
    let problem = match &value {
        PyValue::Int { python } => match python.parse::<i64>() {
            Ok(0..=2) => None,
            _ => Some(format!(
                "plugin_format_version {python} is out of range: use 0, 1 or 2"
            )),
        },
        // A quoted string is WP113's business.
        PyValue::Str(_) => None,
        PyValue::Float { python } => Some(format!(
            "plugin_format_version must be an integer, found {python} (wazo-plugind truncates it)"
        )),
        other => Some(format!(
            "plugin_format_version must be an integer, found {}",
            other.describe()
        )),
    };
    if let Some(message) = problem {
        out.push(
            cx.diag(&CHECK, message)
                .at(
                    super::entry_span(entry),
                    Some("expected 0, 1 or 2".to_string()),
                )
                .help("use `plugin_format_version: 1` (it adds the postrm command)"),
        );
    }
}
