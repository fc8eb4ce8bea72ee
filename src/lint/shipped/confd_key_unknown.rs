//! WP505 confd-key-unknown.

use super::ShippedCx;
use crate::confd::key_text;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo::services::{self, COMMON_KEYS};

pub const CHECK: Check = Check {
    code: "WP505",
    slug: "confd-key-unknown",
    family: Family::Confd,
    severity: Severity::Warning,
    summary: "A conf.d file sets a top-level key the service does not know, close to one it knows",
    why: "A service ignores keys it does not read: a misspelt `enabled_plugin` enables nothing. \
          The lists of known keys are incomplete, so only a key within two edits of a known \
          one is reported, with the suggestion.",
    example: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugin:\n  x: true\n",
    fixed: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: true\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for c in &cx.confd {
        let Some(service) = services::service(&c.service) else {
            continue;
        };
        if service.name == "wazo-auth-keys" {
            continue;
        }
        let Some((loaded, parsed)) = &c.loaded else {
            continue;
        };
        let known: Vec<&str> = COMMON_KEYS.iter().chain(service.keys).copied().collect();
        for e in parsed.entries() {
            let Some(key) = key_text(&e.key) else {
                continue;
            };
            if known.contains(&key) || key.len() < 5 {
                continue;
            }
            let Some(near) = known
                .iter()
                .filter(|k| k.len() >= 5)
                .map(|k| (strsim::levenshtein(key, k), *k))
                .filter(|(d, _)| *d <= 2)
                .min()
                .map(|(_, k)| k)
            else {
                continue;
            };
            out.push(
                cx.about(
                    &CHECK,
                    c.file,
                    Some(loaded),
                    Some(e.key.span.clone()),
                    format!("{} does not read `{key}`", service.name),
                )
                .help(format!("did you mean `{near}`?")),
            );
        }
    }
}
