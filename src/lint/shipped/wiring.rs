//! How a conf.d file enables a plugin, read the way the service's `load(names=config[KEY])`
//! reads it (`xivo-lib-python@b773b7b:xivo/plugin_helpers.py`): only names with a truthy value.

use crate::confd::{ConfdFile, key_text, truthy};
use crate::plugin::yaml::{Node, NodeKind};
use crate::wazo::services::{Enable, GroupRef};

/// The mapping under `key` of a mapping node.
pub fn child<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .rev()
            .find(|e| key_text(&e.key) == Some(key))
            .map(|e| &e.value),
        _ => None,
    }
}

/// What a conf.d file says of the plugin `name` of a group: `Some(true)` enabled, `Some(false)`
/// present but disabled, `None` not mentioned.
pub fn enabled(file: &ConfdFile, group: &GroupRef, name: &str) -> Option<bool> {
    let root = file.root.as_ref()?;
    match group.enable() {
        Enable::Flat(key) => child(root, key)
            .and_then(|m| child(m, name))
            .map(|v| truthy(v) == Some(true)),
        Enable::Nested(key, sub) => child(root, key)
            .and_then(|m| child(m, sub))
            .and_then(|m| child(m, name))
            .map(|v| truthy(v) == Some(true)),
        Enable::Entries(key) => child(root, key)
            .and_then(|m| child(m, name))
            .map(|v| child(v, "enabled").is_some_and(|e| truthy(e) == Some(true))),
        Enable::One(key) => child(root, key)
            .and_then(|v| v.as_scalar())
            .map(|(v, _)| v == name),
        Enable::Confgend => {
            let plugins = child(root, "plugins")?;
            let wanted = match group {
                GroupRef::Confgend(resource) => Some(resource.as_str()),
                GroupRef::Table(_) => None,
            };
            match &plugins.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .find(|e| {
                        e.value.as_scalar().is_some_and(|(v, _)| v == name)
                            && wanted.is_none_or(|w| key_text(&e.key) == Some(w))
                    })
                    .map(|_| true),
                _ => None,
            }
        }
        Enable::All => Some(true),
    }
}

/// The names a conf.d file enables for a group, with the node of each name (flat and nested
/// forms only).
pub fn enabled_names(file: &ConfdFile, enable: Enable) -> Vec<(&str, &Node)> {
    let Some(root) = file.root.as_ref() else {
        return Vec::new();
    };
    let map = match enable {
        Enable::Flat(key) => child(root, key),
        Enable::Nested(key, sub) => child(root, key).and_then(|m| child(m, sub)),
        _ => None,
    };
    match map.map(|m| &m.kind) {
        Some(NodeKind::Map(entries)) => entries
            .iter()
            .filter(|e| truthy(&e.value) == Some(true))
            .filter_map(|e| Some((key_text(&e.key)?, &e.key)))
            .collect(),
        _ => Vec::new(),
    }
}
