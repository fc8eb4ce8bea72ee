//! WP121 unknown-key.

use super::{ManifestCx, key_str};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::fields::FIELDS;

pub const CHECK: Check = Check {
    code: "WP121",
    slug: "unknown-key",
    family: Family::Manifest,
    severity: Severity::Warning,
    summary: "plugin.yml has a key that neither wazo-plugind nor the plugin market reads",
    why: "wazo-plugind drops unknown keys silently. A misspelt key (`namspace`, \
          `debian_depend`) is therefore lost without a word, and the plugin behaves as if it \
          were missing. A warning when the key is a likely misspelling of a known one; a \
          note (info) otherwise, since a key of the author's own (`asterisk: {...}`) breaks \
          nothing.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndebian_depend:\n  - curl\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndebian_depends:\n  - curl\n",
};

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 4))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let known: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    for entry in cx.entries {
        let Some(key) = key_str(&entry.key) else {
            continue;
        };
        if known.contains(&key) {
            continue;
        }
        let d = cx.diag(&CHECK, format!("unknown key `{key}`")).at(
            entry.key.span.clone(),
            Some("neither wazo-plugind nor the market reads it".to_string()),
        );
        out.push(match closest(key, &known) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => {
                let mut d = d.help(format!("known keys: {}", known.join(", ")));
                d.severity = Severity::Info;
                d
            }
        });
    }
}
