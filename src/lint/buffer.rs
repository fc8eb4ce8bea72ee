//! Linting a file whose text is not on disk (yet): an editor buffer, or `lint --stdin-filename`.
//!
//! The path says which plugin the text belongs to and which of its files it is
//! (`<plugin>/wazo/plugin.yml` or `<plugin>/wazo/rules`). The plugin's other file, its modes and
//! its layout are read from disk when the plugin folder exists.

use std::path::{Path, PathBuf};

use super::{LintOptions, PluginReport, lint_plugins, shellcheck};
use crate::plugin::load::{MANIFEST, Overrides, Plugin, RULES, Target, load};

/// Which file of a plugin a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferTarget {
    /// The plugin folder, as in the path given (empty for the current directory).
    pub root: PathBuf,
    /// `wazo/plugin.yml` or `wazo/rules`.
    pub rel: &'static str,
}

/// A path that names no plugin file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAPluginFile(pub PathBuf);

impl std::fmt::Display for NotAPluginFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: not a plugin file (expected a path ending in wazo/plugin.yml or wazo/rules)",
            self.0.display()
        )
    }
}

impl std::error::Error for NotAPluginFile {}

/// Finds the plugin folder and the file a path names: `a/b/wazo/rules` → (`a/b`, `wazo/rules`).
pub fn target(path: &Path) -> Result<BufferTarget, NotAPluginFile> {
    let err = || NotAPluginFile(path.to_path_buf());
    let name = path.file_name().ok_or_else(err)?;
    let rel = if name == "plugin.yml" {
        MANIFEST
    } else if name == "rules" {
        RULES
    } else {
        return Err(err());
    };
    let wazo = path.parent().ok_or_else(err)?;
    if wazo.file_name().is_none_or(|n| n != "wazo") {
        return Err(err());
    }
    let root: PathBuf = wazo
        .parent()
        .unwrap_or(Path::new(""))
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    Ok(BufferTarget { root, rel })
}

/// The plugin `path` belongs to, with `text` as the content of that file, loaded by the one
/// loader: the plugin's other file, its modes (git's included) and its layout come from disk
/// when the plugin folder exists.
pub fn plugin_with_text(path: &Path, text: String) -> Result<Plugin, NotAPluginFile> {
    plugin_with_texts(&[(path, text)])
}

/// [`plugin_with_text`] for several files of one plugin (an editor with both files open): the
/// plugin of the first path, each text replacing its file.
pub fn plugin_with_texts(texts: &[(&Path, String)]) -> Result<Plugin, NotAPluginFile> {
    let Some((first, _)) = texts.first() else {
        return Err(NotAPluginFile(PathBuf::new()));
    };
    let t = target(first)?;
    let on_disk = if t.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        t.root.as_path()
    };
    let root = on_disk.join("wazo").is_dir().then(|| on_disk.to_path_buf());
    let mut overrides = Overrides::none();
    for (path, text) in texts {
        let other = target(path)?;
        if other.root == t.root {
            overrides.set(root.as_deref().unwrap_or(&t.root), other.rel, text.clone());
        }
    }
    let targets = [Target {
        root,
        display: t.root.clone(),
    }];
    load(&targets, &overrides)
        .pop()
        .ok_or_else(|| NotAPluginFile(first.to_path_buf()))
}

/// Lints the plugin `path` belongs to, with `text` as the content of that file. When the
/// plugin folder is not on disk, only the findings about that file are kept (the rest of the
/// plugin is unknown, not missing).
pub fn lint_buffer(
    path: &Path,
    text: String,
    options: &LintOptions,
) -> Result<PluginReport, NotAPluginFile> {
    let plugin = plugin_with_text(path, text)?;
    let on_disk = plugin.root.is_some();
    let rel = target(path)?.rel;
    let mut report = lint_one(plugin, options);
    if !on_disk {
        report.diagnostics.retain(|d| d.file == Path::new(rel));
    }
    Ok(report)
}

/// Lints one plugin as `lint` does: shellcheck (when the options find it) and suppressions
/// included. A shellcheck that cannot be found is skipped, as `--shellcheck auto` does.
pub fn lint_one(plugin: crate::plugin::load::Plugin, options: &LintOptions) -> PluginReport {
    let exe = shellcheck::resolve(&options.shellcheck).ok().flatten();
    let plugins = [plugin];
    let mut report = lint_plugins(&plugins, options, exe.as_deref());
    report.plugins.pop().unwrap_or_else(|| PluginReport {
        display: plugins[0].display.clone(),
        sources: Vec::new(),
        diagnostics: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = target(Path::new("./a/b/wazo/rules")).unwrap();
        assert_eq!(t.root, PathBuf::from("a/b"));
        assert_eq!(t.rel, RULES);
        let t = target(Path::new("wazo/plugin.yml")).unwrap();
        assert_eq!(t.root, PathBuf::from(""));
        assert_eq!(t.rel, MANIFEST);
        assert!(target(Path::new("a/plugin.yml")).is_err());
        assert!(target(Path::new("a/wazo/other")).is_err());
    }

    #[test]
    fn missing_folder_lints_text_alone() {
        let report = lint_buffer(
            Path::new("/nonexistent/x/wazo/plugin.yml"),
            "name: a_b\nnamespace: demo\nversion: \"1\"\n".into(),
            &LintOptions::default(),
        )
        .unwrap();
        assert!(report.diagnostics.iter().any(|d| d.code == "WP105"));
        assert_eq!(report.display, PathBuf::from("/nonexistent/x"));
    }
}
