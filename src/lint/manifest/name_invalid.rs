//! WP105 name-invalid.

use super::ManifestCx;
use super::typing::{PyValue, py_value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::names::{NameProblem, check_name, suggest_name};
use crate::plugin::yaml::Node;

pub const CHECK: Check = Check {
    code: "WP105",
    slug: "name-invalid",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "The plugin name has characters outside a-z, 0-9 and -",
    why: "wazo-plugind validates `name` against ^[a-z0-9-]+$ and the name becomes part of the \
          Debian package name (wazo-plugind-<name>-<namespace>). Underscores, capitals, dots and \
          spaces are refused. A trailing newline (from a `|` block) slips through upstream but \
          breaks the package name.",
    example: "name: hello_world\nnamespace: demo\nversion: 0.0.1\n",
    fixed: "name: hello-world\nnamespace: demo\nversion: 0.0.1\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    if let Some(entry) = cx.get("name") {
        check(cx, &CHECK, "name", &entry.value, out);
    }
}

/// Checks a name value: shared by the plugin's own name and the names in `depends`.
pub fn check(cx: &ManifestCx, check: &Check, what: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    let PyValue::Str(value) = py_value(node) else {
        return;
    };
    let Some(problem) = check_name(value) else {
        return;
    };
    let rule = NameRule {
        what,
        allowed: "a-z, 0-9 and -",
        suggestion: suggest_name(value),
    };
    out.push(describe(cx, check, node, value, problem, rule));
}

/// What a name-like value is, what it allows, and a valid value close to it.
pub struct NameRule<'a> {
    pub what: &'a str,
    pub allowed: &'a str,
    pub suggestion: Option<String>,
}

/// The diagnostic for a name or namespace problem, pointing at the offending character.
pub fn describe(
    cx: &ManifestCx,
    check: &Check,
    node: &Node,
    value: &str,
    problem: NameProblem,
    rule: NameRule,
) -> Diagnostic {
    let NameRule {
        what,
        allowed,
        suggestion,
    } = rule;
    let (message, span, label) = match problem {
        NameProblem::Empty => (
            format!("{what} is empty"),
            node.span.clone(),
            "empty".to_string(),
        ),
        NameProblem::BadChar { offset, ch } => (
            format!(
                "{what} `{}` contains {}, only {allowed} are allowed",
                value.escape_debug(),
                show(ch)
            ),
            node.value_span(cx.text(), offset, ch.len_utf8()),
            "not allowed".to_string(),
        ),
    };
    let d = cx.diag(check, message).at(span, Some(label));
    match suggestion {
        Some(s) if s != value => d.help(format!("use `{s}`")),
        _ => d.help(format!("use only {allowed}")),
    }
}

fn show(ch: char) -> String {
    match ch {
        '\n' => "a newline".into(),
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        c if c.is_ascii_uppercase() => format!("an uppercase letter `{c}`"),
        c => format!("`{}`", c.escape_debug()),
    }
}
