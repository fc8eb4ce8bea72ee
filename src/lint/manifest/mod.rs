//! Checks on wazo/plugin.yml (WP1xx).

pub mod debian_depends_invalid;
pub mod debian_depends_string;
pub mod depends_core_service;
pub mod depends_extra_key;
pub mod depends_invalid;
pub mod duplicate_key;
pub mod field_type;
pub mod format_version_2;
pub mod format_version_invalid;
pub mod format_version_string;
pub mod manifest_empty;
pub mod manifest_not_mapping;
pub mod market_field_type;
pub mod name_invalid;
pub mod namespace_invalid;
pub mod number_mangled;
pub mod required_field_missing;
pub mod typing;
pub mod unknown_key;
pub mod version_invalid;
pub mod wazo_version_invalid;
pub mod wazo_version_range;
pub mod yaml11_trap;
pub mod yaml_syntax;

use crate::diagnostic::Diagnostic;
use crate::lint::check::Check;
use crate::plugin::load::Plugin;
use crate::plugin::yaml::{Entry, Node, NodeKind};
use crate::source::SourceFile;

/// What a plugin.yml check reads: the file and its top-level mapping.
pub struct ManifestCx<'a> {
    pub source: &'a SourceFile,
    pub root: &'a Node,
    pub entries: &'a [Entry],
}

impl<'a> ManifestCx<'a> {
    /// The value of a top-level key. With duplicate keys, the last one wins, as for PyYAML.
    pub fn get(&self, key: &str) -> Option<&'a Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| key_str(&e.key) == Some(key))
    }

    /// A diagnostic of `check` on plugin.yml.
    pub fn diag(&self, check: &Check, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(check, &self.source.rel, message)
    }

    pub fn text(&self) -> &'a str {
        &self.source.text
    }
}

/// The entries of `depends` that are mappings, with their key/value pairs (the rest is
/// WP114's business).
pub fn depends_mappings<'a>(cx: &ManifestCx<'a>) -> impl Iterator<Item = &'a [Entry]> {
    let items: &[Node] = match cx.get("depends").map(|e| &e.value.kind) {
        Some(NodeKind::Seq(items)) => items,
        _ => &[],
    };
    items.iter().filter_map(|item| match &item.kind {
        NodeKind::Map(pairs) => Some(pairs.as_slice()),
        _ => None,
    })
}

/// A mapping key as a string, when it is a scalar.
pub fn key_str(node: &Node) -> Option<&str> {
    node.as_scalar().map(|(v, _)| v)
}

/// Where to point for an entry's value: the value, or the key when the value is empty (null).
pub fn entry_span(entry: &Entry) -> std::ops::Range<usize> {
    if entry.value.span.is_empty() {
        entry.key.span.clone()
    } else {
        entry.value.span.clone()
    }
}

/// What the other families need to know of plugin.yml.
#[derive(Debug, Clone, Default)]
pub struct ManifestFacts {
    /// The name and namespace, when they are strings.
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// plugin_format_version as wazo-plugind reads it: `Some(0)` when absent, `None` when it
    /// is present but invalid (reported by WP111/WP113).
    pub format_version: Option<i64>,
    /// Where plugin_format_version's value is, when the key is present.
    pub format_version_span: Option<std::ops::Range<usize>>,
    /// The length of plugin.yml and whether it ends with a newline (to append a key).
    pub len: usize,
    pub ends_with_newline: bool,
}

/// Parses plugin.yml and runs every plugin.yml check on it. Returns what the rules checks
/// need to know, when plugin.yml could be read as a mapping.
pub fn lint(plugin: &Plugin, out: &mut Vec<Diagnostic>) -> Option<ManifestFacts> {
    use crate::plugin::load::FileState;
    let (FileState::Loaded(source), Some(parsed)) = (&plugin.manifest, &plugin.manifest_yaml)
    else {
        return None;
    };
    let root = match parsed {
        Err(e) => {
            out.push(yaml_syntax::diagnostic(source, e));
            return None;
        }
        Ok(None) => {
            out.push(manifest_empty::diagnostic(source));
            return None;
        }
        Ok(Some(root)) => root,
    };
    let NodeKind::Map(entries) = &root.kind else {
        out.push(manifest_not_mapping::diagnostic(source, root));
        return None;
    };
    let cx = ManifestCx {
        source,
        root,
        entries,
    };
    for rule in crate::lint::registry::RULES {
        if let crate::lint::registry::Run::Manifest(run) = rule.run {
            run(&cx, out);
        }
    }
    Some(facts(&cx))
}

fn facts(cx: &ManifestCx) -> ManifestFacts {
    use typing::{PyValue, py_value};
    let string = |key: &str| match cx.get(key).map(|e| py_value(&e.value)) {
        Some(PyValue::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    let declared = cx.get("plugin_format_version");
    ManifestFacts {
        name: string("name"),
        namespace: string("namespace"),
        format_version: match declared {
            None => Some(0),
            Some(_) => format_version_invalid::format_version(cx),
        },
        format_version_span: declared.map(|e| e.value.span.clone()),
        len: cx.text().len(),
        ends_with_newline: cx.text().ends_with('\n'),
    }
}
