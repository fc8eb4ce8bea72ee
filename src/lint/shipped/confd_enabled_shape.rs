//! WP503 confd-enabled-shape.

use super::{ShippedCx, wiring};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::yaml::NodeKind;
use crate::wazo::services::{self, Enable};

pub const CHECK: Check = Check {
    code: "WP503",
    slug: "confd-enabled-shape",
    family: Family::Confd,
    severity: Severity::Error,
    summary: "An enabled_* setting is not a mapping of names (a list, or the wrong nesting)",
    why: "Services call `.items()` on `enabled_plugins` (and the other enabled_* keys): a list \
          makes the service fail at start-up. wazo-dird and wazo-purge-db nest it one level \
          (`enabled_plugins: {backends: {name: true}}`): a flat mapping there enables nothing.",
    example: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  - x\n",
    fixed: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: true\n",
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
        let mut keys: Vec<(&str, Option<&str>)> = Vec::new();
        for g in service.groups {
            match g.enable {
                Enable::Flat(k) => keys.push((k, None)),
                Enable::Nested(k, sub) => keys.push((k, Some(sub))),
                _ => {}
            }
        }
        keys.dedup_by_key(|(k, _)| *k);
        let subs: Vec<&str> = service
            .groups
            .iter()
            .filter_map(|g| match g.enable {
                Enable::Nested(_, s) => Some(s),
                _ => None,
            })
            .collect();
        for (key, nested) in keys {
            let Some(value) = wiring::child(root, key) else {
                continue;
            };
            let bad = |span: std::ops::Range<usize>, what: String| {
                cx.about(&CHECK, c.file, Some(loaded), Some(span), what)
            };
            match &value.kind {
                NodeKind::Map(entries) if nested.is_some() => {
                    for e in entries {
                        let Some(k) = crate::confd::key_text(&e.key) else { continue };
                        if !subs.contains(&k) {
                            out.push(bad(e.key.span.clone(), format!(
                                "{} nests `{key}` by kind ({}): `{k}` here enables nothing",
                                service.name,
                                subs.join(", ")
                            )).help(format!("put it under one of them: {key}: {{{}: {{{k}: true}}}}", subs.first().copied().unwrap_or("backends"))));
                        } else if !matches!(e.value.kind, NodeKind::Map(_)) {
                            out.push(bad(e.value.span.clone(), format!(
                                "`{key}.{k}` is {}, not a mapping of names to true/false",
                                e.value.type_name()
                            )));
                        }
                    }
                }
                NodeKind::Map(_) => {}
                NodeKind::Scalar { value: v, .. } if v.is_empty() || v == "~" || v == "null" => {}
                _ => out.push(
                    bad(
                        value.span.clone(),
                        format!(
                            "`{key}` is {}: {} expects a mapping of names to true/false and fails at start-up",
                            value.type_name(),
                            service.name
                        ),
                    )
                    .help(format!("write it as:\n{key}:\n  NAME: true")),
                ),
            }
        }
    }
}
