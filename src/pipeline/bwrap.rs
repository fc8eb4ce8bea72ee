//! bubblewrap confinement, for every user, root included.
//!
//! Every step runs in new user, mount, PID, IPC, UTS and (where available) cgroup namespaces,
//! with a fresh `/proc`, a minimal `/dev`, a private `/dev/shm` and `/tmp`, in a new session
//! without the controlling terminal, and dies with wazo-plugin (`--die-with-parent`; bubblewrap's
//! init is PID 1 of the step's namespace, so every process of the step dies with it). The network
//! is shared unless [`super::Options::network`] is false. As root, bubblewrap itself is started
//! as [`SANDBOX_UID`] (no capability left), so root inside the user namespace is an unprivileged
//! uid outside: it cannot write root's files through `/proc/sys`, signal root's processes or read
//! root-only files. The work dir and the prefix are handed to that uid for the step
//! ([`hand_over`]) and back to root after ([`take_back`]). Writable trees are bound by file
//! descriptor (`--bind-fd`), so their parents need not be searchable by that uid.
//!
//! Build and package: the host is bound read-only at `/` and the work dir read-write at its own
//! path: a write elsewhere fails with `EROFS`.
//!
//! Maintainer steps: the prefix must stand in for `/`. bubblewrap 0.8 has no overlay, so the new
//! root is assembled from bind mounts: every host top-level entry is bound read-only, except the
//! directories the prefix also has (`etc`, `usr`, `var`, ...), which are bound from the prefix,
//! read-write, with each host entry the prefix lacks shown inside as a symlink to the host's
//! entry in a read-only view of the whole host ([`HOST_VIEW`]), recursively where both have a
//! directory. A write to `/etc/x` or `/etc/asterisk/x` (when the host has no
//! `/etc/asterisk`) lands in `PREFIX/etc/...`; a write into a host-only directory or file fails
//! with `EROFS`. The links bubblewrap needs in the prefix for the host entries are removed after
//! the step ([`cleanup`]).

use std::ffi::OsString;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::isolation::{SANDBOX_UID, outside_ids};

/// Where the whole host is bound read-only inside, for the links to host entries in merged
/// directories (one symlink each instead of one bind mount each: thousands of mounts are slow).
pub const HOST_VIEW: &str = "/.wazo-plugin-host";

/// Top-level entries bubblewrap provides itself.
const SPECIAL: &[&str] = &["dev", "proc", "tmp"];

/// The namespace flags every step gets; `network` keeps the host's network.
fn common(out: &mut Vec<OsString>, as_root_inside: bool, network: bool) {
    for a in [
        "--unshare-user",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--new-session",
        "--die-with-parent",
    ] {
        out.push(a.into());
    }
    if !network {
        out.push("--unshare-net".into());
    }
    if as_root_inside {
        for a in ["--uid", "0", "--gid", "0"] {
            out.push(a.into());
        }
    }
}

/// The arguments [`super::isolation::bwrap_usable`] tries.
pub fn probe_args() -> Vec<OsString> {
    let mut out = Vec::new();
    common(&mut out, true, true);
    push(&mut out, "--ro-bind", "/", "/");
    devices(&mut out);
    out
}

/// The layout of the built-in namespaces' probe: the host read-only, as for the steps.
pub fn probe_layout(stage: &Path) -> io::Result<Layout> {
    let mut layout = Layout::new(stage)?;
    layout.args = probe_args();
    Ok(layout)
}

fn devices(out: &mut Vec<OsString>) {
    devices_but_tmp(out);
    out.push("--tmpfs".into());
    out.push("/tmp".into());
}

fn devices_but_tmp(out: &mut Vec<OsString>) {
    for (op, p) in [
        ("--dev", "/dev"),
        ("--tmpfs", "/dev/shm"),
        ("--proc", "/proc"),
    ] {
        out.push(op.into());
        out.push(p.into());
    }
}

fn push(out: &mut Vec<OsString>, op: &str, src: impl Into<OsString>, dst: impl Into<OsString>) {
    out.push(op.into());
    out.push(src.into());
    out.push(dst.into());
}

