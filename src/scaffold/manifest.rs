//! `template.json`: a template's description and variables, merged with the common variables.

use serde::Deserialize;

use super::error::ScaffoldError;
use super::kind::Kind;
use super::template::{MANIFEST_FILE, RULES_PATH, Template, TemplateFile, Variable, is_identifier};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    description: String,
    #[serde(default)]
    variables: Vec<ManifestVariable>,
    #[serde(default)]
    executable: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestVariable {
    name: String,
    kind: Option<Kind>,
    default: Option<String>,
    help: Option<String>,
}

/// Variables every template has, in resolution order; a manifest may change their default and
/// help, not their kind. `description` is resolved where the manifest lists it, else last.
fn common_variables() -> Vec<Variable> {
    let var = |name: &str, kind, default: Option<&str>, help: &str| Variable {
        name: name.to_string(),
        kind,
        default: default.map(str::to_string),
        help: help.to_string(),
    };
    vec![
        var("name", Kind::Name, None, "Plugin name (a-z, 0-9 and -)"),
        var(
            "namespace",
            Kind::Namespace,
            None,
            "Namespace of the plugin's author (a-z and 0-9)",
        ),
        var("version", Kind::Version, Some("0.1.0"), "Plugin version"),
        var(
            "plugin_format_version",
            Kind::FormatVersion,
            Some("1"),
            "plugin_format_version (1 calls `rules postrm`; 0 does not)",
        ),
        var(
            "author",
            Kind::Text,
            Some(""),
            "Author, shown by the plugin market",
        ),
    ]
}

fn description_variable() -> Variable {
    Variable {
        name: "description".to_string(),
        kind: Kind::Text,
        default: Some(String::new()),
        help: "One-line description of the plugin".to_string(),
    }
}

pub(crate) fn bad(template: &str, message: impl Into<String>) -> ScaffoldError {
    ScaffoldError::BadTemplate {
        template: template.to_string(),
        message: message.into(),
    }
}

/// Builds a template from its manifest text and its files (manifest excluded).
pub(crate) fn assemble(
    name: &str,
    manifest: &str,
    mut files: Vec<TemplateFile>,
) -> Result<Template, ScaffoldError> {
    let manifest: Manifest =
        serde_json::from_str(manifest).map_err(|e| bad(name, format!("{MANIFEST_FILE}: {e}")))?;
    if manifest.description.contains('\n') {
        return Err(bad(name, "the description must be one line"));
    }
    let mut variables = common_variables();
    let mut description_seen = false;
    for mv in manifest.variables {
        let is_description = mv.name == "description";
        if is_description {
            description_seen = true;
            variables.push(description_variable());
        }
        let existing = variables.iter_mut().find(|v| v.name == mv.name);
        match existing {
            Some(var) => {
                if mv.kind.is_some_and(|k| k != var.kind) {
                    return Err(bad(
                        name,
                        format!("`{}` is a common variable; its kind cannot change", mv.name),
                    ));
                }
                if !is_description && var.default.is_none() && mv.default.is_some() {
                    return Err(bad(name, format!("`{}` cannot have a default", mv.name)));
                }
                if mv.default.is_some() {
                    var.default = mv.default;
                }
                if let Some(help) = mv.help {
                    var.help = help;
                }
            }
            None => {
                if !is_identifier(&mv.name) {
                    return Err(bad(
                        name,
                        format!("`{}` is not a valid variable name", mv.name),
                    ));
                }
                variables.push(Variable {
                    name: mv.name,
                    kind: mv.kind.unwrap_or(Kind::Text),
                    default: mv.default,
                    help: mv.help.unwrap_or_default(),
                });
            }
        }
    }
    if !description_seen {
        variables.push(description_variable());
    }
    for path in &manifest.executable {
        match files.iter_mut().find(|f| &f.path == path) {
            Some(file) => file.executable = true,
            None => {
                return Err(bad(
                    name,
                    format!("`executable` lists `{path}`, not a file"),
                ));
            }
        }
    }
    for file in &mut files {
        if file.path == RULES_PATH {
            file.executable = true;
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Template {
        name: name.to_string(),
        description: manifest.description,
        variables,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_rules() {
        let err = assemble(
            "t",
            r#"{"description": "d", "variables": [{"name": "name", "default": "x"}]}"#,
            vec![],
        );
        assert!(matches!(err, Err(ScaffoldError::BadTemplate { .. })));
        let err = assemble("t", r#"{"description": "d", "extra": 1}"#, vec![]);
        assert!(matches!(err, Err(ScaffoldError::BadTemplate { .. })));
        let t = assemble("t", r#"{"description": "d"}"#, vec![]).unwrap();
        assert_eq!(
            t.variables.last().map(|v| v.name.as_str()),
            Some("description")
        );
    }
}
