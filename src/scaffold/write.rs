//! Writing rendered files: into a temporary folder next to the destination first, then moved
//! into place, so that a failure leaves nothing half-written.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::error::ScaffoldError;
use super::render::RenderedFile;

/// A file `new` writes (or would write, in a dry run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the plugin folder.
    pub path: PathBuf,
    /// Mode 0755 instead of 0644.
    pub executable: bool,
    /// A file already at this path is replaced (only with `--force`).
    pub replaced: bool,
}

enum Destination {
    Missing,
    Empty,
    NotEmpty,
}

fn destination(dir: &Path) -> Result<Destination, ScaffoldError> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(Destination::Missing),
        Err(e) => Err(ScaffoldError::io("inspect", dir, e)),
        Ok(m) if !m.is_dir() => Err(ScaffoldError::DestinationBlocked {
            path: dir.to_path_buf(),
            message: "it exists and is not a folder".into(),
        }),
        Ok(_) => {
            let mut entries = fs::read_dir(dir).map_err(|e| ScaffoldError::io("list", dir, e))?;
            Ok(if entries.next().is_some() {
                Destination::NotEmpty
            } else {
                Destination::Empty
            })
        }
    }
}

/// Whether `rel` would replace a file inside `dir`; an error if a folder, a symlink or a file
/// standing where a folder must go is in the way.
fn replaces(dir: &Path, rel: &Path) -> Result<bool, ScaffoldError> {
    let mut current = dir.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for (i, part) in parts.iter().enumerate() {
        current.push(part);
        let last = i + 1 == parts.len();
        let blocked = |message: &str| ScaffoldError::DestinationBlocked {
            path: current.clone(),
            message: message.to_string(),
        };
        match fs::symlink_metadata(&current) {
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(ScaffoldError::io("inspect", &current, e)),
            Ok(m) if m.file_type().is_symlink() => {
                return Err(blocked("it is a symbolic link; remove it first"));
            }
            Ok(m) if last && m.is_dir() => return Err(blocked("a folder is in the way")),
            Ok(m) if !last && !m.is_dir() => return Err(blocked("a file is in the way")),
            Ok(_) => {}
        }
    }
    Ok(true)
}

/// Checks the destination without writing: which files would be written and which replaced.
/// Fails when `dir` exists, is not empty and `force` is false.
pub fn plan(
    dir: &Path,
    files: &[RenderedFile],
    force: bool,
) -> Result<Vec<GeneratedFile>, ScaffoldError> {
    let state = destination(dir)?;
    let mut planned = Vec::with_capacity(files.len());
    for file in files {
        let replaced = match state {
            Destination::Missing => false,
            _ => replaces(dir, &file.path)?,
        };
        planned.push(GeneratedFile {
            path: file.path.clone(),
            executable: file.executable,
            replaced,
        });
    }
    if matches!(state, Destination::NotEmpty) && !force {
        return Err(ScaffoldError::DestinationNotEmpty {
            dir: dir.to_path_buf(),
            would_replace: planned
                .iter()
                .filter(|f| f.replaced)
                .map(|f| f.path.clone())
                .collect(),
        });
    }
    Ok(planned)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

fn write_tree(root: &Path, files: &[RenderedFile]) -> Result<(), ScaffoldError> {
    set_mode(root, 0o755).map_err(|e| ScaffoldError::io("set the mode of", root, e))?;
    for file in files {
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| ScaffoldError::io("create", parent, e))?;
        }
        fs::write(&path, &file.contents).map_err(|e| ScaffoldError::io("write", &path, e))?;
        let mode = if file.executable { 0o755 } else { 0o644 };
        set_mode(&path, mode).map_err(|e| ScaffoldError::io("set the mode of", &path, e))?;
    }
    Ok(())
}

/// Writes `files` into `dir`: renders them into a temporary folder next to `dir`, then renames
/// that folder into place (or, with `force` into a non-empty folder, renames each file over its
/// old version). The temporary folder is removed on failure. Parents of `dir` are created.
pub fn write(
    dir: &Path,
    files: &[RenderedFile],
    force: bool,
) -> Result<Vec<GeneratedFile>, ScaffoldError> {
    let planned = plan(dir, files, force)?;
    let state = destination(dir)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| ScaffoldError::io("create", &parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".wazo-plugin-new-")
        .tempdir_in(&parent)
        .map_err(|e| ScaffoldError::io("create a temporary folder in", &parent, e))?;
    write_tree(tmp.path(), files)?;
    match state {
        Destination::Missing | Destination::Empty => {
            fs::rename(tmp.path(), dir)
                .map_err(|e| ScaffoldError::io("move into place", dir, e))?;
            let _ = tmp.keep();
        }
        Destination::NotEmpty => {
            for file in files {
                let to = dir.join(&file.path);
                if let Some(parent) = to.parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| ScaffoldError::io("create", parent, e))?;
                }
                fs::rename(tmp.path().join(&file.path), &to)
                    .map_err(|e| ScaffoldError::io("move into place", &to, e))?;
            }
        }
    }
    Ok(planned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<RenderedFile> {
        vec![
            RenderedFile {
                path: "wazo/rules".into(),
                contents: "#!/bin/sh\n".into(),
                executable: true,
            },
            RenderedFile {
                path: "a.txt".into(),
                contents: "new\n".into(),
                executable: false,
            },
        ]
    }

    #[test]
    fn fresh_and_empty_destinations() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("p");
        let out = write(&dir, &files(), false).unwrap();
        assert!(out.iter().all(|f| !f.replaced));
        assert_eq!(fs::read_to_string(dir.join("a.txt")).unwrap(), "new\n");
        let empty = root.path().join("e");
        fs::create_dir(&empty).unwrap();
        write(&empty, &files(), false).unwrap();
        // Only the two destinations are left: no temporary folder.
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 2);
    }

    #[test]
    fn refuses_then_forces() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("p");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("a.txt"), "old\n").unwrap();
        fs::write(dir.join("keep.txt"), "mine\n").unwrap();
        let err = write(&dir, &files(), false).unwrap_err();
        assert!(err.to_string().contains("a.txt"), "{err}");
        assert_eq!(fs::read_to_string(dir.join("a.txt")).unwrap(), "old\n");
        assert!(!dir.join("wazo").exists());
        let out = write(&dir, &files(), true).unwrap();
        assert!(
            out.iter()
                .any(|f| f.replaced && f.path == Path::new("a.txt"))
        );
        assert_eq!(fs::read_to_string(dir.join("a.txt")).unwrap(), "new\n");
        assert_eq!(fs::read_to_string(dir.join("keep.txt")).unwrap(), "mine\n");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn blocked_paths() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("p");
        fs::create_dir_all(dir.join("a.txt")).unwrap();
        let err = write(&dir, &files(), true).unwrap_err();
        assert!(
            matches!(err, ScaffoldError::DestinationBlocked { .. }),
            "{err}"
        );
        let file = root.path().join("f");
        fs::write(&file, "").unwrap();
        let err = write(&file, &files(), true).unwrap_err();
        assert!(
            matches!(err, ScaffoldError::DestinationBlocked { .. }),
            "{err}"
        );
    }
}
