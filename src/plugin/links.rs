//! Symbolic links of a plugin folder that point outside it.
//!
//! wazo-plugind clones the plugin with git, which keeps symbolic links as links. A link to a
//! path outside the plugin folder (absolute, or climbing out with `..`) then depends on the
//! machine it was made on: in the package it dangles, or ships whatever the host has there.

use std::path::{Component, Path, PathBuf};

/// The plugin tree is searched this deep at most.
const MAX_DEPTH: usize = 12;
/// And this many entries at most: a plugin is a few dozen files.
const MAX_ENTRIES: usize = 5000;
/// Folders not searched: version control and build output, never packaged.
const SKIPPED: &[&str] = &[
    ".git",
    "_pkg",
    "target",
    "node_modules",
    ".venv",
    "__pycache__",
];

/// A symbolic link that leaves the plugin folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideLink {
    /// The link, as a path inside the plugin (`wazo/plugin.yml`).
    pub rel: PathBuf,
    /// Where it points, as stored in the link.
    pub target: PathBuf,
}

/// The links under `root` that point outside it, in path order. Links are never followed; the
/// walk is bounded in depth and number of entries.
pub fn outside_links(root: &Path) -> Vec<OutsideLink> {
    let walk = walkdir::WalkDir::new(root)
        .min_depth(1)
        .max_depth(MAX_DEPTH)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.file_type().is_dir()
                && e.file_name().to_str().is_some_and(|n| SKIPPED.contains(&n)))
        });
    let mut out = Vec::new();
    for entry in walk.take(MAX_ENTRIES).flatten() {
        if !entry.path_is_symlink() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        if leaves(rel, &target) {
            out.push(OutsideLink {
                rel: rel.to_path_buf(),
                target,
            });
        }
    }
    out
}

/// Whether a link at `rel` (inside the plugin) with this target points outside the plugin:
/// an absolute target always does (it names a place on this machine); a relative one does
/// when its `..` climb above the plugin folder.
pub fn leaves(rel: &Path, target: &Path) -> bool {
    if target.has_root() {
        return true;
    }
    // The folder holding the link, as a depth below the plugin folder.
    let mut depth = rel.components().count().saturating_sub(1);
    for component in target.components() {
        match component {
            Component::ParentDir => {
                if depth == 0 {
                    return true;
                }
                depth -= 1;
            }
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_that_climb_out_leave() {
        let leaves = |rel: &str, target: &str| leaves(Path::new(rel), Path::new(target));
        assert!(leaves("wazo/plugin.yml", "/etc/passwd"));
        assert!(leaves("wazo/plugin.yml", "../../x"));
        assert!(leaves("link", "../x"));
        assert!(leaves("a/b/link", "c/../../../../x"));
        assert!(!leaves("a/b/link", "c/../../../x"));
        assert!(!leaves("wazo/plugin.yml", "../plugin.yml"));
        assert!(!leaves("wazo/rules", "rules.sh"));
        assert!(!leaves("a/b/link", "../../x"));
        assert!(!leaves("a/link", "./././x"));
        // Down and back up stays inside.
        assert!(!leaves("link", "x/y/../../z"));
    }

    #[cfg(unix)]
    #[test]
    fn finds_links_out_of_the_tree_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("wazo")).unwrap();
        std::fs::create_dir_all(root.join("docs/deep")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, root.join(at));
        link("/etc/hostname", "wazo/plugin.yml").unwrap();
        link("../README", "wazo/rules").unwrap();
        link("../../../x", "docs/deep/out").unwrap();
        link("/", ".git/ignored").unwrap();
        let found: Vec<_> = outside_links(root)
            .into_iter()
            .map(|l| l.rel.to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, ["docs/deep/out", "wazo/plugin.yml"]);
    }
}
