//! The effective configuration a service gets from a set of conf.d files, value by value, with
//! the file each value comes from: the files in the order the service reads them
//! ([`super::merge::read_order`]), merged by ChainMap's rule ([`super::merge`]): mappings key by
//! key, and for anything else the first file that sets it wins.

use crate::plugin::yaml::{Node, NodeKind};

/// One value of the effective configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The keys leading to it: `["enabled_plugins", "my_plugin"]`.
    pub path: Vec<String>,
    /// The value as written (a scalar's text, a list's source text).
    pub value: String,
    /// The file it comes from.
    pub file: String,
    /// Later files that set the same keys too, and lose.
    pub overridden_in: Vec<String>,
}

/// A conf.d file given to [`effective`]: its name, parsed top node and text.
pub struct Layer<'a> {
    pub file: &'a str,
    pub root: &'a Node,
    pub text: &'a str,
}

/// The settings of `layers` (any order: they are read in the service's order), in the order
/// their keys were first met.
pub fn effective(layers: &[Layer<'_>]) -> Vec<Setting> {
    let names = super::merge::read_order(layers.iter().map(|l| l.file));
    let mut out: Vec<Setting> = Vec::new();
    for name in names {
        let Some(layer) = layers.iter().find(|l| l.file == name) else {
            continue;
        };
        let mut leaves = Vec::new();
        flatten(layer.root, layer.text, &mut Vec::new(), &mut leaves);
        for (path, value) in leaves {
            // A value set before at this path, or at a prefix of it (a leaf hides what a later
            // file puts below it), or below it (a mapping keeps its keys; a later leaf loses).
            let taken = out
                .iter_mut()
                .find(|s| s.path == path || path.starts_with(&s.path) || s.path.starts_with(&path));
            match taken {
                Some(s) => {
                    if !s.overridden_in.iter().any(|f| f == name) {
                        s.overridden_in.push(name.to_string());
                    }
                }
                None => out.push(Setting {
                    path,
                    value,
                    file: name.to_string(),
                    overridden_in: Vec::new(),
                }),
            }
        }
    }
    out
}

fn flatten(node: &Node, text: &str, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    match &node.kind {
        NodeKind::Map(entries) if !entries.is_empty() => {
            for e in entries {
                let Some((key, _)) = e.key.as_scalar() else {
                    continue;
                };
                path.push(key.to_string());
                flatten(&e.value, text, path, out);
                path.pop();
            }
        }
        NodeKind::Scalar { value, .. } => out.push((path.clone(), value.clone())),
        _ => out.push((
            path.clone(),
            text.get(node.span.clone()).unwrap_or("").to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str) -> Node {
        crate::plugin::yaml::parse(text).unwrap().unwrap()
    }

    #[test]
    fn the_first_file_wins_and_losers_are_named() {
        let a_text = "log_level: debug\nenabled_plugins:\n  a: true\n";
        let b_text =
            "log_level: info\nenabled_plugins:\n  a: false\n  b: true\nrest_api:\n  port: 9500\n";
        let (a, b) = (node(a_text), node(b_text));
        let layers = [
            Layer {
                file: "50-b.yml",
                root: &b,
                text: b_text,
            },
            Layer {
                file: "10-a.yml",
                root: &a,
                text: a_text,
            },
        ];
        let got = effective(&layers);
        let show: Vec<(String, &str, &str, Vec<String>)> = got
            .iter()
            .map(|s| {
                (
                    s.path.join("."),
                    s.value.as_str(),
                    s.file.as_str(),
                    s.overridden_in.clone(),
                )
            })
            .collect();
        assert_eq!(
            show,
            [
                (
                    "log_level".into(),
                    "debug",
                    "10-a.yml",
                    vec!["50-b.yml".to_string()]
                ),
                (
                    "enabled_plugins.a".into(),
                    "true",
                    "10-a.yml",
                    vec!["50-b.yml".to_string()]
                ),
                ("enabled_plugins.b".into(), "true", "50-b.yml", vec![]),
                ("rest_api.port".into(), "9500", "50-b.yml", vec![]),
            ]
        );
    }

    #[test]
    fn skipped_files_count_for_nothing() {
        let text = "log_level: error\n";
        let n = node(text);
        let layers = [Layer {
            file: "10-x.yaml",
            root: &n,
            text,
        }];
        assert!(effective(&layers).is_empty());
    }

    #[test]
    fn a_leaf_hides_what_a_later_file_puts_below_it() {
        let (a_text, b_text) = ("auth: none\n", "auth:\n  host: x\n");
        let (a, b) = (node(a_text), node(b_text));
        let layers = [
            Layer {
                file: "1.yml",
                root: &a,
                text: a_text,
            },
            Layer {
                file: "2.yml",
                root: &b,
                text: b_text,
            },
        ];
        let got = effective(&layers);
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].value.as_str(), got[0].overridden_in.clone()),
            ("none", vec!["2.yml".to_string()])
        );
    }
}
