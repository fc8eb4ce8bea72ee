//! WP101 duplicate-key.

use std::collections::HashMap;

use super::{ManifestCx, key_str};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::yaml::{Node, NodeKind};

pub const CHECK: Check = Check {
    code: "WP101",
    slug: "duplicate-key",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "A key appears twice in the same mapping",
    why: "PyYAML keeps the last value of a duplicate key without a word, so the first one is \
          silently ignored by wazo-plugind. It is almost always an editing mistake.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nversion: 0.0.2\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.2\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    walk(cx, cx.root, out);
}

fn walk(cx: &ManifestCx, node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.kind {
        NodeKind::Map(entries) => {
            let mut first: HashMap<&str, &Node> = HashMap::new();
            for entry in entries {
                if let Some(key) = key_str(&entry.key) {
                    if let Some(previous) = first.get(key) {
                        out.push(
                            cx.diag(&CHECK, format!("duplicate key `{key}`"))
                                .at(
                                    entry.key.span.clone(),
                                    Some("defined again here".to_string()),
                                )
                                .also(previous.span.clone(), "first defined here")
                                .help("remove one of them: PyYAML keeps the last value"),
                        );
                    } else {
                        first.insert(key, &entry.key);
                    }
                }
                walk(cx, &entry.value, out);
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|i| walk(cx, i, out)),
        NodeKind::Scalar { .. } => {}
    }
}
