//! WP110 field-type.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::fields::{FIELDS, FieldType, Reader};

pub const CHECK: Check = Check {
    code: "WP110",
    slug: "field-type",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "A field wazo-plugind validates has no value, or a list or mapping instead of a string",
    why: "wazo-plugind refuses `name`, `namespace`, `version`, `min_wazo_version` and \
          `max_wazo_version` when they are null (\"Field may not be null.\") or not strings \
          (\"Not a valid string.\"). A key with nothing after the colon is null.",
    example: "name: helloworld\nnamespace: demo\nversion:\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let checked = FIELDS.iter().filter(|f| {
        f.reader == Reader::Plugind && matches!(f.ty, FieldType::Str | FieldType::Version)
    });
    for field in checked {
        let Some(entry) = cx.get(field.name) else {
            continue;
        };
        let value = py_value(&entry.value);
        if matches!(value, PyValue::Null | PyValue::List | PyValue::Map) {
            let span = super::entry_span(entry);
            out.push(
                cx.diag(
                    &CHECK,
                    format!(
                        "`{}` must be a string, found {}",
                        field.name,
                        value.describe()
                    ),
                )
                .at(span, Some("expected a string".to_string()))
                .help(format!("set `{}: \"...\"` ({})", field.name, field.summary)),
            );
        }
    }
}