/// Opens `dir` (a real directory, not a link) for `--bind-fd`.
fn open_dir(dir: &Path) -> io::Result<OwnedFd> {
    let c = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(dir.as_os_str()))
        .map_err(io::Error::other)?;
    // SAFETY: valid C string; the descriptor is owned below.
    let fd = unsafe {
        nix::libc::open(
            c.as_ptr(),
            nix::libc::O_PATH
                | nix::libc::O_DIRECTORY
                | nix::libc::O_NOFOLLOW
                | nix::libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(io::Error::other(format!(
            "{}: {}",
            dir.display(),
            io::Error::last_os_error()
        )));
    }
    // SAFETY: a fresh descriptor we own.
    Ok(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) })
}

/// A read-write bind of `src` at `dst`.
fn bind_fd(layout: &mut Layout, src: &Path, dst: &Path) -> io::Result<()> {
    bind_fd_as(layout, "--bind", src, dst)
}

/// Binds `src` (a real directory, opened now without following links) at `dst`. As root the
/// step's bubblewrap runs as [`SANDBOX_UID`], which may not be able to reach `src` (a prefix
/// under `/root`): `src` is then bind-mounted first, by us, still root, in a private mount
/// namespace, on a staging directory of the work dir that uid can reach, and bubblewrap binds
/// that (see [`wrap`]). bubblewrap 0.8's `--bind-fd` resolves the descriptor's path again, so it
/// does not help here.
fn bind_fd_as(layout: &mut Layout, op: &str, src: &Path, dst: &Path) -> io::Result<()> {
    let fd = open_dir(src)?;
    let from = match &layout.stage_dir {
        Some(dir) => {
            let at = dir.join(layout.staged.len().to_string());
            std::fs::create_dir(&at)?;
            let c = |p: &Path| {
                std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(p.as_os_str()))
                    .map_err(io::Error::other)
            };
            // By path: a descriptor opened before the mount namespace is unshared names a mount
            // of the old namespace, which cannot be bound in the new one. No step runs while we
            // set up, so the path checked here is the path mounted.
            layout.staged.push((c(src)?, c(&at)?));
            at
        }
        None => src.to_path_buf(),
    };
    push(&mut layout.args, op, from, dst);
    layout.fds.push(fd);
    Ok(())
}

/// The parts of the work dir a step sees: `writable` and `readonly` directories, each at its
/// own path. Nothing else of the work dir is visible, so a step cannot plant a link where we
/// write later (the stubs, the `.deb` copy, the test prefix).
#[derive(Debug, Clone, Default)]
pub struct WorkBinds {
    /// Bound read-write.
    pub writable: Vec<PathBuf>,
    /// Bound read-only.
    pub readonly: Vec<PathBuf>,
    /// Bound read-write at `/tmp` of a maintainer step instead of a fresh tmpfs: one directory
    /// per lifecycle, so what `rules install` leaves in /tmp is still there for `uninstall` and
    /// `postrm`, as on a server.
    pub tmp: Option<PathBuf>,
}

fn bind_work(layout: &mut Layout, work: &WorkBinds) -> io::Result<()> {
    for p in &work.readonly {
        bind_fd_as(layout, "--ro-bind", p, p)?;
    }
    for p in &work.writable {
        bind_fd(layout, p, p)?;
    }
    Ok(())
}

/// Arguments for `rules build` / `rules package`: host read-only, `work`'s directories bound,
/// cwd `cwd`.
pub fn build_args(work: &WorkBinds, cwd: &Path, network: bool, stage: &Path) -> io::Result<Layout> {
    let mut layout = Layout::new(stage)?;
    common(&mut layout.args, false, network);
    push(&mut layout.args, "--ro-bind", "/", "/");
    devices(&mut layout.args);
    bind_work(&mut layout, work)?;
    layout.args.push("--chdir".into());
    layout.args.push(cwd.into());
    Ok(layout)
}

/// The root assembled for a step, and the links created in the prefix.
#[derive(Debug, Default)]
pub struct Layout {
    /// bubblewrap arguments (before `--` and the command).
    pub args: Vec<OsString>,
    /// Links to host entries created in the prefix, for [`cleanup`].
    pub mountpoints: Vec<PathBuf>,
    /// Descriptors of the bound directories, kept open until bubblewrap has started.
    pub fds: Vec<OwnedFd>,
    /// As root: where the bound directories are staged (a fresh dir of the work dir).
    pub stage_dir: Option<PathBuf>,
    /// As root: (a bound directory, its staging dir), mounted by [`wrap`].
    pub staged: Vec<(std::ffi::CString, std::ffi::CString)>,
}

