//! WP504 confd-enabled-not-boolean.

use super::{ShippedCx, wiring};
use crate::confd::{key_text, scalar_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::yaml::NodeKind;
use crate::wazo::services::{self, Enable};
use crate::yaml11::Yaml11Value;

pub const CHECK: Check = Check {
    code: "WP504",
    slug: "confd-enabled-not-boolean",
    family: Family::Confd,
    severity: Severity::Error,
    summary: "A plugin is enabled or disabled with a string, not a boolean (`\"false\"` enables it)",
    why: "The service loads every name whose value is truthy in Python: the string \"false\" (or \
          \"no\", \"off\", \"0\") is a non-empty string, so the plugin is loaded. Write true or \
          false unquoted. A quoted \"true\" works, by the same rule, and is reported as a warning.",
    example: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: \"false\"\n",
    fixed: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: false\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for c in &cx.confd {
        let Some(service) = services::service(&c.service) else {
            continue;
        };
        let Some((loaded, parsed)) = &c.loaded else {
            continue;
        };
        let Some(root) = &parsed.root else { continue };
        for g in service.groups {
            let map = match g.enable {
                Enable::Flat(k) => wiring::child(root, k),
                Enable::Nested(k, sub) => {
                    wiring::child(root, k).and_then(|m| wiring::child(m, sub))
                }
                _ => None,
            };
            let Some(NodeKind::Map(entries)) = map.map(|m| &m.kind) else {
                continue;
            };
            for e in entries {
                let Some(value) = scalar_value(&e.value) else {
                    continue;
                };
                let name = key_text(&e.key).unwrap_or("?");
                let (raw, _) = e
                    .value
                    .as_scalar()
                    .unwrap_or(("", crate::plugin::yaml::Style::Plain));
                let falsy_text = matches!(
                    raw.to_ascii_lowercase().as_str(),
                    "false" | "no" | "off" | "0" | "n"
                );
                let severity = match value {
                    Yaml11Value::Bool(_) => continue,
                    Yaml11Value::Str if falsy_text => Severity::Error,
                    Yaml11Value::Str if raw.is_empty() => continue,
                    _ => Severity::Warning,
                };
                let truthy = crate::confd::truthy(&e.value) == Some(true);
                let effect = if truthy { "loads" } else { "does not load" };
                out.push(
                    cx.about(
                        &CHECK,
                        c.file,
                        Some(loaded),
                        Some(e.value.span.clone()),
                        format!(
                            "`{name}` is set to {} `{raw}`: {} {effect} it",
                            value.kind(),
                            service.name
                        ),
                    )
                    .severity(severity)
                    .help(format!(
                        "write `{name}: {}`",
                        if falsy_text { "false" } else { "true" }
                    )),
                );
            }
        }
    }
}
