//! The effective configuration a service gets from a set of conf.d files, value by value, with
//! the file each value comes from: the files in the order the service reads them
//! ([`super::merge::read_order`]), merged by ChainMap's rule ([`super::merge`]): mappings key by
//! key, and for anything else the first file that sets it wins (wazo-auth appends lists
//! instead). The files are the plugin's and Wazo's own ([`crate::wazo::confd_files`]).

use crate::plugin::yaml::{Node, NodeKind};
use crate::wazo::confd_files::WazoFile;

/// What a value is, for the merge: ChainMap merges two mappings, and keeps the first of
/// anything else (with accumulating lists, two lists are both kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scalar,
    List,
    /// `{}`: a mapping with no key, which later files' keys merge into.
    EmptyMap,
}

/// A value a layer sets, at the end of a path of keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub path: Vec<String>,
    /// A scalar's text, or a list's (or `{}`'s) source text.
    pub value: String,
    pub kind: Kind,
}

/// One value of the effective configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The keys leading to it: `["enabled_plugins", "my_plugin"]`.
    pub path: Vec<String>,
    /// The value as written (a scalar's text, a list's source text).
    pub value: String,
    /// The file it comes from.
    pub file: String,
    /// When the file is one of Wazo's own, which (its package and upstream source).
    pub wazo: Option<&'static WazoFile>,
    /// Later files that set the same keys too, to another value, and lose.
    pub overridden_in: Vec<String>,
    /// Later files whose list at the same keys is appended to this one (accumulating lists).
    pub extended_in: Vec<String>,
}

/// A conf.d file given to [`effective`]: its name, where it comes from and its values.
#[derive(Debug, Clone)]
pub struct Layer<'a> {
    pub file: &'a str,
    pub wazo: Option<&'static WazoFile>,
    pub leaves: Vec<Leaf>,
}

impl<'a> Layer<'a> {
    /// A file of the plugin: its parsed top node and text.
    pub fn plugin(file: &'a str, root: &Node, text: &str) -> Layer<'a> {
        let mut leaves = Vec::new();
        flatten(root, text, &mut Vec::new(), &mut leaves);
        leaves.retain(|l| !l.path.is_empty());
        Layer {
            file,
            wazo: None,
            leaves,
        }
    }

    /// One of Wazo's own files, from the table.
    pub fn wazo(f: &'static WazoFile) -> Layer<'static> {
        Layer {
            file: f.name,
            wazo: Some(f),
            leaves: f
                .settings
                .iter()
                .map(|(path, v)| Leaf {
                    path: path.iter().map(|k| k.to_string()).collect(),
                    value: v.display(),
                    kind: if v.is_list() {
                        Kind::List
                    } else {
                        Kind::Scalar
                    },
                })
                .collect(),
        }
    }
}

/// The settings of `layers` (any order: they are read in the service's order, and layers of
/// the same name in the order given), in the order their keys were first met.
/// `accumulate_lists`: the service appends a later file's list to an earlier one's
/// ([`crate::wazo::confd_files::accumulates_lists`]).
pub fn effective(layers: &[Layer<'_>], accumulate_lists: bool) -> Vec<Setting> {
    effective_with(layers, &[], accumulate_lists)
}

/// [`effective`], then `later` in the order given: what the service reads after its conf.d
/// files (config.yml, then its built-in defaults, [`crate::wazo::defaults`]).
pub fn effective_with(
    layers: &[Layer<'_>],
    later: &[Layer<'_>],
    accumulate_lists: bool,
) -> Vec<Setting> {
    let mut order: Vec<&Layer> = layers
        .iter()
        .filter(|l| super::skipped_because(l.file).is_none())
        .collect();
    order.sort_by(|a, b| a.file.as_bytes().cmp(b.file.as_bytes()));
    order.extend(later);
    let mut out: Vec<(Setting, Kind)> = Vec::new();
    for layer in order {
        let name = layer.file;
        for leaf in &layer.leaves {
            // A value set before at this path, or at a prefix of it (a leaf hides what a later
            // file puts below it), or below it (a mapping keeps its keys; a later leaf loses).
            // `{}` hides nothing: mappings merge.
            let taken = out.iter_mut().find(|(s, kind)| {
                if s.path == leaf.path {
                    !(*kind == Kind::EmptyMap && leaf.kind == Kind::EmptyMap)
                } else if leaf.path.starts_with(&s.path) {
                    *kind != Kind::EmptyMap
                } else {
                    s.path.starts_with(&leaf.path) && leaf.kind != Kind::EmptyMap
                }
            });
            match taken {
                // The same scalar again loses nothing: not recorded.
                Some((s, Kind::Scalar))
                    if s.path == leaf.path
                        && leaf.kind == Kind::Scalar
                        && s.value == leaf.value => {}
                Some((s, kind)) => {
                    let list = if accumulate_lists
                        && s.path == leaf.path
                        && *kind == Kind::List
                        && leaf.kind == Kind::List
                    {
                        &mut s.extended_in
                    } else {
                        &mut s.overridden_in
                    };
                    if !list.iter().any(|f| f == name) {
                        list.push(name.to_string());
                    }
                }
                None => {
                    let hidden = out.iter().any(|(s, kind)| {
                        s.path != leaf.path
                            && (s.path.starts_with(&leaf.path) || leaf.path.starts_with(&s.path))
                            && (*kind == Kind::EmptyMap || leaf.kind == Kind::EmptyMap)
                    });
                    // `{}` under or over keys already set adds nothing to show.
                    if hidden && leaf.kind == Kind::EmptyMap {
                        continue;
                    }
                    out.push((
                        Setting {
                            path: leaf.path.clone(),
                            value: leaf.value.clone(),
                            file: name.to_string(),
                            wazo: layer.wazo,
                            overridden_in: Vec::new(),
                            extended_in: Vec::new(),
                        },
                        leaf.kind,
                    ))
                }
            }
        }
    }
    out.into_iter().map(|(s, _)| s).collect()
}

fn flatten(node: &Node, text: &str, path: &mut Vec<String>, out: &mut Vec<Leaf>) {
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
        NodeKind::Scalar { value, .. } => out.push(Leaf {
            path: path.clone(),
            value: value.clone(),
            kind: Kind::Scalar,
        }),
        NodeKind::Seq(_) | NodeKind::Map(_) => out.push(Leaf {
            path: path.clone(),
            value: text.get(node.span.clone()).unwrap_or("").to_string(),
            kind: if matches!(node.kind, NodeKind::Seq(_)) {
                Kind::List
            } else {
                Kind::EmptyMap
            },
        }),
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
            Layer::plugin("50-b.yml", &b, b_text),
            Layer::plugin("10-a.yml", &a, a_text),
        ];
        let got = effective(&layers, false);
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
        let layers = [Layer::plugin("10-x.yaml", &n, text)];
        assert!(effective(&layers, false).is_empty());
    }

    #[test]
    fn a_leaf_hides_what_a_later_file_puts_below_it() {
        let (a_text, b_text) = ("auth: none\n", "auth:\n  host: x\n");
        let (a, b) = (node(a_text), node(b_text));
        let layers = [
            Layer::plugin("1.yml", &a, a_text),
            Layer::plugin("2.yml", &b, b_text),
        ];
        let got = effective(&layers, false);
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].value.as_str(), got[0].overridden_in.clone()),
            ("none", vec!["2.yml".to_string()])
        );
    }

