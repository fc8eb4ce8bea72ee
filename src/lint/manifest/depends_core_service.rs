//! WP116 depends-core-service.

use super::typing::{PyValue, py_value};
use super::{ManifestCx, key_str};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::fields::CORE_SERVICES;

pub const CHECK: Check = Check {
    code: "WP116",
    slug: "depends-core-service",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "depends names a core Wazo service instead of a plugin",
    why: "`depends` lists other wazo-plugind plugins. An entry such as {name: wazo-calld, \
          namespace: wazo} becomes a dependency on the Debian package \
          wazo-plugind-wazo-calld-wazo, which does not exist, so the plugin cannot be installed. \
          Core services and Debian packages belong in `debian_depends`.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndepends:\n  - name: wazo-calld\n    namespace: wazo\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndebian_depends:\n  - wazo-calld\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    for pairs in super::depends_mappings(cx) {
        let Some(pair) = pairs.iter().rev().find(|p| key_str(&p.key) == Some("name")) else {
            continue;
        };
        if let PyValue::Str(name) = py_value(&pair.value)
            && CORE_SERVICES.contains(&name)
        {
            {
                out.push(
                    cx.diag(&CHECK, format!("`{name}` is a core Wazo service, not a plugin"))
                        .at(pair.value.span.clone(), Some("not a wazo-plugind plugin".to_string()))
                        .help(format!("move it to `debian_depends: [{name}]`, or remove it: core services are always installed")),
                );
            }
        }
    }
}
