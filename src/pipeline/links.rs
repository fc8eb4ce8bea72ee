//! Symlinks never lead our own writes out of the work dir or the prefix.
//!
//! The plugin copy keeps links as links (as wazo-plugind's `cp -R`), the `.deb` stores them as
//! symlink entries, and before we write into `_pkg` or the prefix every existing component of
//! the path is checked: a symlink there is refused, naming it, instead of being written through.

use std::path::{Component, Path, PathBuf};

/// The first existing component of `base/rel` (from `base` down, `base` itself excluded) that is
/// a symlink, with its target.
pub fn link_on_path(base: &Path, rel: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut at = base.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(n) => at.push(n),
            Component::RootDir | Component::CurDir => continue,
            // `..` could climb out: treat it as a link out.
            Component::ParentDir | Component::Prefix(_) => return Some((at, PathBuf::from(".."))),
        }
        match at.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&at).unwrap_or_default();
                return Some((at, target));
            }
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Where the link at `link` points, made absolute and normalized lexically (without following
/// any further link).
pub fn resolve_lexically(link: &Path) -> Option<PathBuf> {
    let target = std::fs::read_link(link).ok()?;
    let joined = if target.is_absolute() {
        target
    } else {
        link.parent()?.join(target)
    };
    let mut out = PathBuf::from("/");
    for c in joined.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    Some(out)
}

/// True when the symlink `link` points outside `root` (absolute targets always do, since
/// they will be resolved on another machine or in another root).
pub fn points_outside(link: &Path, root: &Path) -> bool {
    let absolute = std::fs::read_link(link).is_ok_and(|t| t.is_absolute());
    absolute || resolve_lexically(link).is_none_or(|t| !t.starts_with(root))
}

/// Checks that none of `paths` (relative to `prefix`, `/`-prefixed or not) goes through a
/// symlink that already exists in `prefix`. Only ancestors are checked: a file of the package
/// replaces a symlink at its own path, but a directory symlink would be written through.
pub fn check_prefix<'a>(
    prefix: &Path,
    paths: impl IntoIterator<Item = &'a str>,
) -> Result<(), (PathBuf, PathBuf)> {
    for p in paths {
        let rel = Path::new(p.trim_start_matches('/'));
        if let Some(parent) = rel.parent()
            && let Some(found) = link_on_path(prefix, parent)
        {
            return Err(found);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_on_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        std::os::unix::fs::symlink("/etc", base.join("a/e")).unwrap();
        std::os::unix::fs::symlink("b", base.join("a/in")).unwrap();
        assert_eq!(link_on_path(base, Path::new("a/b/c/d")), None);
        let (at, target) = link_on_path(base, Path::new("a/e/x")).unwrap();
        assert_eq!((at, target), (base.join("a/e"), PathBuf::from("/etc")));
        assert!(check_prefix(base, ["/a/b/f", "/a/e"]).is_ok());
        assert!(check_prefix(base, ["/a/e/passwd"]).is_err());
        assert!(points_outside(&base.join("a/e"), base));
        assert!(!points_outside(&base.join("a/in"), base));
    }
}
