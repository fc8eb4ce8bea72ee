//! bubblewrap confinement, for when the overlay namespace is not available (not root).
//!
//! Build and package: the host is bound read-only at `/`, `/tmp` is a fresh tmpfs and the work
//! dir is bound read-write at its own path: a write elsewhere fails with `EROFS`.
//!
//! Maintainer steps: the prefix must stand in for `/`. bubblewrap 0.8 has no overlay, so the new
//! root is assembled from bind mounts: every host top-level entry is bound read-only, except the
//! directories the prefix also has (`etc`, `usr`, `var`, ...), which are bound from the prefix,
//! read-write, with each host entry the prefix lacks shown inside as a symlink to the host's
//! entry in a read-only view of the whole host ([`HOST_VIEW`]), recursively where both have a
//! directory. A write to `/etc/x` or `/etc/asterisk/x` (when the host has no
//! `/etc/asterisk`) lands in `PREFIX/etc/...`; a write into a host-only directory or file fails
//! with `EROFS`. The mount points bubblewrap creates in the prefix for the host entries are
//! removed after the step ([`cleanup`]).

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the whole host is bound read-only inside, for the links to host entries in merged
/// directories (one symlink each instead of one bind mount each: thousands of mounts are slow).
pub const HOST_VIEW: &str = "/.wazo-plugin-host";

/// Top-level entries bubblewrap provides itself.
const SPECIAL: &[&str] = &["dev", "proc", "tmp"];

fn common(out: &mut Vec<OsString>, as_root_inside: bool) {
    for a in ["--unshare-all", "--share-net", "--die-with-parent"] {
        out.push(a.into());
    }
    if as_root_inside && !nix::unistd::Uid::effective().is_root() {
        for a in ["--unshare-user", "--uid", "0", "--gid", "0"] {
            out.push(a.into());
        }
    }
}

fn push(out: &mut Vec<OsString>, op: &str, src: impl Into<OsString>, dst: impl Into<OsString>) {
    out.push(op.into());
    out.push(src.into());
    out.push(dst.into());
}

/// Arguments for `rules build` / `rules package`: host read-only, `work` writable, cwd `cwd`.
pub fn build_args(work: &Path, cwd: &Path) -> Vec<OsString> {
    let mut out = Vec::new();
    common(&mut out, false);
    push(&mut out, "--ro-bind", "/", "/");
    for (op, p) in [("--dev", "/dev"), ("--proc", "/proc"), ("--tmpfs", "/tmp")] {
        out.push(op.into());
        out.push(p.into());
    }
    push(&mut out, "--bind", work, work);
    out.push("--chdir".into());
    out.push(cwd.into());
    out
}

/// The root assembled for a maintainer step, and the mount points created in the prefix.
#[derive(Debug, Default)]
pub struct Layout {
    /// bubblewrap arguments (before `--` and the command).
    pub args: Vec<OsString>,
    /// Links to host entries created in the prefix, for [`cleanup`].
    pub mountpoints: Vec<PathBuf>,
}

fn is_real_dir(p: &Path) -> bool {
    p.symlink_metadata().is_ok_and(|m| m.is_dir())
}

