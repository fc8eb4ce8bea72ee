//! A Wazo service's conf.d file, as the service reads it.
//!
//! Source: `xivo-lib-python@b773b7b:xivo/config_helper.py:96-108` (files of conf.d read in
//! sorted order, names starting with `.` or not ending in `.yml` skipped, a file that does not
//! parse printed to stderr and dropped, PyYAML's SafeLoader: YAML 1.1) and `xivo/chain_map.py:18-27`
//! (merge: the first value set wins, see [`merge`]).

pub mod merge;

use crate::plugin::yaml::{self, Node, NodeKind, Style, YamlError};
use crate::yaml11::{Yaml11Value, resolve_plain};

/// Why a service skips a file of its conf.d folder, if it does.
pub fn skipped_because(file_name: &str) -> Option<&'static str> {
    if file_name.starts_with('.') {
        Some("its name starts with a dot")
    } else if !file_name.ends_with(".yml") {
        Some("its name does not end in .yml")
    } else {
        None
    }
}

/// The service a path on the server configures, when it is `/etc/<service>/conf.d/<file>`:
/// (service folder, file name).
pub fn confd_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/etc/")?;
    let (service, rest) = rest.split_once('/')?;
    let file = rest.strip_prefix("conf.d/")?;
    (!file.is_empty() && !file.contains('/')).then_some((service, file))
}

/// A conf.d file, parsed.
#[derive(Debug, Clone)]
pub struct ConfdFile {
    /// The mapping at the top of the file (`None` for an empty file, or one that is not a mapping).
    pub root: Option<Node>,
    pub error: Option<YamlError>,
}

impl ConfdFile {
    pub fn parse(text: &str) -> ConfdFile {
        match yaml::parse(text) {
            Ok(root) => ConfdFile { root, error: None },
            Err(e) => ConfdFile {
                root: None,
                error: Some(e),
            },
        }
    }

    /// The top-level entries, when the document is a mapping.
    pub fn entries(&self) -> &[yaml::Entry] {
        match self.root.as_ref().map(|n| &n.kind) {
            Some(NodeKind::Map(entries)) => entries,
            _ => &[],
        }
    }

    /// The value of top-level key `key`: the first one, as the service keeps only one (PyYAML
    /// keeps the last of duplicates, which WP101's rule reports in plugin.yml; here the last).
    pub fn get(&self, key: &str) -> Option<&yaml::Entry> {
        self.entries()
            .iter()
            .rev()
            .find(|e| key_text(&e.key) == Some(key))
    }
}

/// A key's text, when it is a scalar.
pub fn key_text(node: &Node) -> Option<&str> {
    node.as_scalar().map(|(v, _)| v)
}

/// A value as Python would see it after PyYAML: (the typed scalar, whether it is truthy).
pub fn scalar_value(node: &Node) -> Option<Yaml11Value> {
    let (value, style) = node.as_scalar()?;
    if node.tagged {
        return None;
    }
    Some(match style {
        Style::Plain => resolve_plain(value),
        _ => Yaml11Value::Str,
    })
}

/// Whether Python's `bool()` of the value is true, when it can be told.
pub fn truthy(node: &Node) -> Option<bool> {
    match &node.kind {
        NodeKind::Scalar { value, .. } => Some(match scalar_value(node)? {
            Yaml11Value::Null => false,
            Yaml11Value::Bool(b) => b,
            Yaml11Value::Int(d) => d != "0",
            Yaml11Value::Float(f) => f != 0.0,
            Yaml11Value::Str => !value.is_empty(),
            Yaml11Value::Timestamp { .. } => true,
            Yaml11Value::LoadError(_) => return None,
        }),
        NodeKind::Seq(items) => Some(!items.is_empty()),
        NodeKind::Map(entries) => Some(!entries.is_empty()),
    }
}
