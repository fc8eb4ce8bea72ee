//! Hover documentation and completion for plugin.yml: its keys (from the field table, the
//! same as the checks and the JSON Schema), the keys of a `depends` item, and the values of
//! the fields that have a fixed set of them.

use std::ops::Range;

use super::context::{Place, place, top_keys};
use crate::plugin::fields::{self, FIELDS, FieldType};
use crate::schema::{FORMAT_VERSIONS, field_description};

/// The keys of a `depends` item, with their documentation.
pub const DEPENDS_KEYS: &[(&str, &str)] = &[
    (
        "name",
        "The name of the plugin depended on. Required. wazo-plugind installs it (from the \
         market) before this plugin.",
    ),
    (
        "namespace",
        "The namespace of the plugin depended on. Required.",
    ),
    (
        "version",
        "The version of the plugin depended on. Optional: any version when absent.",
    ),
];

/// What a hover shows: Markdown, and the span of the key it documents.
pub fn hover_at(text: &str, at: usize) -> Option<(String, Range<usize>)> {
    let Place::Key { parent, span, .. } = place(text, at)? else {
        return None;
    };
    let key = &text[span.clone()];
    match parent {
        None => {
            let field = fields::find(key)?;
            Some((
                format!("**{}**\n\n{}", field.name, field_description(field)),
                span,
            ))
        }
        Some(parent) => {
            let field = fields::find(parent)?;
            if field.ty != FieldType::Depends {
                return None;
            }
            let (name, doc) = DEPENDS_KEYS.iter().find(|(k, _)| *k == key)?;
            Some((format!("**{}[].{name}**\n\n{doc}", field.name), span))
        }
    }
}

/// A completion: the label, what replaces `span`, its detail and documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub insert: String,
    pub span: Range<usize>,
    pub detail: String,
    pub documentation: String,
    /// A key (else a value).
    pub key: bool,
}

/// The completions at `at` in a plugin.yml whose plugin folder is named `folder`.
pub fn completions(text: &str, at: usize, folder: Option<&str>) -> Vec<Completion> {
    let Some(place) = place(text, at) else {
        return Vec::new();
    };
    match place {
        Place::Key {
            parent: None,
            prefix,
            span,
        } => {
            let present = top_keys(text);
            let typed = &text[span.clone()];
            FIELDS
                .iter()
                .filter(|f| f.name.starts_with(prefix))
                .filter(|f| f.name == typed || !present.contains(&f.name))
                .map(|f| Completion {
                    label: f.name.to_string(),
                    insert: match f.ty {
                        FieldType::Depends => format!("{}:\n  - name: ", f.name),
                        FieldType::DebianDepends | FieldType::StrList => {
                            format!("{}:\n  - ", f.name)
                        }
                        _ => format!("{}: ", f.name),
                    },
                    span: span.start..span.end.max(at),
                    detail: f.summary.to_string(),
                    documentation: field_description(f),
                    key: true,
                })
                .collect()
        }
        Place::Key {
            parent: Some(parent),
            prefix,
            span,
        } => {
            if fields::find(parent).is_none_or(|f| f.ty != FieldType::Depends) {
                return Vec::new();
            }
            DEPENDS_KEYS
                .iter()
                .filter(|(k, _)| k.starts_with(prefix))
                .map(|(k, doc)| Completion {
                    label: k.to_string(),
                    insert: format!("{k}: "),
                    span: span.clone(),
                    detail: format!("{parent}[].{k}"),
                    documentation: doc.to_string(),
                    key: true,
                })
                .collect()
        }
        Place::Value {
            parent: None,
            key,
            span,
        } => {
            let value = |v: String, detail: &str, doc: &str| Completion {
                label: v.clone(),
                insert: v,
                span: span.clone(),
                detail: detail.to_string(),
                documentation: doc.to_string(),
                key: false,
            };
            match key {
                "plugin_format_version" => FORMAT_VERSIONS
                    .iter()
                    .map(|v| {
                        value(
                            v.to_string(),
                            match v {
                                0 => "the default: `rules postrm` is not called",
                                1 => "`rules postrm` is called after removal",
                                _ => "format 2",
                            },
                            "plugin_format_version: which steps wazo-plugind runs.",
                        )
                    })
                    .collect(),
                "name" => folder
                    .filter(|f| crate::plugin::names::check_name(f).is_none())
                    .map(|f| value(f.to_string(), "the plugin folder's name", ""))
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            }
        }
        Place::Value { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hovers_top_level_and_nested_keys() {
        let text = "name: a\ndepends:\n  - name: b\nnamspace: x\nversion : \"1\"";
        let (doc, span) = hover_at(text, 2).unwrap();
        assert_eq!(span, 0..4);
        assert!(
            doc.starts_with("**name**") && doc.contains("Required"),
            "{doc}"
        );
        assert!(hover_at(text, 6).is_none(), "on the value");
        assert!(hover_at(text, 8).unwrap().0.starts_with("**depends**"));
        let (doc, span) = hover_at(text, 22).unwrap();
        assert_eq!(span, 21..25);
        assert!(doc.starts_with("**depends[].name**"), "{doc}");
        assert!(hover_at(text, 32).is_none(), "unknown key");
        assert!(
            hover_at(text, text.len() - 8)
                .unwrap()
                .0
                .starts_with("**version**")
        );
    }

    #[test]
    fn completes_missing_keys_nested_keys_and_values() {
        let text = "name: a\nnamespace: b\nver";
        let labels: Vec<String> = completions(text, text.len(), None)
            .into_iter()
            .map(|c| c.label)
            .collect();
        assert_eq!(labels, ["version"]);
        let text = "name: a\n";
        let labels: Vec<String> = completions(text, text.len(), None)
            .into_iter()
            .map(|c| c.label)
            .collect();
        assert!(labels.contains(&"namespace".to_string()) && !labels.contains(&"name".to_string()));
        let text = "depends:\n  - name: a\n    n";
        let c = completions(text, text.len(), None);
        assert_eq!(
            c.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
            ["name", "namespace"]
        );
        let text = "plugin_format_version: ";
        let c = completions(text, text.len(), None);
        assert_eq!(
            c.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
            ["0", "1", "2"]
        );
        let text = "name: ";
        assert_eq!(
            completions(text, text.len(), Some("hello"))[0].insert,
            "hello"
        );
        assert!(completions(text, text.len(), Some("Bad_Name")).is_empty());
    }
}