/// Adds the host entries of `host` that the prefix's `mine` lacks, read-only, recursing where
/// both have a directory. `opaque` directories keep only the prefix's content.
fn merge(host: &Path, mine: &Path, opaque: &[PathBuf], layout: &mut Layout) -> io::Result<()> {
    if opaque.iter().any(|o| o == host) {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(host) else {
        return Ok(());
    };
    let mut names: Vec<OsString> = entries.flatten().map(|e| e.file_name()).collect();
    names.sort();
    for name in names {
        let h = host.join(&name);
        let m = mine.join(&name);
        let Ok(hm) = h.symlink_metadata() else {
            continue;
        };
        match m.symlink_metadata() {
            Ok(mm) if mm.is_dir() && hm.is_dir() => merge(&h, &m, opaque, layout)?,
            Ok(_) => {} // the prefix's entry wins, as in an overlay
            Err(_) => {
                // Made here rather than with `--symlink`: bubblewrap takes about a millisecond
                // per operation, and merged directories such as /usr/bin have thousands.
                let target = if hm.file_type().is_symlink() {
                    std::fs::read_link(&h)?
                } else {
                    Path::new(HOST_VIEW).join(h.strip_prefix("/").unwrap_or(&h))
                };
                std::os::unix::fs::symlink(target, &m)?;
                layout.mountpoints.push(m);
            }
        }
    }
    Ok(())
}

/// Arguments for a maintainer step, and the links to host entries created in the prefix
/// (removed by [`cleanup`], also on error): `prefix` stands in for `/` as described in the module
/// documentation, `work` is writable at its own path, `opaque` lists host paths (`/var/lib/dpkg`)
/// whose host content stays hidden.
pub fn install_layout(prefix: &Path, work: &Path, opaque: &[PathBuf]) -> io::Result<Layout> {
    let mut layout = Layout::default();
    match fill(prefix, work, opaque, &mut layout) {
        Ok(()) => Ok(layout),
        Err(e) => {
            cleanup(&layout.mountpoints);
            Err(e)
        }
    }
}

fn fill(prefix: &Path, work: &Path, opaque: &[PathBuf], layout: &mut Layout) -> io::Result<()> {
    common(&mut layout.args, true);
    push(&mut layout.args, "--ro-bind", "/", HOST_VIEW);
    let mut names: Vec<OsString> = std::fs::read_dir("/")?
        .flatten()
        .map(|e| e.file_name())
        .collect();
    names.sort();
    for name in &names {
        if SPECIAL.iter().any(|s| name == *s) {
            continue;
        }
        let h = Path::new("/").join(name);
        let m = prefix.join(name);
        let Ok(hm) = h.symlink_metadata() else {
            continue;
        };
        if hm.is_dir() && is_real_dir(&m) {
            push(&mut layout.args, "--bind", &m, &h);
            merge(&h, &m, opaque, layout)?;
        } else if hm.file_type().is_symlink() {
            push(&mut layout.args, "--symlink", std::fs::read_link(&h)?, &h);
        } else {
            push(&mut layout.args, "--ro-bind", &h, &h);
        }
    }
    for entry in std::fs::read_dir(prefix)?.flatten() {
        let name = entry.file_name();
        if !names.contains(&name) && is_real_dir(&entry.path()) {
            push(
                &mut layout.args,
                "--bind",
                entry.path(),
                Path::new("/").join(&name),
            );
        }
    }
    for (op, p) in [("--dev", "/dev"), ("--proc", "/proc"), ("--tmpfs", "/tmp")] {
        layout.args.push(op.into());
        layout.args.push(p.into());
    }
    push(&mut layout.args, "--bind", work, work);
    layout.args.push("--chdir".into());
    layout.args.push("/".into());
    Ok(())
}

/// Removes the links [`install_layout`] created in the prefix (and anything at those paths that
/// is an empty file or directory), deepest first. Anything else is left alone.
pub fn cleanup(mountpoints: &[PathBuf]) {
    for p in mountpoints.iter().rev() {
        let Ok(m) = p.symlink_metadata() else {
            continue;
        };
        if m.is_dir() {
            let _ = std::fs::remove_dir(p);
        } else if m.file_type().is_symlink() || m.len() == 0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// `bwrap ARGS -- PROGRAM ARGS...` with `cmd`'s program, arguments and environment.
pub fn wrap(cmd: &Command, args: &[OsString]) -> io::Result<Command> {
    let bwrap = which::which("bwrap").map_err(|e| io::Error::other(format!("bwrap: {e}")))?;
    let mut out = Command::new(bwrap);
    out.args(args).arg("--").arg(cmd.get_program());
    out.args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => out.env(k, v),
            None => out.env_remove(k),
        };
    }
    Ok(out)
}

/// Directories where maintainer scripts usually write, made writable in the prefix (when the
/// host has them) even if the package has nothing there.
const SEEDED: &[&str] = &[
    "etc",
    "opt",
    "srv",
    "usr/local",
    "var/lib",
    "var/log",
    "var/cache",
];

/// Creates in `prefix` each directory of the staged package `pkgdir` that the host also has
/// (`etc`, `usr/lib`, ...), so that [`install_layout`] binds the prefix's copy there and dpkg
/// creates the package's own directories inside the prefix. Directories the host has are not
/// reported as left behind.
pub fn seed_dirs(prefix: &Path, pkgdir: &Path) -> io::Result<()> {
    for rel in SEEDED {
        if is_real_dir(&Path::new("/").join(rel))
            && super::links::link_on_path(prefix, Path::new(rel)).is_none()
        {
            std::fs::create_dir_all(prefix.join(rel))?;
        }
    }
    let walk = walkdir::WalkDir::new(pkgdir)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == "DEBIAN"));
    for entry in walk.flatten() {
        if !entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(pkgdir) else {
            continue;
        };
        if is_real_dir(&Path::new("/").join(rel)) {
            if let Some((link, _)) = super::links::link_on_path(prefix, rel) {
                return Err(io::Error::other(format!(
                    "{} is a symlink: refusing to write through it, out of the prefix",
                    link.display()
                )));
            }
            std::fs::create_dir_all(prefix.join(rel))?;
        }
    }
    Ok(())
}
