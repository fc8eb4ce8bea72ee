//! WP122 market-field-type.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::fields::{FIELDS, FieldType, Reader};
use crate::plugin::yaml::NodeKind;

pub const CHECK: Check = Check {
    code: "WP122",
    slug: "market-field-type",
    family: Family::Manifest,
    severity: Severity::Warning,
    summary: "A plugin market field has the wrong type",
    why: "wazo-plugind ignores the market fields (description, display_name, tags, author, ...), \
          but the plugin market shows them: `tags` and `screenshots` are lists of strings, the \
          others strings. A wrong type is shown wrongly or not at all.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ntags: dialplan, demo\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ntags:\n  - dialplan\n  - demo\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    for field in FIELDS.iter().filter(|f| f.reader == Reader::Market) {
        let Some(entry) = cx.get(field.name) else {
            continue;
        };
        let value = py_value(&entry.value);
        let (ok, expected) = match field.ty {
            FieldType::StrList => (value == PyValue::List, "a list of strings"),
            _ => (
                !matches!(value, PyValue::Null | PyValue::List | PyValue::Map),
                "a string",
            ),
        };
        if !ok {
            out.push(
                cx.diag(
                    &CHECK,
                    format!(
                        "`{}` should be {expected}, found {}",
                        field.name,
                        value.describe()
                    ),
                )
                .at(
                    super::entry_span(entry),
                    Some(format!("expected {expected}")),
                )
                .help(field.summary),
            );
            continue;
        }
        if let NodeKind::Seq(items) = &entry.value.kind {
            for item in items {
                let v = py_value(item);
                if matches!(v, PyValue::Null | PyValue::List | PyValue::Map) {
                    out.push(
                        cx.diag(
                            &CHECK,
                            format!(
                                "items of `{}` should be strings, found {}",
                                field.name,
                                v.describe()
                            ),
                        )
                        .at(item.span.clone(), Some("expected a string".to_string())),
                    );
                }
            }
        }
    }
}
