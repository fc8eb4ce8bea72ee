//! WP117 debian-depends-string.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP117",
    slug: "debian-depends-string",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "debian_depends is not a list",
    why: "wazo-plugind never validates debian_depends: it iterates over it. A bare string is \
          iterated character by character (`curl` becomes `Depends: c, u, r, l`), and combined \
          with `depends` it crashes the packaging step. Null crashes it too.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndebian_depends: curl\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndebian_depends:\n  - curl\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("debian_depends") else {
        return;
    };
    let value = py_value(&entry.value);
    if value == PyValue::List {
        return;
    }
    let (message, help) = match &value {
        PyValue::Str(s) => {
            let chars: Vec<String> = s.chars().take(4).map(String::from).collect();
            (
                format!(
                    "debian_depends is a string: wazo-plugind makes one dependency per character ({})",
                    chars.join(", ")
                ),
                format!("make it a list: `debian_depends: [{s}]`"),
            )
        }
        other => (
            format!(
                "debian_depends must be a list of Debian packages, found {}",
                other.describe()
            ),
            "write `debian_depends:` followed by `  - package` items, or remove it".to_string(),
        ),
    };
    out.push(
        cx.diag(&CHECK, message)
            .at(
                super::entry_span(entry),
                Some("expected a list".to_string()),
            )
            .help(help),
    );
}
