//! WP703 depends-cycle.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::PluginReport;
use crate::lint::check::{Check, Family};
use crate::plugin::load::{MANIFEST, Plugin};
use crate::plugin::yaml::{Node, NodeKind};

pub const CHECK: Check = Check {
    code: "WP703",
    slug: "depends-cycle",
    family: Family::Release,
    severity: Severity::Warning,
    summary: "Plugins linted together depend on each other in a cycle",
    why: "wazo-plugind installs a plugin's `depends` first, depth first, and has no cycle \
          detection (wazo-plugind@52b9a36): when A depends on B and B on A, installing A \
          starts installing B, which starts installing A again. Debian accepts the circular \
          Depends, so the outcome depends on the market lookups; the cycle is a mistake either \
          way. Found when the plugins of the cycle are linted in one run.",
    example: "a/wazo/plugin.yml: depends: [{name: b, namespace: acme}]\nb/wazo/plugin.yml: depends: [{name: a, namespace: acme}]\n",
    fixed: "a/wazo/plugin.yml: depends: [{name: b, namespace: acme}]\nb/wazo/plugin.yml: (no depends)\n",
};

/// A plugin's identity and its `depends` entries (namespace, name, span in plugin.yml).
struct Deps {
    id: (String, String),
    deps: Vec<((String, String), std::ops::Range<usize>)>,
}

fn child<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    super::wiring::child(node, key)
}

fn scalar(node: Option<&Node>) -> Option<String> {
    node.and_then(|n| n.as_scalar()).map(|(v, _)| v.to_string())
}

fn read(plugin: &Plugin) -> Option<Deps> {
    let text = &plugin.manifest.source()?.text;
    let root = crate::plugin::yaml::parse(text).ok().flatten()?;
    let id = (
        scalar(child(&root, "namespace"))?,
        scalar(child(&root, "name"))?,
    );
    let mut deps = Vec::new();
    if let Some(NodeKind::Seq(items)) = child(&root, "depends").map(|d| &d.kind) {
        for item in items {
            if let (Some(ns), Some(name)) = (
                scalar(child(item, "namespace")),
                scalar(child(item, "name")),
            ) {
                deps.push(((ns, name), item.span.clone()));
            }
        }
    }
    Some(Deps { id, deps })
}

/// Adds a finding to each plugin of each dependency cycle among `plugins` (reports in the
/// same order).
pub fn run(plugins: &[Plugin], reports: &mut [PluginReport]) {
    let nodes: Vec<Option<Deps>> = plugins.iter().map(read).collect();
    let index: HashMap<&(String, String), usize> = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.as_ref().map(|n| (&n.id, i)))
        .collect();
    // For each plugin, is it on a cycle? Follow edges from it, looking for a path back.
    for (start, node) in nodes.iter().enumerate() {
        let Some(node) = node else { continue };
        for (dep, span) in &node.deps {
            let Some(&next) = index.get(dep) else {
                continue;
            };
            if let Some(path) = path_back(&nodes, &index, next, start) {
                let names: Vec<String> = std::iter::once(start)
                    .chain(path)
                    .filter_map(|i| nodes[i].as_ref())
                    .map(|n| format!("{}/{}", n.id.0, n.id.1))
                    .collect();
                if let Some(report) = reports.get_mut(start) {
                    report.diagnostics.push(
                        Diagnostic::new(
                            &CHECK,
                            MANIFEST,
                            format!(
                                "dependency cycle: {} -> {}/{}: wazo-plugind, which has no cycle detection, installs each before the other",
                                names.join(" -> "),
                                node.id.0,
                                node.id.1
                            ),
                        )
                        .at(span.clone(), Some("closes the cycle".to_string()))
                        .help("remove one of the depends entries of the cycle"),
                    );
                }
                break;
            }
        }
    }
}

/// The plugins from `from` back to `to` through depends, if there is such a path.
fn path_back(
    nodes: &[Option<Deps>],
    index: &HashMap<&(String, String), usize>,
    from: usize,
    to: usize,
) -> Option<Vec<usize>> {
    let mut stack = vec![(from, vec![from])];
    let mut seen = vec![false; nodes.len()];
    while let Some((at, path)) = stack.pop() {
        if at == to {
            let mut p = path;
            p.pop();
            return Some(p);
        }
        if std::mem::replace(&mut seen[at], true) {
            continue;
        }
        if let Some(n) = &nodes[at] {
            for (dep, _) in &n.deps {
                if let Some(&next) = index.get(dep) {
                    let mut p = path.clone();
                    p.push(next);
                    stack.push((next, p));
                }
            }
        }
    }
    None
}
