//! From the paths a user names to the plugin folders to lint, each once.
//!
//! A path may be a plugin folder (the one holding `wazo/`), its `wazo/` folder, a file inside a
//! plugin (`wazo/plugin.yml`, `wazo/rules`), or any folder, searched recursively for plugins.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Which folders met while searching to skip (the configuration's `exclude`).
pub type Excluded = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// A plugin folder to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The folder on disk.
    pub root: PathBuf,
    /// The folder as the user named it (possibly empty: the current directory).
    pub display: PathBuf,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovery {
    pub targets: Vec<Target>,
    /// Folders the user named in which no plugin was found.
    pub empty: Vec<PathBuf>,
}

/// A path that cannot be linted at all (a usage error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Folders never searched for plugins.
const SKIPPED: &[&str] = &[
    ".git",
    "_pkg",
    "target",
    "node_modules",
    ".venv",
    "__pycache__",
];

/// Finds the plugins named by `paths`. Each plugin appears once, under the first name it was
/// reached by.
pub fn discover(paths: &[PathBuf]) -> Result<Discovery, DiscoverError> {
    discover_with(paths, Arc::new(|_: &Path| false))
}

/// [`discover`], skipping the folders met while searching that `excluded` names (the
/// configuration's `exclude`) or that `.gitignore` files ignore. A path named explicitly is
/// never skipped.
pub fn discover_with(paths: &[PathBuf], excluded: Excluded) -> Result<Discovery, DiscoverError> {
    let mut out = Discovery::default();
    let mut seen = HashSet::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| DiscoverError {
            path: path.clone(),
            message: match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".into(),
                _ => e.to_string(),
            },
        })?;
        let found = if meta.is_dir() {
            dir_targets(path, excluded.clone())
        } else {
            file_target(path).into_iter().collect()
        };
        if found.is_empty() {
            if meta.is_dir() {
                out.empty.push(path.clone());
                continue;
            }
            return Err(DiscoverError {
                path: path.clone(),
                message: "not inside a plugin folder (no wazo/ folder above it)".into(),
            });
        }
        for target in found {
            let key = std::fs::canonicalize(&target.root).unwrap_or_else(|_| target.root.clone());
            if seen.insert(key) {
                out.targets.push(target);
            }
        }
    }
    Ok(out)
}

/// Whether `dir` holds a `wazo/` folder, or a symbolic link named `wazo` (linted, so that a
/// link out of the plugin is reported rather than the plugin passed over).
fn is_plugin_root(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join("wazo")).is_ok_and(|m| m.is_dir() || m.is_symlink())
}

fn target(root: PathBuf) -> Target {
    Target {
        display: clean(&root),
        root,
    }
}

/// `./a/b` → `a/b`, `.` → empty, so that displayed paths read like the user's own.
fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

fn file_target(file: &Path) -> Option<Target> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        let as_dir = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if as_dir.file_name().is_some_and(|n| n == "wazo") || is_plugin_root(as_dir) {
            let root = if as_dir.file_name().is_some_and(|n| n == "wazo") {
                d.parent().unwrap_or(Path::new("")).to_path_buf()
            } else {
                d.to_path_buf()
            };
            let display = clean(&root);
            let root = if root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                root
            };
            return Some(Target { root, display });
        }
        dir = d.parent();
    }
    None
}

