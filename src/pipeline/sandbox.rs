//! Confinement of the steps: a private mount namespace whose root is an overlay of the host's `/`.
//!
//! The child sees the whole host read-only-in-effect: every write lands in the overlay's upper
//! directory instead of the host. For `build` and `package` the upper directory is a scratch dir
//! that must stay empty (anything in it is a write outside the work dir, reported by path); for
//! the maintainer steps it is the prefix, so a rules script that writes `/etc/asterisk/x.conf`
//! writes `PREFIX/etc/asterisk/x.conf`. The work dir (and the stubs in it) is bind-mounted at its
//! own path so it stays really writable; `/dev` and `/proc` are bound from the host; `/tmp` and
//! `/run` are fresh tmpfs. As root this needs nothing else; as another user a user namespace
//! maps the caller to root (kernel 5.11+ for overlay in a user namespace).

use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use nix::mount::{MsFlags, mount};
use nix::sched::{CloneFlags, unshare};
use nix::unistd::{Gid, Uid, chdir, chroot};

pub use super::isolation::Isolation;

/// Where the overlay lives and what stays really writable.
#[derive(Debug, Clone)]
pub struct OverlaySpec {
    /// Empty dir where the merged root is mounted (inside the work dir).
    pub mountpoint: PathBuf,
    /// Upper layer: receives every write to the overlaid root.
    pub upper: PathBuf,
    /// Overlay work dir: empty, same filesystem as `upper`.
    pub workdir: PathBuf,
    /// Host directories bound read-write at their own path inside (the work dir).
    pub binds: Vec<PathBuf>,
    /// Current directory of the child, inside.
    pub cwd: PathBuf,
}

fn cstr(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other)
}

fn inside(root: &Path, p: &Path) -> PathBuf {
    root.join(p.strip_prefix("/").unwrap_or(p))
}

/// Everything the child needs, allocated before fork.
struct Prepared {
    root: CString,
    overlay_opts: CString,
    dev: (CString, CString),
    proc_: (CString, CString),
    tmpfs: Vec<CString>,
    mkdirs: Vec<CString>,
    binds: Vec<(CString, CString)>,
    cwd: CString,
    as_root: bool,
    maps: [(CString, CString); 3],
}

/// The opaque-directory attribute name for the upper layer (trusted.* as root, user.* in a user
/// namespace mount with `userxattr`).
pub fn opaque_xattr_name() -> &'static str {
    if Uid::effective().is_root() {
        "trusted.overlay.opaque"
    } else {
        "user.overlay.opaque"
    }
}

