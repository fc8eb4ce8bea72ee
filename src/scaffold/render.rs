//! Rendering a template's files (contents and paths) in memory.

use std::collections::BTreeSet;
use std::path::PathBuf;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior};

use super::error::ScaffoldError;
use super::template::Template;
use super::values::Resolved;

/// A rendered file, not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Path relative to the plugin folder.
    pub path: PathBuf,
    /// Rendered text.
    pub contents: String,
    /// Written with mode 0755 (else 0644).
    pub executable: bool,
}

/// `quoted`: a double-quoted string literal, valid in YAML, TOML and Python alike.
fn quoted(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

/// The minijinja environment of every template: undefined variables are errors, the final
/// newline of a file is kept, and the `quoted` filter is available.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = SyntaxConfig::builder().keep_trailing_newline(true).build() {
        env.set_syntax(syntax);
    }
    env.add_filter("quoted", quoted);
    env
}

fn render_error(file: &str, e: &minijinja::Error) -> ScaffoldError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    ScaffoldError::Render {
        file: file.to_string(),
        message,
    }
}

/// Renders a template path: each `/`-separated part must stay one plain path component.
fn render_path(
    env: &Environment<'_>,
    template_path: &str,
    values: &Resolved,
) -> Result<PathBuf, ScaffoldError> {
    let mut path = PathBuf::new();
    for part in template_path.split('/') {
        let rendered = env
            .render_str(part, values.context())
            .map_err(|e| render_error(template_path, &e))?;
        let bad = rendered.is_empty()
            || rendered == "."
            || rendered == ".."
            || rendered.contains(['/', '\\', '\0']);
        if bad {
            return Err(ScaffoldError::Render {
                file: template_path.to_string(),
                message: format!("the path part `{part}` renders to `{rendered}`"),
            });
        }
        path.push(rendered);
    }
    Ok(path)
}

/// Renders every file of `template` with `values`, in path order.
pub fn render(template: &Template, values: &Resolved) -> Result<Vec<RenderedFile>, ScaffoldError> {
    let env = environment();
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(template.files.len());
    for file in &template.files {
        let path = render_path(&env, &file.path, values)?;
        if !seen.insert(path.clone()) {
            return Err(ScaffoldError::Render {
                file: file.path.clone(),
                message: format!("another file also renders to `{}`", path.display()),
            });
        }
        let contents = env
            .render_named_str(&file.path, &file.contents, values.context())
            .map_err(|e| render_error(&file.path, &e))?;
        out.push(RenderedFile {
            path,
            contents,
            executable: file.executable,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::template::{Template, TemplateFile};
    use crate::scaffold::values::resolve;

    fn template(files: &[(&str, &str)]) -> Template {
        let mut t = crate::scaffold::template::load_builtin("helloworld").unwrap();
        t.files = files
            .iter()
            .map(|(p, c)| TemplateFile {
                path: p.to_string(),
                contents: c.to_string(),
                executable: false,
            })
            .collect();
        t
    }

    fn given() -> Vec<(String, String)> {
        vec![
            ("name".into(), "hi".into()),
            ("namespace".into(), "acme".into()),
            ("description".into(), "say \"hi\": now".into()),
        ]
    }

    #[test]
    fn renders_paths_contents_and_quotes() {
        let t = template(&[("{{ name }}.conf", "d: {{ description | quoted }}\n")]);
        let files = render(&t, &resolve(&t, &given()).unwrap()).unwrap();
        assert_eq!(files[0].path, PathBuf::from("hi.conf"));
        assert_eq!(files[0].contents, "d: \"say \\\"hi\\\": now\"\n");
    }

    #[test]
    fn undefined_is_an_error() {
        let t = template(&[("a", "{{ nope }}")]);
        let err = render(&t, &resolve(&t, &given()).unwrap()).unwrap_err();
        assert!(matches!(err, ScaffoldError::Render { .. }), "{err}");
    }

    #[test]
    fn paths_cannot_escape() {
        let t = template(&[("x/{{ author }}", "")]);
        let values = resolve(&t, &given()).unwrap();
        let err = render(&t, &values).unwrap_err();
        assert!(err.to_string().contains("renders to"), "{err}");
    }
}
