//! WP109 yaml11-trap.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::fields::{FIELDS, FieldType, Reader};
use crate::plugin::yaml::{Node, NodeKind};

pub const CHECK: Check = Check {
    code: "WP109",
    slug: "yaml11-trap",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "An unquoted value that YAML 1.1 reads as a boolean, number or date, not a string",
    why: "wazo-plugind reads plugin.yml with PyYAML, which follows YAML 1.1: unquoted `yes`, \
          `no`, `on`, `off` are booleans, `0123` an octal number, `2024-01-01` a date. A string \
          field holding one is refused (\"Not a valid string.\") or, for market fields, shown \
          as `True` or a number. Quote such values.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndisplay_name: no\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndisplay_name: \"no\"\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    for field in FIELDS {
        let Some(entry) = cx.get(field.name) else {
            continue;
        };
        let severity = if field.reader == Reader::Market {
            Severity::Warning
        } else {
            Severity::Error
        };
        match field.ty {
            FieldType::Str => check(cx, field.name, &entry.value, false, severity, out),
            FieldType::Version => check(cx, field.name, &entry.value, true, severity, out),
            FieldType::StrList => {
                if let NodeKind::Seq(items) = &entry.value.kind {
                    for item in items {
                        check(cx, field.name, item, false, severity, out);
                    }
                }
            }
            FieldType::Depends => {
                for pair in super::depends_mappings(cx).flatten() {
                    if let Some(key @ ("name" | "namespace" | "version")) =
                        super::key_str(&pair.key)
                    {
                        let what = format!("depends: {key}");
                        check(cx, &what, &pair.value, false, severity, out);
                    }
                }
            }
            FieldType::FormatVersion | FieldType::DebianDepends => {}
        }
    }
}

/// Reports a scalar that PyYAML types as something else than a string. Numbers in version
/// fields are converted by wazo-plugind (see WP108) and not reported here.
fn check(
    cx: &ManifestCx,
    what: &str,
    node: &Node,
    numbers_converted: bool,
    severity: Severity,
    out: &mut Vec<Diagnostic>,
) {
    let value = py_value(node);
    let trapped = match &value {
        PyValue::Bool(_) | PyValue::Date | PyValue::Unloadable(_) => true,
        PyValue::Int { .. } | PyValue::Float { .. } => !numbers_converted,
        _ => false,
    };
    let Some((written, _)) = node.as_scalar() else {
        return;
    };
    if trapped {
        out.push(
            cx.diag(
                &CHECK,
                format!(
                    "`{what}: {written}` is read by PyYAML as {}, not a string",
                    value.describe()
                ),
            )
            .severity(severity)
            .at(
                node.span.clone(),
                Some(format!("YAML 1.1 reads {}", value.describe())),
            )
            .help(format!("quote it: `\"{written}\"`")),
        );
    }
}
