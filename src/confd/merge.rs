//! How a Wazo service merges its configuration files: `ChainMap(*configs)` over the files of
//! conf.d in sorted order, then config.yml, then the defaults (`xivo-lib-python@b773b7b:
//! xivo/config_helper.py` `read_config_file_hierarchy`, `xivo/chain_map.py:18-27`): mappings are
//! merged key by key, and for any other value **the first file that sets it wins**. The docs say
//! the same: "used in alphabetical order and the first one has priority"
//! (`wazo-platform.org:website/uc-doc/system/configuration_files.md`).

use crate::plugin::yaml::{Node, NodeKind};

/// A configuration value, simplified: mappings (in first-seen key order) and leaves (the
/// source text of a scalar or list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Map(Vec<(String, Value)>),
    Leaf(String),
}

impl Value {
    /// From a parsed YAML node; `text` is the file it comes from.
    pub fn from_node(node: &Node, text: &str) -> Value {
        match &node.kind {
            NodeKind::Map(entries) => Value::Map(
                entries
                    .iter()
                    .filter_map(|e| {
                        let (k, _) = e.key.as_scalar()?;
                        Some((k.to_string(), Value::from_node(&e.value, text)))
                    })
                    .collect(),
            ),
            NodeKind::Scalar { value, .. } => Value::Leaf(value.clone()),
            NodeKind::Seq(_) => Value::Leaf(text.get(node.span.clone()).unwrap_or("").to_string()),
        }
    }

    /// The value at a path of keys.
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        match self {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k == first)
                .and_then(|(_, v)| v.get(rest)),
            Value::Leaf(_) => None,
        }
    }
}

/// Merges configurations given in priority order (the first conf.d file first): ChainMap's rule.
pub fn merge(layers: &[Value]) -> Value {
    let mut out = Value::Map(Vec::new());
    for layer in layers {
        out = merge_two(out, layer);
    }
    out
}

/// `earlier` keeps what it has; `later` only fills in what is missing, inside mappings too.
fn merge_two(earlier: Value, later: &Value) -> Value {
    match (earlier, later) {
        (Value::Map(mut mine), Value::Map(theirs)) => {
            for (k, v) in theirs {
                match mine.iter().position(|(mk, _)| mk == k) {
                    Some(i) => {
                        let (key, old) = mine.remove(i);
                        mine.insert(i, (key, merge_two(old, v)));
                    }
                    None => mine.push((k.clone(), v.clone())),
                }
            }
            Value::Map(mine)
        }
        (kept, _) => kept,
    }
}

/// The order a service reads the files of conf.d in: Python's `sorted()` of the names (code
/// point order), skipping the names it ignores.
pub fn read_order<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = names
        .into_iter()
        .filter(|n| super::skipped_because(n).is_none())
        .collect();
    v.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value {
        let node = crate::plugin::yaml::parse(text)
            .expect("yaml")
            .expect("doc");
        Value::from_node(&node, text)
    }

    #[test]
    fn the_first_file_in_alphabetical_order_wins() {
        // 10-a.yml sorts before 50-b.yml: its log_level stays; mappings merge key by key.
        let order = read_order(["50-b.yml", "10-a.yml", "99-c.yaml", ".hidden.yml"]);
        assert_eq!(order, ["10-a.yml", "50-b.yml"]);
        let a = value("log_level: debug\nenabled_plugins:\n  a: true\n");
        let b = value("log_level: info\nenabled_plugins:\n  a: false\n  b: true\n");
        let merged = merge(&[a, b]);
        assert_eq!(
            merged.get(&["log_level"]),
            Some(&Value::Leaf("debug".into()))
        );
        assert_eq!(
            merged.get(&["enabled_plugins", "a"]),
            Some(&Value::Leaf("true".into()))
        );
        assert_eq!(
            merged.get(&["enabled_plugins", "b"]),
            Some(&Value::Leaf("true".into()))
        );
    }

    #[test]
    fn names_sort_by_code_point_not_by_number() {
        // "050-" sorts before "50-" (wazo-auth-bootstrap wrote a 050-init-config.yml until 2019):
        // a plugin's 50- file does not override it.
        assert_eq!(
            read_order(["50-plugin.yml", "050-init-config.yml", "zz.yml", "Z.yml"]),
            ["050-init-config.yml", "50-plugin.yml", "Z.yml", "zz.yml"]
        );
    }
}