/// Marks `dir` (in an upper layer) opaque so the host's directory of the same path is hidden.
pub fn make_opaque(dir: &Path) -> io::Result<()> {
    let path = cstr(dir)?;
    let name = CString::new(opaque_xattr_name()).map_err(io::Error::other)?;
    // SAFETY: both pointers are valid NUL-terminated strings; value is 1 byte long.
    let rc =
        unsafe { nix::libc::setxattr(path.as_ptr(), name.as_ptr(), b"y".as_ptr().cast(), 1, 0) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn prepare(spec: &OverlaySpec) -> io::Result<Prepared> {
    let root = &spec.mountpoint;
    let as_root = Uid::effective().is_root();
    let mut opts = format!(
        "lowerdir=/,upperdir={},workdir={}",
        spec.upper.display(),
        spec.workdir.display()
    );
    if !as_root {
        opts.push_str(",userxattr");
    }
    let mut mkdirs = Vec::new();
    for b in &spec.binds {
        // Ancestors first, so each mkdir has a parent (inside the fresh /tmp tmpfs when under /tmp).
        let mut acc = PathBuf::from("/");
        for c in b.components().skip(1) {
            acc.push(c);
            mkdirs.push(cstr(&inside(root, &acc))?);
        }
    }
    Ok(Prepared {
        root: cstr(root)?,
        overlay_opts: CString::new(opts).map_err(io::Error::other)?,
        dev: (cstr(Path::new("/dev"))?, cstr(&root.join("dev"))?),
        proc_: (cstr(Path::new("/proc"))?, cstr(&root.join("proc"))?),
        tmpfs: vec![cstr(&root.join("tmp"))?, cstr(&root.join("run"))?],
        mkdirs,
        binds: spec
            .binds
            .iter()
            .map(|b| Ok((cstr(b)?, cstr(&inside(root, b))?)))
            .collect::<io::Result<_>>()?,
        cwd: cstr(&spec.cwd)?,
        as_root,
        maps: [
            (c"/proc/self/setgroups".into(), c"deny".into()),
            (
                c"/proc/self/uid_map".into(),
                CString::new(format!("0 {} 1", Uid::effective())).map_err(io::Error::other)?,
            ),
            (
                c"/proc/self/gid_map".into(),
                CString::new(format!("0 {} 1", Gid::effective())).map_err(io::Error::other)?,
            ),
        ],
    })
}

fn write_proc(path: &CString, value: &CString) -> io::Result<()> {
    // SAFETY: plain syscalls on valid C strings; no allocation after fork.
    unsafe {
        let fd = nix::libc::open(path.as_ptr(), nix::libc::O_WRONLY);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let bytes = value.as_bytes();
        let n = nix::libc::write(fd, bytes.as_ptr().cast(), bytes.len());
        nix::libc::close(fd);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn enter(p: &Prepared) -> io::Result<()> {
    let none: Option<&std::ffi::CStr> = None;
    if p.as_root {
        unshare(CloneFlags::CLONE_NEWNS)?;
    } else {
        unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS)?;
        for (path, value) in &p.maps {
            write_proc(path, value)?;
        }
    }
    mount(
        none,
        c"/",
        none,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        none,
    )?;
    mount(
        Some(c"overlay"),
        p.root.as_c_str(),
        Some(c"overlay"),
        MsFlags::empty(),
        Some(p.overlay_opts.as_c_str()),
    )?;
    mount(
        Some(p.dev.0.as_c_str()),
        p.dev.1.as_c_str(),
        none,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        none,
    )?;
    mount(
        Some(p.proc_.0.as_c_str()),
        p.proc_.1.as_c_str(),
        none,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        none,
    )?;
    for t in &p.tmpfs {
        mount(
            Some(c"tmpfs"),
            t.as_c_str(),
            Some(c"tmpfs"),
            MsFlags::empty(),
            none,
        )?;
    }
    for d in &p.mkdirs {
        // SAFETY: valid C string; EEXIST is fine.
        unsafe { nix::libc::mkdir(d.as_ptr(), 0o755) };
    }
    for (src, dst) in &p.binds {
        mount(
            Some(src.as_c_str()),
            dst.as_c_str(),
            none,
            MsFlags::MS_BIND | MsFlags::MS_REC,
            none,
        )?;
    }
    chroot(p.root.as_c_str())?;
    chdir(p.cwd.as_c_str())?;
    Ok(())
}

/// Makes `cmd` start inside the overlay described by `spec`.
pub fn confine(cmd: &mut Command, spec: &OverlaySpec) -> io::Result<()> {
    for d in [&spec.mountpoint, &spec.upper, &spec.workdir] {
        std::fs::create_dir_all(d)?;
    }
    let prepared = prepare(spec)?;
    // SAFETY: `enter` only makes syscalls on data prepared before fork.
    unsafe { cmd.pre_exec(move || enter(&prepared)) };
    Ok(())
}

/// Whether the overlay namespace works here: tries it once with `/bin/true`.
pub fn probe(scratch: &Path) -> Isolation {
    let spec = OverlaySpec {
        mountpoint: scratch.join("probe-root"),
        upper: scratch.join("probe-upper"),
        workdir: scratch.join("probe-work"),
        binds: vec![scratch.to_path_buf()],
        cwd: PathBuf::from("/"),
    };
    let mut cmd = Command::new("/bin/true");
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let ok = confine(&mut cmd, &spec).is_ok() && cmd.status().is_ok_and(|s| s.success());
    for d in [&spec.mountpoint, &spec.upper, &spec.workdir] {
        let _ = force_remove(d);
    }
    if ok {
        Isolation::OverlayNamespace
    } else {
        Isolation::Unconfined
    }
}

/// Removes a tree, first making every directory in it accessible: overlayfs leaves a mode-000
/// `work/work` directory behind that `remove_dir_all` cannot enter as a non-root user.
pub fn force_remove(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if !path.exists() {
        return Ok(());
    }
    let dirs = walkdir::WalkDir::new(path).follow_links(false).into_iter();
    for entry in dirs.filter_entry(|e| {
        if e.file_type().is_dir() {
            let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o700));
        }
        true
    }) {
        let _ = entry;
    }
    std::fs::remove_dir_all(path)
}