impl Layout {
    /// An empty layout staging its binds under `stage` when we are root (`stage` must not exist;
    /// it is created, mode 0711, so the sandbox uid can reach the staging dirs).
    pub fn new(stage: &Path) -> io::Result<Layout> {
        let mut layout = Layout::default();
        if nix::unistd::Uid::effective().is_root() {
            if stage.symlink_metadata().is_ok() {
                super::safe_fs::remove_tree(stage)?;
            }
            std::fs::create_dir(stage)?;
            std::fs::set_permissions(stage, std::os::unix::fs::PermissionsExt::from_mode(0o711))?;
            layout.stage_dir = Some(stage.to_path_buf());
        }
        Ok(layout)
    }
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
pub fn install_layout(
    prefix: &Path,
    work: &WorkBinds,
    opaque: &[PathBuf],
    network: bool,
    stage: &Path,
) -> io::Result<Layout> {
    let mut layout = Layout::new(stage)?;
    match fill(prefix, work, opaque, network, &mut layout) {
        Ok(()) => Ok(layout),
        Err(e) => {
            cleanup(prefix, &layout.mountpoints);
            Err(e)
        }
    }
}

fn fill(
    prefix: &Path,
    work: &WorkBinds,
    opaque: &[PathBuf],
    network: bool,
    layout: &mut Layout,
) -> io::Result<()> {
    common(&mut layout.args, true, network);
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
            bind_fd(layout, &m, &h)?;
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
            bind_fd(layout, &entry.path(), &Path::new("/").join(&name))?;
        }
    }
    match &work.tmp {
        Some(tmp) => {
            devices_but_tmp(&mut layout.args);
            bind_fd(layout, tmp, Path::new("/tmp"))?;
        }
        None => devices(&mut layout.args),
    }
    bind_work(layout, work)?;
    layout.args.push("--chdir".into());
    layout.args.push("/".into());
    Ok(())
}

/// Removes the links [`install_layout`] created in the prefix (and anything at those paths that
/// is an empty file or directory), deepest first, never through a symlink a step put on the way.
/// Anything else is left alone.
pub fn cleanup(prefix: &Path, mountpoints: &[PathBuf]) {
    for p in mountpoints.iter().rev() {
        let Ok(rel) = p.strip_prefix(prefix) else {
            continue;
        };
        let Some(parent) = rel.parent() else { continue };
        if super::links::link_on_path(prefix, parent).is_some() {
            continue;
        }
        let Ok(m) = p.symlink_metadata() else {
            continue;
        };
        if m.is_dir() || m.file_type().is_symlink() || (m.is_file() && m.len() == 0) {
            let _ = super::safe_fs::remove_beneath(prefix, rel);
        }
    }
}

/// Makes `cmd` (bubblewrap) start as [`SANDBOX_UID`] when we are root: no supplementary groups,
/// no capabilities, so the user namespace bubblewrap creates maps root inside to that uid.
pub fn drop_privileges(cmd: &mut Command) {
    if !nix::unistd::Uid::effective().is_root() {
        return;
    }
    let id = SANDBOX_UID;
    // SAFETY: setgroups, setgid and setuid are async-signal-safe syscalls.
    unsafe {
        cmd.pre_exec(move || {
            nix::unistd::setgroups(&[]).map_err(io::Error::from)?;
            nix::unistd::setgid(nix::unistd::Gid::from_raw(id)).map_err(io::Error::from)?;
            nix::unistd::setuid(nix::unistd::Uid::from_raw(id)).map_err(io::Error::from)?;
            Ok(())
        })
    };
}

/// `bwrap ARGS -- PROGRAM ARGS...` with `cmd`'s program, arguments and environment, started as
/// the sandbox uid (as root), with the descriptors of `layout` inherited.
pub fn wrap(cmd: &Command, layout: &Layout) -> io::Result<Command> {
    let bwrap = which::which("bwrap").map_err(|e| io::Error::other(format!("bwrap: {e}")))?;
    let mut out = Command::new(bwrap);
    out.args(&layout.args).arg("--").arg(cmd.get_program());
    out.args(cmd.get_args());
    out.current_dir("/");
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => out.env(k, v),
            None => out.env_remove(k),
        };
    }
    stage_mounts(&mut out, layout);
    drop_privileges(&mut out);
    Ok(out)
}

