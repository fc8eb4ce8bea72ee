//! What git's index records for the files of plugins: the executable bit a clone will get,
//! whatever the working tree says (authors on Windows commit rules as 100644).
//!
//! One `git ls-files` call per repository, however many plugins it holds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The top of the git work tree holding `dir`, found by looking for `.git` upward.
fn repository_of(dir: &Path) -> Option<PathBuf> {
    let mut current = std::fs::canonicalize(dir).ok()?;
    loop {
        if current.join(".git").exists() {
            return Some(current);
        }
        if !current.pop() {
            return None;
        }
    }
}

/// The index modes (e.g. 0o100755) of `files` (paths inside the plugin, like `wazo/rules`)
/// of each plugin root, keyed by the canonical path of the file. Files not in an index, and
/// everything when git is not installed, are simply absent.
pub fn index_modes(roots: &[PathBuf], files: &[&str]) -> HashMap<PathBuf, u32> {
    let mut by_repo: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
    for root in roots {
        let Some(repo) = repository_of(root) else {
            continue;
        };
        let Ok(canonical) = std::fs::canonicalize(root) else {
            continue;
        };
        for file in files {
            let path = canonical.join(file);
            if let Ok(rel) = path.strip_prefix(&repo) {
                by_repo
                    .entry(repo.clone())
                    .or_default()
                    .push(rel.to_path_buf());
            }
        }
    }
    let mut modes = HashMap::new();
    for (repo, paths) in by_repo {
        let output = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["ls-files", "--stage", "-z", "--"])
            .args(&paths)
            .stderr(Stdio::null())
            .output();
        let Ok(output) = output else {
            return modes;
        };
        if !output.status.success() {
            continue;
        }
        for record in output.stdout.split(|&b| b == 0) {
            let Ok(record) = std::str::from_utf8(record) else {
                continue;
            };
            // "<mode> <object> <stage>\t<path>"
            let Some((meta, path)) = record.split_once('\t') else {
                continue;
            };
            let Some(mode) = meta
                .split(' ')
                .next()
                .and_then(|m| u32::from_str_radix(m, 8).ok())
            else {
                continue;
            };
            modes.insert(repo.join(path), mode);
        }
    }
    modes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_modes_from_the_index() {
        if which::which("git").is_err() {
            eprintln!("skipped: git is not on PATH");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        std::fs::create_dir_all(root.join("wazo")).unwrap();
        std::fs::write(root.join("wazo/rules"), "#!/bin/sh\n").unwrap();
        std::fs::write(root.join("wazo/plugin.yml"), "name: p\n").unwrap();
        let git = |args: &[&str]| {
            Command::new("git")
                .arg("-C")
                .arg(tmp.path())
                .args(args)
                .output()
                .unwrap()
        };
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["update-index", "--chmod=+x", "p/wazo/plugin.yml"]);
        let modes = index_modes(
            std::slice::from_ref(&root),
            &["wazo/rules", "wazo/plugin.yml"],
        );
        let canonical = std::fs::canonicalize(&root).unwrap();
        assert_eq!(modes.get(&canonical.join("wazo/rules")), Some(&0o100644));
        assert_eq!(
            modes.get(&canonical.join("wazo/plugin.yml")),
            Some(&0o100755)
        );
    }
}
