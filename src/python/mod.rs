//! A plugin's Python packaging, read and never run: the entry points it declares in setup.py
//! (parsed as Python by Ruff's parser), setup.cfg (`[options.entry_points]`) or pyproject.toml
//! (`[project.entry-points."group"]`), and the package data it lists.

mod pyproject;
mod setup_cfg;
mod setup_py;

use std::ops::Range;
use std::path::{Path, PathBuf};

/// One entry point: `name = target` in `group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPoint {
    pub group: String,
    pub name: String,
    /// `pkg.mod:Attr` as written.
    pub target: String,
    /// The file it is declared in, inside the plugin.
    pub file: PathBuf,
    /// Where the declaration is in that file (the string or line).
    pub span: Range<usize>,
    /// Where the group name is.
    pub group_span: Range<usize>,
}

impl EntryPoint {
    /// The module part of the target (`pkg.mod` of `pkg.mod:Attr`).
    pub fn module(&self) -> &str {
        self.target.split(':').next().unwrap_or("").trim()
    }
}

/// What a plugin's packaging files declare.
#[derive(Debug, Clone, Default)]
pub struct Packaging {
    pub entry_points: Vec<EntryPoint>,
    /// `package_data` patterns given for any package (`*/api.yml`, `api.yml`), and whether
    /// `include_package_data` is set (files listed in MANIFEST.in then count).
    pub package_data: Vec<String>,
    pub include_package_data: bool,
    /// Whether setup.py passes `data_files` (files installed outside the Python packages,
    /// such as /etc/<service>/conf.d files, by a built distribution).
    pub data_files: bool,
    /// The packaging files found, with their text: (path inside the plugin, text).
    pub files: Vec<(PathBuf, String)>,
    /// Files that could not be read as what they are: (path, message, span).
    pub errors: Vec<(PathBuf, String, Range<usize>)>,
}

/// The packaging files looked for, at the plugin root and in one folder below it.
const NAMES: &[&str] = &["setup.py", "setup.cfg", "pyproject.toml"];

/// Reads the packaging files of the plugin at `root`.
pub fn read(root: &Path) -> Packaging {
    let mut out = Packaging::default();
    let mut dirs = vec![PathBuf::new()];
    if !NAMES.iter().any(|n| root.join(n).is_file())
        && let Ok(entries) = std::fs::read_dir(root)
    {
        let mut sub: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| PathBuf::from(e.file_name()))
            .filter(|p| !p.to_string_lossy().starts_with('.') && p.as_os_str() != "wazo")
            .collect();
        sub.sort();
        dirs.extend(sub);
    }
    for dir in dirs {
        for name in NAMES {
            let rel = dir.join(name);
            let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
                continue;
            };
            if text.len() > crate::plugin::load::MAX_FILE_SIZE as usize {
                continue;
            }
            match *name {
                "setup.py" => setup_py::read(&rel, &text, &mut out),
                "setup.cfg" => setup_cfg::read(&rel, &text, &mut out),
                _ => pyproject::read(&rel, &text, &mut out),
            }
            out.files.push((rel, text));
        }
    }
    out
}

/// Reads one `name = target` line of an entry-point list (setup.py strings, setup.cfg lines).
pub(crate) fn split_spec(spec: &str) -> Option<(String, String)> {
    let (name, target) = spec.split_once('=')?;
    let (name, target) = (name.trim(), target.trim());
    (!name.is_empty()).then(|| (name.to_string(), target.to_string()))
}

/// Whether a target is `pkg.mod` or `pkg.mod:Attr.attr` with Python identifiers, optionally
/// followed by `[extras]`.
pub fn valid_target(target: &str) -> bool {
    let target = match target.split_once('[') {
        Some((t, extras)) if extras.trim_end().ends_with(']') => t.trim_end(),
        Some(_) => return false,
        None => target,
    };
    let (module, attr) = match target.split_once(':') {
        Some((m, a)) => (m.trim(), Some(a.trim())),
        None => (target.trim(), None),
    };
    let dotted = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|part| {
                let mut chars = part.chars();
                chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                    && chars.all(|c| c.is_alphanumeric() || c == '_')
            })
    };
    dotted(module) && attr.is_none_or(dotted)
}

/// Where the module of a target would be in the plugin tree, if it is there: `pkg/mod.py` or
/// `pkg/mod/__init__.py`, at `base` or under `src/`.
pub fn module_file(root: &Path, base: &Path, module: &str) -> Option<PathBuf> {
    let parts: PathBuf = module.split('.').collect();
    for prefix in [base.to_path_buf(), base.join("src")] {
        for candidate in [
            prefix.join(&parts).with_extension("py"),
            prefix.join(&parts).join("__init__.py"),
        ] {
            if root.join(&candidate).is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_dotted_identifiers() {
        assert!(valid_target("my_plugin.plugin:Plugin"));
        assert!(valid_target("my_plugin.plugin"));
        assert!(valid_target("a.b:C.d [extra]"));
        assert!(!valid_target("wazo_mobile.ctid-ng.plugin:Plugin"));
        assert!(!valid_target("my_plugin/plugin.py:Plugin"));
        assert!(!valid_target(""));
        assert!(!valid_target("a:"));
    }
}
