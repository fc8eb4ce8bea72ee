//! Writing and removing inside a tree a step could have tampered with, without ever following a
//! symlink out of it.
//!
//! Every directory on the way is opened with `openat(O_DIRECTORY | O_NOFOLLOW)` from the trusted
//! base, so a step that replaced `PREFIX/usr/sbin` or `PREFIX/etc` with a symlink to a host
//! directory makes our write or removal fail (`ELOOP` / `ENOTDIR`) instead of landing on the
//! host. These run between steps, when no process of the step is alive (the PID namespace dies
//! with the step), so nothing can swap a component while we walk.

use std::ffi::{CString, OsStr};
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path};

use nix::fcntl::{OFlag, openat};
use nix::sys::stat::{Mode, mkdirat};
use nix::unistd::{UnlinkatFlags, unlinkat};

fn errno(e: nix::errno::Errno) -> io::Error {
    io::Error::from_raw_os_error(e as i32)
}

fn dir_flags() -> OFlag {
    OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC
}

/// Opens the trusted `base` directory (its own path may contain links the user chose).
pub fn open_base(base: &Path) -> io::Result<OwnedFd> {
    let c = CString::new(base.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: valid C string; the fd returned is owned below.
    let fd = unsafe {
        nix::libc::open(
            c.as_ptr(),
            nix::libc::O_RDONLY | nix::libc::O_DIRECTORY | nix::libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn names(rel: &Path) -> io::Result<Vec<&OsStr>> {
    let mut out = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir | Component::Prefix(_) => {
                return Err(io::Error::other(format!(
                    "{}: `..` is not allowed here",
                    rel.display()
                )));
            }
        }
    }
    Ok(out)
}

fn refuse_link(e: nix::errno::Errno, base: &Path, rel: &Path) -> io::Error {
    if e == nix::errno::Errno::ELOOP || e == nix::errno::Errno::ENOTDIR {
        io::Error::other(format!(
            "{}: a component is a symlink or not a directory: refusing to follow it out of {}",
            base.join(rel).display(),
            base.display()
        ))
    } else {
        errno(e)
    }
}

/// The directory `base/rel`, reached without following any symlink below `base`.
pub fn open_dir_beneath(base: &Path, rel: &Path) -> io::Result<OwnedFd> {
    let mut fd = open_base(base)?;
    for n in names(rel)? {
        fd = openat(fd.as_fd(), n, dir_flags(), Mode::empty())
            .map_err(|e| refuse_link(e, base, rel))?;
    }
    Ok(fd)
}

/// Creates `base/rel` and its missing parents (mode 0755) without following symlinks.
pub fn mkdir_all_beneath(base: &Path, rel: &Path) -> io::Result<OwnedFd> {
    let mut fd = open_base(base)?;
    for n in names(rel)? {
        match mkdirat(fd.as_fd(), n, Mode::from_bits_truncate(0o755)) {
            Ok(()) | Err(nix::errno::Errno::EEXIST) => {}
            Err(e) => return Err(errno(e)),
        }
        fd = openat(fd.as_fd(), n, dir_flags(), Mode::empty())
            .map_err(|e| refuse_link(e, base, rel))?;
    }
    Ok(fd)
}

fn split(rel: &Path) -> io::Result<(&Path, &OsStr)> {
    let name = rel
        .file_name()
        .ok_or_else(|| io::Error::other(format!("{}: no file name", rel.display())))?;
    Ok((rel.parent().unwrap_or(Path::new("")), name))
}

/// Writes `contents` to `base/rel` with `mode`, creating the parents; never through a symlink
/// (an existing symlink at `rel` itself is an error too). `replace` truncates an existing regular
/// file; otherwise the file must not exist.
pub fn write_beneath(
    base: &Path,
    rel: &Path,
    contents: &[u8],
    mode: u32,
    replace: bool,
) -> io::Result<()> {
    let (parent, name) = split(rel)?;
    let dir = mkdir_all_beneath(base, parent)?;
    let mut flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    flags |= if replace {
        OFlag::O_TRUNC
    } else {
        OFlag::O_EXCL
    };
    // O_NONBLOCK: a FIFO planted at the path must not hang us (opening one for writing without
    // a reader fails with ENXIO instead).
    flags |= OFlag::O_NONBLOCK;
    let fd = openat(dir.as_fd(), name, flags, Mode::from_bits_truncate(mode))
        .map_err(|e| refuse_link(e, base, rel))?;
    let mut file = std::fs::File::from(fd);
    if !file.metadata()?.is_file() {
        return Err(io::Error::other(format!(
            "{}: not a regular file",
            base.join(rel).display()
        )));
    }
    file.write_all(contents)?;
    nix::sys::stat::fchmod(file.as_fd(), Mode::from_bits_truncate(mode)).map_err(errno)
}

/// Reads at most `limit` bytes of the regular file `base/rel`, never through a symlink.
pub fn read_beneath(base: &Path, rel: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let (parent, name) = split(rel)?;
    let dir = open_dir_beneath(base, parent)?;
    let fd = openat(
        dir.as_fd(),
        name,
        OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| refuse_link(e, base, rel))?;
    let file = std::fs::File::from(fd);
    if !file.metadata()?.is_file() {
        return Err(io::Error::other(format!(
            "{}: not a regular file",
            base.join(rel).display()
        )));
    }
    let mut out = Vec::new();
    file.take(limit).read_to_end(&mut out)?;
    Ok(out)
}

/// Copies the regular file `src` (trusted) to `base/rel`, replacing what is there, streaming,
/// never through a symlink.
pub fn copy_into(base: &Path, rel: &Path, src: &Path) -> io::Result<()> {
    remove_beneath(base, rel)?;
    let (parent, name) = split(rel)?;
    let dir = mkdir_all_beneath(base, parent)?;
    let fd = openat(
        dir.as_fd(),
        name,
        OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
        Mode::from_bits_truncate(0o644),
    )
    .map_err(|e| refuse_link(e, base, rel))?;
    let mut out = std::fs::File::from(fd);
    let mut input = std::fs::File::open(src)?;
    io::copy(&mut input, &mut out)?;
    Ok(())
}

/// Removes the file, symlink or empty directory `base/rel`, never through a symlinked parent.
/// A missing entry is not an error.
pub fn remove_beneath(base: &Path, rel: &Path) -> io::Result<()> {
    let (parent, name) = split(rel)?;
    let dir = match open_dir_beneath(base, parent) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let meta = match nix::sys::stat::fstatat(
        dir.as_fd(),
        name,
        nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
    ) {
        Ok(m) => m,
        Err(nix::errno::Errno::ENOENT) => return Ok(()),
        Err(e) => return Err(errno(e)),
    };
    let how = if meta.st_mode & nix::libc::S_IFMT == nix::libc::S_IFDIR {
        UnlinkatFlags::RemoveDir
    } else {
        UnlinkatFlags::NoRemoveDir
    };
    unlinkat(dir.as_fd(), name, how).map_err(errno)
}

/// Changes the mode of the entry at `path` (found by a no-follow walk) through an `O_PATH` file
/// descriptor, so a link swapped in cannot redirect the change.
fn chmod_nofollow(path: &Path, mode: u32) -> io::Result<()> {
    let c = CString::new(path.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: valid C string; fd owned below.
    let fd = unsafe {
        nix::libc::open(
            c.as_ptr(),
            nix::libc::O_PATH | nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptor we own.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let meta = nix::sys::stat::fstat(fd.as_fd()).map_err(errno)?;
    if meta.st_mode & nix::libc::S_IFMT == nix::libc::S_IFLNK {
        return Ok(());
    }
    let proc_path = format!("/proc/self/fd/{}", fd.as_raw_fd());
    std::fs::set_permissions(
        proc_path,
        std::os::unix::fs::PermissionsExt::from_mode(mode),
    )
}

/// Deletes the tree at `path` without following any symlink in it, first making each directory
/// accessible (a step may leave mode-000 directories behind). `std::fs::remove_dir_all` itself
/// never follows links (it walks with `openat`).
pub fn remove_tree(path: &Path) -> io::Result<()> {
    if path.symlink_metadata().is_err() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(path).follow_links(false) {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_dir()
            && let Ok(m) = entry.path().symlink_metadata()
            && m.mode() & 0o700 != 0o700
        {
            let _ = chmod_nofollow(entry.path(), 0o700);
        }
    }
    std::fs::remove_dir_all(path)
}

/// `chown` (without following links) of every entry of `root` owned by `from` to `to`. Files with
/// more than one hard link are left alone (a link to a file elsewhere would give it away);
/// their paths are returned.
pub fn chown_tree(root: &Path, from: u32, to: (u32, u32)) -> io::Result<Vec<String>> {
    let mut skipped = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let Ok(entry) = entry else { continue };
        let Ok(m) = entry.path().symlink_metadata() else {
            continue;
        };
        if m.uid() != from {
            continue;
        }
        if !m.is_dir() && m.nlink() > 1 {
            skipped.push(entry.path().display().to_string());
            continue;
        }
        std::os::unix::fs::lchown(entry.path(), Some(to.0), Some(to.1))?;
    }
    Ok(skipped)
}

/// What [`make_safe`] removed or changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// Files whose setuid/setgid bits were cleared.
    pub setid: Vec<String>,
    /// Device nodes, FIFOs and sockets deleted.
    pub special: Vec<String>,
}

/// Clears every setuid/setgid bit and deletes every device node, FIFO and socket under `root`
/// (paths reported relative to `root`, `/`-prefixed), so the tree is safe to leave around.
pub fn make_safe(root: &Path) -> Stripped {
    let mut out = Stripped::default();
    for entry in walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
    {
        let Ok(entry) = entry else { continue };
        let Ok(m) = entry.path().symlink_metadata() else {
            continue;
        };
        let rel = format!(
            "/{}",
            entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .display()
        );
        let ft = m.file_type();
        if ft.is_symlink() {
            continue;
        }
        if !(ft.is_file() || ft.is_dir()) {
            // unlink does not follow the last component; the parents come from a no-follow walk.
            if std::fs::remove_file(entry.path()).is_ok() {
                out.special.push(rel);
            }
            continue;
        }
        if m.mode() & 0o6000 != 0 && ft.is_file() {
            if chmod_nofollow(entry.path(), m.mode() & 0o1777).is_ok() {
                out.setid.push(rel);
            }
        } else if ft.is_dir() && m.mode() & 0o6000 != 0 {
            // setgid directories are harmless but would pass the bit on: clear it too.
            let _ = chmod_nofollow(entry.path(), m.mode() & 0o1777);
        }
    }
    out
}

/// Names the first FIFO, socket or device node under `root`, if any.
pub fn find_special(root: &Path) -> Option<std::path::PathBuf> {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .flatten()
        .find(|e| {
            let ft = e.file_type();
            !(ft.is_file() || ft.is_dir() || ft.is_symlink())
        })
        .map(|e| e.path().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn never_writes_or_removes_through_a_link() {
        let base = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("victim"), "keep").unwrap();
        std::fs::create_dir_all(base.path().join("usr")).unwrap();
        symlink(outside.path(), base.path().join("usr/sbin")).unwrap();
        let err = write_beneath(
            base.path(),
            Path::new("usr/sbin/asterisk"),
            b"x",
            0o755,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("symlink"), "{err}");
        assert!(!outside.path().join("asterisk").exists());
        remove_beneath(base.path(), Path::new("usr/sbin/victim")).unwrap_err();
        assert!(outside.path().join("victim").exists());
        // The link itself can go.
        remove_beneath(base.path(), Path::new("usr/sbin")).unwrap();
        assert!(outside.path().join("victim").exists());
        write_beneath(base.path(), Path::new("usr/sbin/a"), b"x", 0o644, false).unwrap();
        assert_eq!(std::fs::read(base.path().join("usr/sbin/a")).unwrap(), b"x");
    }

    #[test]
    fn remove_tree_keeps_link_targets() {
        let base = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("victim"), "keep").unwrap();
        let tree = base.path().join("t");
        std::fs::create_dir_all(tree.join("a/locked")).unwrap();
        symlink(outside.path(), tree.join("a/out")).unwrap();
        std::fs::set_permissions(
            tree.join("a/locked"),
            std::os::unix::fs::PermissionsExt::from_mode(0o000),
        )
        .unwrap();
        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert!(outside.path().join("victim").exists());
    }

    #[test]
    fn make_safe_strips_setid_and_fifos() {
        let base = tempfile::tempdir().unwrap();
        let f = base.path().join("suid");
        std::fs::write(&f, "x").unwrap();
        std::fs::set_permissions(&f, std::os::unix::fs::PermissionsExt::from_mode(0o4755)).unwrap();
        nix::unistd::mkfifo(&base.path().join("fifo"), Mode::from_bits_truncate(0o644)).unwrap();
        let s = make_safe(base.path());
        assert_eq!(s.setid, ["/suid"]);
        assert_eq!(s.special, ["/fifo"]);
        assert_eq!(f.symlink_metadata().unwrap().mode() & 0o7777, 0o755);
    }
}
