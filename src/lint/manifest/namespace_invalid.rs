//! WP106 namespace-invalid.

use super::ManifestCx;
use super::name_invalid::{NameRule, describe};
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::names::{check_namespace, suggest_namespace};
use crate::plugin::yaml::Node;

pub const CHECK: Check = Check {
    code: "WP106",
    slug: "namespace-invalid",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "The namespace has characters outside a-z and 0-9",
    why: "wazo-plugind validates `namespace` against ^[a-z0-9]+$: unlike the name, a namespace \
          may not contain dashes. It becomes the last part of the Debian package name.",
    example: "name: helloworld\nnamespace: my-corp\nversion: 0.0.1\n",
    fixed: "name: helloworld\nnamespace: mycorp\nversion: 0.0.1\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    if let Some(entry) = cx.get("namespace") {
        check(cx, &CHECK, "namespace", &entry.value, out);
    }
}

/// Checks a namespace value: shared by the plugin's own and those in `depends`.
pub fn check(cx: &ManifestCx, check: &Check, what: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    let PyValue::Str(value) = py_value(node) else {
        return;
    };
    if let Some(problem) = check_namespace(value) {
        let rule = NameRule {
            what,
            allowed: "a-z and 0-9",
            suggestion: suggest_namespace(value),
        };
        out.push(describe(cx, check, node, value, problem, rule));
    }
}
