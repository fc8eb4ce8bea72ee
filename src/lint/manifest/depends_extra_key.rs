//! WP115 depends-extra-key.

use super::{ManifestCx, key_str};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP115",
    slug: "depends-extra-key",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "A depends entry has a key other than name, namespace and version",
    why: "wazo-plugind passes each `depends` entry as keyword arguments to its dependency \
          installer; any other key makes it crash with a TypeError, and the dependency is never \
          installed.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndepends:\n  - name: foobaz\n    namespace: foocorp\n    min_version: \"1.0\"\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\ndepends:\n  - name: foobaz\n    namespace: foocorp\n",
};

const ALLOWED: &[&str] = &["name", "namespace", "version"];

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    for pairs in super::depends_mappings(cx) {
        for pair in pairs {
            let key = key_str(&pair.key).unwrap_or("?");
            if !ALLOWED.contains(&key) {
                let mut d = cx
                    .diag(&CHECK, format!("unexpected key `{key}` in a depends entry"))
                    .at(
                        pair.key.span.clone(),
                        Some("wazo-plugind crashes on this key".to_string()),
                    );
                d = match super::unknown_key::closest(key, ALLOWED) {
                    Some(s) => d.help(format!(
                        "did you mean `{s}`? Only name, namespace and version are allowed"
                    )),
                    None => d.help("remove it: only name, namespace and version are allowed"),
                };
                out.push(d);
            }
        }
    }
}
