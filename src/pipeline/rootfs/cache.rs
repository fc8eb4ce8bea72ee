//! What is cached, and removing it: only the folders the tool made, never following symlinks.

use std::path::{Path, PathBuf};

use super::{METADATA, Metadata, RootfsError, cache_root, release_dir};

/// A cached root, as `rootfs status` shows it.
#[derive(Debug, Clone)]
pub struct Cached {
    /// `<cache>/wazo-plugin/rootfs/<release>`.
    pub dir: PathBuf,
    pub metadata: Metadata,
    /// Bytes of the files under it (apparent size, symlinks not followed).
    pub size: u64,
}

pub(crate) fn read_metadata(dir: &Path) -> Result<Option<Metadata>, RootfsError> {
    let path = dir.join(METADATA);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(RootfsError::io(path.display(), e)),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| RootfsError::NotOurs {
            path,
            message: format!("unreadable metadata: {e}"),
        })
}

fn size_of(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.path().symlink_metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// The cached root of `release`, if there is one.
pub fn status(cache_dir: &Path, release: &str) -> Result<Option<Cached>, RootfsError> {
    let dir = release_dir(cache_dir, release);
    if !is_real_dir(&dir) {
        return Ok(None);
    }
    Ok(read_metadata(&dir)?.map(|metadata| Cached {
        size: size_of(&dir),
        dir,
        metadata,
    }))
}

/// Every cached root, by release.
pub fn status_all(cache_dir: &Path) -> Result<Vec<Cached>, RootfsError> {
    let base = cache_root(cache_dir);
    let mut names: Vec<String> = match std::fs::read_dir(&base) {
        Ok(d) => d
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(RootfsError::io(base.display(), e)),
    };
    names.sort();
    let mut out = Vec::new();
    for n in names {
        if let Some(c) = status(cache_dir, &n)? {
            out.push(c);
        }
    }
    Ok(out)
}

fn is_real_dir(p: &Path) -> bool {
    p.symlink_metadata().is_ok_and(|m| m.is_dir())
}

/// Removes the cached root of `release`, or every cached root and leftover temporary folder
/// when `None` (with the downloaded packages' cache). Only folders with the tool's metadata (or its `.making-`/`.old-` temporary
/// names) are removed; a symlink is refused, never followed. Returns what was removed.
pub fn clean(cache_dir: &Path, release: Option<&str>) -> Result<Vec<PathBuf>, RootfsError> {
    let base = cache_root(cache_dir);
    let mut removed = Vec::new();
    if base
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(RootfsError::NotOurs {
            path: base,
            message: "is a symlink; not followed".into(),
        });
    }
    let entries: Vec<PathBuf> = match std::fs::read_dir(&base) {
        Ok(d) => d.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(removed),
        Err(e) => return Err(RootfsError::io(base.display(), e)),
    };
    for path in entries {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let temporary = name.starts_with(".making-") || name.starts_with(".old-");
        let apt_cache = name == super::make::APT_CACHE;
        let wanted = match release {
            Some(r) => name == r || (temporary && name.contains(&format!("-{r}-"))),
            None => true,
        };
        if !wanted || name.ends_with(".lock") {
            continue;
        }
        let meta = path
            .symlink_metadata()
            .map_err(|e| RootfsError::io(path.display(), e))?;
        if !meta.is_dir() {
            continue;
        }
        if !temporary && !apt_cache && read_metadata(&path)?.is_none() {
            return Err(RootfsError::NotOurs {
                path,
                message: format!("has no {METADATA}: not made by wazo-plugin, left alone"),
            });
        }
        remove_tree(&path)?;
        removed.push(path);
    }
    Ok(removed)
}

/// Removes a folder without following symlinks (std's `remove_dir_all` does not follow them).
/// A root made in unshare mode has files owned by the user's subordinate ids, which the user
/// cannot remove directly: then the removal runs in a user namespace mapping them
/// (`unshare --map-root-user --map-auto`, util-linux 2.38).
pub(crate) fn remove_tree(path: &Path) -> Result<(), RootfsError> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            let status = std::process::Command::new("unshare")
                .args([
                    "--map-root-user",
                    "--map-auto",
                    "rm",
                    "-rf",
                    "--one-file-system",
                    "--",
                ])
                .arg(path)
                .status()
                .map_err(|e2| RootfsError::io(format!("{}: unshare", path.display()), e2))?;
            if status.success() && !path.exists() {
                Ok(())
            } else {
                Err(RootfsError::io(path.display(), e))
            }
        }
        Err(e) => Err(RootfsError::io(path.display(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_leaves_foreign_folders_and_symlinks() {
        let cache = tempfile::tempdir().unwrap();
        let base = cache_root(cache.path());
        std::fs::create_dir_all(base.join("26.08/root/etc")).unwrap();
        std::fs::create_dir_all(base.join("foreign")).unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("keep"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path(), base.join("26.08/root/link")).unwrap();
        let meta = Metadata {
            layout: crate::pipeline::rootfs::LAYOUT,
            release: "26.08".into(),
            suite: "bookworm".into(),
            debian: 12,
            python: "3.11".into(),
            made_at: 0,
            seconds: 1,
            packages: vec![],
            mirrors: vec![],
            mode: super::super::Mode::Root,
            mmdebstrap: "mmdebstrap 1.3.5".into(),
            stood_in: Default::default(),
        };
        std::fs::write(
            base.join("26.08").join(METADATA),
            serde_json::to_string(&meta).unwrap(),
        )
        .unwrap();
        let c = status(cache.path(), "26.08").unwrap().expect("cached");
        assert_eq!(c.metadata, meta);
        assert!(status(cache.path(), "25.17").unwrap().is_none());
        let removed = clean(cache.path(), Some("26.08")).unwrap();
        assert_eq!(removed, [base.join("26.08")]);
        assert!(outside.path().join("keep").exists());
        assert!(base.join("foreign").exists());
        assert!(matches!(
            clean(cache.path(), None),
            Err(RootfsError::NotOurs { .. })
        ));
    }
}
