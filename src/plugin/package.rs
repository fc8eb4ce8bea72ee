//! What wazo-plugind writes into the Debian package, read from the plugin model: plugin.yml's
//! fields after PyYAML's YAML 1.1 typing, the last of duplicate keys winning, numbers through
//! Python's `str()` (`version: 1.10` is `1.1`, `version: 1:30` is sexagesimal `90`).
//!
//! Only [`crate::lint::package_gate`] builds one, after the checks that keep a .deb correct
//! passed: these fields are then known to be valid.

use crate::plugin::value::{PyValue, py_value, version_string};
use crate::plugin::yaml::{Entry, Node, NodeKind};

/// A plugin this plugin depends on (`depends` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The dependency's `name`.
    pub name: String,
    /// The dependency's `namespace`.
    pub namespace: String,
}

/// What the pipeline reads from `plugin.yml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginMeta {
    /// `name`, `^[a-z0-9-]+$`.
    pub name: String,
    /// `namespace`, `^[a-z0-9]+$`.
    pub namespace: String,
    /// `version` as wazo-plugind sees it after PyYAML and `str()` (`1.10` becomes `1.1`).
    pub version: String,
    /// `version` exactly as written in the file.
    pub version_as_written: String,
    /// `plugin_format_version`, 0 when absent.
    pub plugin_format_version: i64,
    /// `depends`, in file order.
    pub depends: Vec<Dependency>,
    /// `debian_depends`, in file order, verbatim.
    pub debian_depends: Vec<String>,
}

impl PluginMeta {
    /// The Debian package name wazo-plugind gives the plugin.
    pub fn package_name(&self) -> String {
        format!("wazo-plugind-{}-{}", self.name, self.namespace)
    }

    /// The `.deb` file name: `wazo-plugind-<name>-<ns>_<version>_all.deb`.
    pub fn deb_file_name(&self) -> String {
        format!("{}_{}_all.deb", self.package_name(), self.version)
    }
}

impl PluginMeta {
    /// Reads the fields from plugin.yml's top-level mapping; `None` when one has a type the
    /// gate's checks refuse (so never after they passed).
    pub fn from_yaml(root: &Node) -> Option<PluginMeta> {
        let NodeKind::Map(entries) = &root.kind else {
            return None;
        };
        let string = |entries: &[Entry], key: &str| match get(entries, key).map(py_value) {
            Some(PyValue::Str(s)) => Some(s.to_string()),
            _ => None,
        };
        let version_node = get(entries, "version")?;
        let plugin_format_version = match get(entries, "plugin_format_version").map(py_value) {
            None | Some(PyValue::Null) => 0,
            Some(PyValue::Int { python }) => python.parse().ok()?,
            Some(_) => return None,
        };
        let mut depends = Vec::new();
        match get(entries, "depends").map(|n| (&n.kind, py_value(n))) {
            None | Some((_, PyValue::Null)) => {}
            Some((NodeKind::Seq(items), _)) => {
                for item in items {
                    let NodeKind::Map(pairs) = &item.kind else {
                        return None;
                    };
                    depends.push(Dependency {
                        name: string(pairs, "name")?,
                        namespace: string(pairs, "namespace")?,
                    });
                }
            }
            Some(_) => return None,
        }
        let mut debian_depends = Vec::new();
        match get(entries, "debian_depends").map(|n| (&n.kind, py_value(n))) {
            None | Some((_, PyValue::Null)) => {}
            Some((NodeKind::Seq(items), _)) => {
                for item in items {
                    match py_value(item) {
                        PyValue::Str(s) => debian_depends.push(s.to_string()),
                        _ => return None,
                    }
                }
            }
            Some(_) => return None,
        }
        Some(PluginMeta {
            name: string(entries, "name")?,
            namespace: string(entries, "namespace")?,
            version: version_string(version_node)?,
            version_as_written: version_node.as_scalar()?.0.to_string(),
            plugin_format_version,
            depends,
            debian_depends,
        })
    }
}

/// The value of a key, the last of duplicates winning as for PyYAML.
fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Node> {
    entries
        .iter()
        .rev()
        .find(|e| e.key.as_scalar().map(|(k, _)| k) == Some(key))
        .map(|e| &e.value)
}
