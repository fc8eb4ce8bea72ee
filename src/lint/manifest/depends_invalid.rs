//! WP114 depends-invalid.

use super::typing::{PyValue, py_value};
use super::{ManifestCx, key_str};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::yaml::NodeKind;

pub const CHECK: Check = Check {
    code: "WP114",
    slug: "depends-invalid",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "depends is not a list of {name, namespace} plugins with valid names",
    why: "Each `depends` entry names another plugin by `name` and `namespace` (and optionally \
          `version`). wazo-plugind refuses a `depends` that is not a list or an entry that is not \
          a mapping, and an entry without name or namespace. It does not check their characters, \
          but the entry becomes the Debian dependency wazo-plugind-<name>-<namespace>, which \
          then cannot exist: the same rules as the plugin's own name apply.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndepends:\n  - name: admin_ui\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndepends:\n  - name: admin-ui-context\n    namespace: official\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let Some(entry) = cx.get("depends") else {
        return;
    };
    let items = match &entry.value.kind {
        NodeKind::Seq(items) => items,
        _ => {
            let found = py_value(&entry.value).describe();
            out.push(
                cx.diag(&CHECK, format!("depends must be a list of plugins, found {found}"))
                    .at(super::entry_span(entry), Some("expected a list".to_string()))
                    .help("write `depends:` followed by `  - name: ...` / `    namespace: ...` items, or remove it"),
            );
            return;
        }
    };
    for item in items {
        let NodeKind::Map(pairs) = &item.kind else {
            out.push(
                cx.diag(
                    &CHECK,
                    format!(
                        "a depends entry must be a mapping with name and namespace, found {}",
                        py_value(item).describe()
                    ),
                )
                .at(
                    item.span.clone(),
                    Some("expected `name:` and `namespace:`".to_string()),
                ),
            );
            continue;
        };
        let get = |k: &str| pairs.iter().rev().find(|p| key_str(&p.key) == Some(k));
        for key in ["name", "namespace"] {
            match get(key) {
                None => out.push(
                    cx.diag(&CHECK, format!("this depends entry has no `{key}`"))
                        .at(item.span.clone(), Some(format!("`{key}` missing")))
                        .help(format!(
                            "add `{key}:` with the {key} of the plugin this one needs"
                        )),
                ),
                Some(pair) => match py_value(&pair.value) {
                    PyValue::Str(_) if key == "name" => {
                        super::name_invalid::check(cx, &CHECK, "depends name", &pair.value, out)
                    }
                    PyValue::Str(_) => super::namespace_invalid::check(
                        cx,
                        &CHECK,
                        "depends namespace",
                        &pair.value,
                        out,
                    ),
                    PyValue::Null | PyValue::List | PyValue::Map => out.push(
                        cx.diag(&CHECK, format!("depends `{key}` must be a string"))
                            .at(
                                super::entry_span(pair),
                                Some("expected a string".to_string()),
                            ),
                    ),
                    // Booleans, numbers and dates are WP109's business.
                    _ => {}
                },
            }
        }
        if let Some(pair) = get("version")
            && matches!(
                py_value(&pair.value),
                PyValue::Null | PyValue::List | PyValue::Map
            )
        {
            out.push(cx.diag(&CHECK, "depends `version` must be a string").at(
                super::entry_span(pair),
                Some("expected a string".to_string()),
            ));
        }
    }
}