/// As root: makes `cmd` bind the staged directories of `layout` (see `bind_fd_as`) in a private
/// mount namespace before it drops its privileges.
pub fn stage_mounts(cmd: &mut Command, layout: &Layout) {
    if !layout.staged.is_empty() {
        let staged = layout.staged.clone();
        // SAFETY: unshare and mount are plain syscalls on C strings allocated before fork.
        unsafe {
            cmd.pre_exec(move || {
                use nix::mount::{MsFlags, mount};
                let none: Option<&std::ffi::CStr> = None;
                nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNS)?;
                mount(
                    none,
                    c"/",
                    none,
                    MsFlags::MS_REC | MsFlags::MS_PRIVATE,
                    none,
                )?;
                for (src, at) in &staged {
                    mount(
                        Some(src.as_c_str()),
                        at.as_c_str(),
                        none,
                        MsFlags::MS_BIND | MsFlags::MS_REC,
                        none,
                    )?;
                }
                Ok(())
            })
        };
    }
}

/// Before a step as root: gives the trees the step may write (`paths`) to the sandbox uid.
/// Without root the step runs as the invoking user, who owns them already.
pub fn hand_over(paths: &[&Path]) -> io::Result<()> {
    if !nix::unistd::Uid::effective().is_root() {
        return Ok(());
    }
    for p in paths {
        super::safe_fs::chown_tree(p, 0, outside_ids())?;
    }
    Ok(())
}

/// After a step as root: gives back to root what the sandbox uid owns under `paths`, so a prefix
/// left around belongs to the invoking user. Files with several hard links stay as they are
/// (their paths are returned).
pub fn take_back(paths: &[&Path]) -> io::Result<Vec<String>> {
    let mut skipped = Vec::new();
    if !nix::unistd::Uid::effective().is_root() {
        return Ok(skipped);
    }
    for p in paths {
        skipped.extend(super::safe_fs::chown_tree(p, SANDBOX_UID, (0, 0))?);
    }
    Ok(skipped)
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
            super::safe_fs::mkdir_all_beneath(prefix, Path::new(rel))?;
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
            super::safe_fs::mkdir_all_beneath(prefix, rel)?;
        }
    }
    Ok(())
}

/// Arguments for a step in a system (a copy of a Wazo-like root, see
/// [`super::rootfs::system`]): `system` bound read-write at `/`, a fresh `/dev` and `/proc`, the
/// system's own `/tmp` (it lasts from install to postrm, as on a server), `work`'s directories
/// at their own paths (their mount points are created in the system and listed in
/// [`Layout::mountpoints`] for [`cleanup`]), cwd `cwd`. `as_root_inside`: uid 0 inside (the
/// maintainer steps); otherwise the step keeps the caller's uid (or the sandbox uid as root), for
/// which the system's root-owned files are read-only, as for wazo-plugind's unprivileged build.
pub fn system_layout(
    system: &Path,
    work: &WorkBinds,
    cwd: &Path,
    as_root_inside: bool,
    network: bool,
    stage: &Path,
) -> io::Result<Layout> {
    let mut layout = Layout::new(stage)?;
    common(&mut layout.args, as_root_inside, network);
    bind_fd(&mut layout, system, Path::new("/"))?;
    for (op, p) in [
        ("--dev", "/dev"),
        ("--tmpfs", "/dev/shm"),
        ("--proc", "/proc"),
    ] {
        layout.args.push(op.into());
        layout.args.push(p.into());
    }
    for p in work.readonly.iter().chain(&work.writable) {
        let rel = p.strip_prefix("/").unwrap_or(p);
        let mut acc = PathBuf::new();
        for c in rel.components() {
            acc.push(c);
            if system.join(&acc).symlink_metadata().is_err() {
                layout.mountpoints.push(system.join(&acc));
            }
        }
        if let Err(e) = super::safe_fs::mkdir_all_beneath(system, rel) {
            cleanup(system, &layout.mountpoints);
            return Err(e);
        }
    }
    if let Err(e) = bind_work(&mut layout, work) {
        cleanup(system, &layout.mountpoints);
        return Err(e);
    }
    layout.args.push("--chdir".into());
    layout.args.push(cwd.into());
    Ok(layout)
}
