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
          the string \"1.1\" with Python's str(). `min_wazo_version: 20.10` becomes \"20.1\", \
          `24.00` becomes \"24.0\", `0123` (octal) becomes \"83\". The plugin is then packaged \
          with another version, or refused on the very Wazo version it names. Quote versions.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nmin_wazo_version: 20.10\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nmin_wazo_version: \"20.10\"\n",
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
        if python != written {
            out.push(
                cx.diag(
                    &CHECK,
                    format!(
                        "`{}: {written}` is read as a number: wazo-plugind gets \"{python}\"",
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
