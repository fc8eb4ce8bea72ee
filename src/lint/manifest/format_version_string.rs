//! WP113 format-version-string.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP113",
    slug: "format-version-string",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "plugin_format_version is a quoted string",
    why: "A quoted \"1\" passes wazo-plugind's validation (marshmallow turns it into 1), but the \
          raw string reaches the postrm template, whose comparison with 0 raises a TypeError: \
          the installation fails at the packaging step.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nplugin_format_version: \"1\"\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nplugin_format_version: 1\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("plugin_format_version") else {
        return;
    };
    if let PyValue::Str(s) = py_value(&entry.value) {
        let number = s.trim();
        let help = if number.parse::<u8>().is_ok_and(|n| n <= 2) {
            format!("remove the quotes: `plugin_format_version: {number}`")
        } else {
            "use `plugin_format_version: 1`".to_string()
        };
        out.push(
            cx.diag(
                &CHECK,
                format!(
                    "plugin_format_version is the string \"{}\", not an integer",
                    s.escape_debug()
                ),
            )
            .at(
                entry.value.span.clone(),
                Some("a string breaks packaging".to_string()),
            )
            .help(help),
        );
    }
}