fn dir_targets(dir: &Path, excluded: Excluded) -> Vec<Target> {
    if is_plugin_root(dir) {
        return vec![target(dir.to_path_buf())];
    }
    let is_wazo = std::fs::canonicalize(dir)
        .ok()
        .is_some_and(|c| c.file_name().is_some_and(|n| n == "wazo"));
    if is_wazo && (dir.join("plugin.yml").exists() || dir.join("rules").exists()) {
        let root = dir.join("..");
        let display = clean(dir)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        return vec![Target { root, display }];
    }
    // The `ignore` crate reads .gitignore files (nested ones, negations, .git/info/exclude and
    // the global excludes file) as git does; hidden folders are searched like the others.
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(std::ffi::OsStr::cmp)
        .filter_entry(move |e| {
            e.depth() == 0
                || !(e.file_type().is_some_and(|t| t.is_dir())
                    && (e
                        .file_name()
                        .to_str()
                        .is_some_and(|n| n == "wazo" || SKIPPED.contains(&n))
                        || excluded(e.path())))
        })
        .build();
    for entry in walker.flatten() {
        if entry.file_type().is_some_and(|t| t.is_dir()) && is_plugin_root(entry.path()) {
            found.push(target(entry.path().to_path_buf()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plugin(dir: &Path) {
        std::fs::create_dir_all(dir.join("wazo")).unwrap();
        std::fs::write(dir.join("wazo/plugin.yml"), "name: x\n").unwrap();
    }

    #[test]
    fn finds_each_plugin_once() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        let b = tmp.path().join("nested/b");
        plugin(&a);
        plugin(&b);
        std::fs::create_dir_all(tmp.path().join(".git/c/wazo")).unwrap();
        let paths = vec![
            tmp.path().to_path_buf(),
            a.join("wazo/plugin.yml"),
            a.clone(),
            b.join("wazo"),
        ];
        let d = discover(&paths).unwrap();
        let roots: Vec<_> = d.targets.iter().map(|t| t.display.clone()).collect();
        assert_eq!(roots, vec![a.clone(), b.clone()]);
    }

    #[test]
    fn file_names_its_plugin() {
        let tmp = tempfile::tempdir().unwrap();
        plugin(tmp.path());
        let d = discover(&[tmp.path().join("wazo/plugin.yml")]).unwrap();
        assert_eq!(d.targets[0].display, tmp.path());
        let d = discover(&[tmp.path().join("wazo")]).unwrap();
        assert_eq!(d.targets[0].display, tmp.path());
    }

    #[test]
    fn missing_and_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let err = discover(&[tmp.path().join("nope")]).unwrap_err();
        assert!(err.message.contains("no such file"));
        let d = discover(&[tmp.path().to_path_buf()]).unwrap();
        assert_eq!(d.empty, vec![tmp.path().to_path_buf()]);
        let loose = tmp.path().join("file.txt");
        std::fs::write(&loose, "x").unwrap();
        assert!(discover(&[loose]).is_err());
    }

    #[test]
    fn gitignored_and_excluded_folders_are_skipped_unless_named() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for p in [
            "kept",
            "build/copy",
            "vendor/x",
            "deep/vendor/y",
            "negated/z",
        ] {
            plugin(&root.join(p));
        }
        std::fs::write(root.join(".gitignore"), "build/\nnegated/\n").unwrap();
        std::fs::write(root.join("deep/.gitignore"), "!vendor/\n").unwrap();
        let exclude: Excluded = Arc::new(|p: &Path| p.file_name().is_some_and(|n| n == "vendor"));
        let d = discover_with(&[root.to_path_buf()], exclude.clone()).unwrap();
        let found: Vec<_> = d.targets.iter().map(|t| t.display.clone()).collect();
        assert_eq!(found, vec![root.join("kept")]);
        // Named explicitly, an ignored or excluded folder is linted.
        let named = [root.join("build/copy"), root.join("vendor/x")];
        let d = discover_with(&named, exclude).unwrap();
        assert_eq!(d.targets.len(), 2);
        // Without an exclusion, only .gitignore applies.
        let d = discover(&[root.to_path_buf()]).unwrap();
        assert_eq!(d.targets.len(), 3);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_end() {
        let tmp = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(tmp.path(), tmp.path().join("loop")).unwrap();
        plugin(&tmp.path().join("p"));
        let d = discover(&[tmp.path().to_path_buf()]).unwrap();
        assert_eq!(d.targets.len(), 1);
    }
}
