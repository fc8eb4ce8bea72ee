//! Templates: the ones shipped in the binary and folders of the user's own.
//!
//! A template is a folder holding `template.json` (its one-line description and its variables)
//! and the files to generate. File contents and file paths are minijinja templates.

use std::path::{Path, PathBuf};

use super::error::ScaffoldError;
use super::kind::Kind;
use super::manifest::{assemble, bad};
use include_dir::{Dir, include_dir};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The template used when `--template` is not given.
pub const DEFAULT_TEMPLATE: &str = "helloworld";
/// The manifest file of a template folder; it is not generated.
pub const MANIFEST_FILE: &str = "template.json";
/// Generated with mode 0755 whatever the template says.
pub const RULES_PATH: &str = "wazo/rules";

/// A template variable, after the shipped ones and the manifest's are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// Its name in templates and in `-d KEY=VALUE`.
    pub name: String,
    /// The rule its value must follow.
    pub kind: Kind,
    /// A minijinja expression over the variables declared before it; `None` makes it required.
    pub default: Option<String>,
    /// One line for `--list`, prompts and docs.
    pub help: String,
}

/// One file of a template, before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFile {
    /// Path relative to the template folder, `/`-separated; itself a template.
    pub path: String,
    /// The template text.
    pub contents: String,
    /// Generated with mode 0755.
    pub executable: bool,
}

/// A loaded template, ready to render.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its name: the folder name.
    pub name: String,
    /// One line saying what it generates.
    pub description: String,
    /// Variables in resolution order.
    pub variables: Vec<Variable>,
    /// Files to generate, sorted by path.
    pub files: Vec<TemplateFile>,
}

/// Name and description of a shipped template, for `new --list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSummary {
    pub name: String,
    pub description: String,
}

pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn builtin_dir(name: &str) -> Option<&'static Dir<'static>> {
    BUILTIN.dirs().find(|d| d.path() == Path::new(name))
}

fn collect_builtin(dir: &Dir<'static>, root: &Path, out: &mut Vec<TemplateFile>) -> Option<()> {
    for file in dir.files() {
        let rel = file.path().strip_prefix(root).ok()?;
        let rel = rel.to_str()?.replace('\\', "/");
        if rel == MANIFEST_FILE {
            continue;
        }
        out.push(TemplateFile {
            path: rel,
            contents: file.contents_utf8()?.to_string(),
            executable: false,
        });
    }
    for sub in dir.dirs() {
        collect_builtin(sub, root, out)?;
    }
    Some(())
}

/// Names of the shipped templates, sorted.
pub fn builtin_names() -> Vec<String> {
    let mut names: Vec<String> = BUILTIN
        .dirs()
        .filter_map(|d| d.path().to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The shipped templates with their one-line descriptions, sorted by name.
pub fn list_builtin() -> Vec<TemplateSummary> {
    builtin_names()
        .into_iter()
        .filter_map(|name| {
            let template = load_builtin(&name).ok()?;
            Some(TemplateSummary {
                name,
                description: template.description,
            })
        })
        .collect()
}

/// Loads a shipped template by name.
pub fn load_builtin(name: &str) -> Result<Template, ScaffoldError> {
    let unknown = || {
        let available = builtin_names();
        let suggestion = available
            .iter()
            .map(|n| (strsim::jaro_winkler(n, name), n))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n)| n.clone());
        ScaffoldError::UnknownTemplate {
            name: name.to_string(),
            suggestion,
            available,
        }
    };
    let dir = builtin_dir(name).ok_or_else(unknown)?;
    let manifest = dir
        .get_file(Path::new(name).join(MANIFEST_FILE))
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| bad(name, format!("no readable {MANIFEST_FILE}")))?;
    let mut files = Vec::new();
    collect_builtin(dir, Path::new(name), &mut files)
        .ok_or_else(|| bad(name, "a file is not UTF-8 text"))?;
    assemble(name, manifest, files)
}

/// Loads a template folder of the user's own (same layout as the shipped ones).
pub fn load_folder(path: &Path) -> Result<Template, ScaffoldError> {
    let label = path.display().to_string();
    let name = path
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_string))
        .unwrap_or_else(|| label.clone());
    if !path.is_dir() {
        return Err(bad(&label, "not a folder"));
    }
    let manifest_path = path.join(MANIFEST_FILE);
    let manifest = std::fs::read_to_string(&manifest_path).map_err(|e| {
        bad(
            &label,
            format!("cannot read {}: {e}", manifest_path.display()),
        )
    })?;
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git");
    for entry in walker {
        let entry = entry.map_err(|e| bad(&label, e.to_string()))?;
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        let rel: PathBuf = entry
            .path()
            .strip_prefix(path)
            .map_err(|e| bad(&label, e.to_string()))?
            .to_path_buf();
        let rel_text = rel
            .to_str()
            .ok_or_else(|| bad(&label, format!("`{}` is not a UTF-8 path", rel.display())))?
            .replace('\\', "/");
        if !ft.is_file() {
            return Err(bad(&label, format!("`{rel_text}` is not a regular file")));
        }
        if rel_text == MANIFEST_FILE {
            continue;
        }
        let contents = std::fs::read_to_string(entry.path())
            .map_err(|e| bad(&label, format!("cannot read `{rel_text}` as text: {e}")))?;
        files.push(TemplateFile {
            path: rel_text,
            contents,
            executable: is_executable(entry.path()),
        });
    }
    assemble(&name, &manifest, files)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    false
}

/// Loads `--template SPEC`: a path (it contains `/` or starts with `.`) is a folder of the
/// user's own, anything else names a shipped template.
pub fn load(spec: &str) -> Result<Template, ScaffoldError> {
    if spec.contains('/') || spec.contains(std::path::MAIN_SEPARATOR) || spec.starts_with('.') {
        load_folder(Path::new(spec))
    } else {
        load_builtin(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_loads_with_executable_rules() {
        let names = builtin_names();
        assert!(names.contains(&DEFAULT_TEMPLATE.to_string()));
        for name in names {
            let t = load_builtin(&name).unwrap();
            let rules = t.files.iter().find(|f| f.path == RULES_PATH).unwrap();
            assert!(rules.executable, "{name}");
            assert!(!t.files.iter().any(|f| f.path == MANIFEST_FILE));
            assert!(!t.description.is_empty());
        }
    }

    #[test]
    fn unknown_template_suggests() {
        match load("dialpan") {
            Err(ScaffoldError::UnknownTemplate { suggestion, .. }) => {
                assert_eq!(suggestion.as_deref(), Some("dialplan"))
            }
            other => panic!("{other:?}"),
        }
    }
}