    #[test]
    fn empty_mappings_merge_and_lists_accumulate_where_the_service_says() {
        let (a_text, b_text) = (
            "enabled_plugins: {}\nacl: [a]\n",
            "enabled_plugins:\n  x: true\nacl: [b]\n",
        );
        let (a, b) = (node(a_text), node(b_text));
        let layers = [
            Layer::plugin("1.yml", &a, a_text),
            Layer::plugin("2.yml", &b, b_text),
        ];
        let show = |acc| {
            effective(&layers, acc)
                .into_iter()
                .map(|s| (s.path.join("."), s.file, s.overridden_in, s.extended_in))
                .collect::<Vec<_>>()
        };
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            show(false),
            [
                ("enabled_plugins".into(), "1.yml".into(), v(&[]), v(&[])),
                ("acl".into(), "1.yml".into(), v(&["2.yml"]), v(&[])),
                ("enabled_plugins.x".into(), "2.yml".into(), v(&[]), v(&[])),
            ]
        );
        assert_eq!(
            show(true)[1],
            ("acl".into(), "1.yml".into(), v(&[]), v(&["2.yml"]))
        );
    }

    #[test]
    fn wazo_files_come_first_where_they_sort_first() {
        let f = crate::wazo::confd_files::wazo_files("wazo-purge-db", None)
            .find(|f| f.name == "50-webhookd.yml")
            .unwrap();
        let text = "days_to_keep_per_plugin:\n  webhookd-logs: 7\n  mine: 3\n";
        let n = node(text);
        let layers = [Layer::plugin("60-mine.yml", &n, text), Layer::wazo(f)];
        let got = effective(&layers, false);
        let days = got
            .iter()
            .find(|s| s.path == ["days_to_keep_per_plugin", "webhookd-logs"])
            .unwrap();
        assert_eq!(
            (
                days.value.as_str(),
                days.file.as_str(),
                days.overridden_in.clone()
            ),
            ("30", "50-webhookd.yml", vec!["60-mine.yml".to_string()])
        );
        assert!(days.wazo.is_some());
        let mine = got
            .iter()
            .find(|s| s.path.last().unwrap() == "mine")
            .unwrap();
        assert_eq!(
            (mine.file.as_str(), mine.wazo.is_none()),
            ("60-mine.yml", true)
        );
    }
}
