//! WP104 required-field-missing.

use super::ManifestCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::fields::FIELDS;

pub const CHECK: Check = Check {
    code: "WP104",
    slug: "required-field-missing",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "A required field (name, namespace or version) is missing",
    why: "wazo-plugind refuses a plugin without `name`, `namespace` and `version` (\"Missing data \
          for required field.\"), after the download, at the validating step.",
    example: "name: helloworld\nnamespace: demo\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let start = cx.root.span.start;
    let first_line_end = cx.text()[start..]
        .find('\n')
        .map_or(cx.text().len(), |i| start + i);
    for field in FIELDS.iter().filter(|f| f.required) {
        if cx.get(field.name).is_none() {
            out.push(
                cx.diag(&CHECK, format!("missing required field `{}`", field.name))
                    .at(
                        start..first_line_end,
                        Some(format!("`{}` is not set", field.name)),
                    )
                    .help(format!("add `{}:` ({})", field.name, field.summary)),
            );
        }
    }
}
