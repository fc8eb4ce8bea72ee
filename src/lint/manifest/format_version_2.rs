//! WP112 format-version-2.

use super::ManifestCx;
use super::format_version_invalid::format_version;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP112",
    slug: "format-version-2",
    family: Family::Manifest,
    severity: Severity::Info,
    summary: "plugin_format_version 2 is undocumented and behaves like 1",
    why: "Version 2 was introduced in wazo-plugind in 2018 for version specifiers in `depends` \
          and removed a week later; the range check still accepts it. It behaves exactly like \
          1, and the documentation lists only 0 and 1.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nplugin_format_version: 2\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nplugin_format_version: 1\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    if format_version(cx) == Some(2)
        && let Some(entry) = cx.get("plugin_format_version")
    {
        {
            out.push(
                cx.diag(
                    &CHECK,
                    "plugin_format_version 2 is undocumented: it behaves like 1",
                )
                .at(entry.value.span.clone(), Some("same as 1".to_string()))
                .help("use `plugin_format_version: 1`"),
            );
        }
    }
}
