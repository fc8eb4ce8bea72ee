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
use crate::plugin::yaml::{self, Entry, Node, NodeKind};
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

/// Parses plugin.yml and runs every plugin.yml check on it.
pub fn lint(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    use crate::plugin::load::FileState;
    let FileState::Loaded(source) = &plugin.manifest else {
        return;
    };
    let root = match yaml::parse(&source.text) {
        Err(e) => {
            out.push(yaml_syntax::diagnostic(source, &e));
            return;
        }
        Ok(None) => {
            out.push(manifest_empty::diagnostic(source));
            return;
        }
        Ok(Some(root)) => root,
    };
    let NodeKind::Map(entries) = &root.kind else {
        out.push(manifest_not_mapping::diagnostic(source, &root));
        return;
    };
    let cx = ManifestCx {
        source,
        root: &root,
        entries,
    };
    for rule in crate::lint::registry::RULES {
        if let crate::lint::registry::Run::Manifest(run) = rule.run {
            run(&cx, out);
        }
    }
}
