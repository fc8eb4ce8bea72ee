//! The namespaces without bubblewrap: the same sandbox as [`super::bwrap`], set up by hand with
//! `unshare(2)`, `mount(2)` and `pivot_root(2)` when `bwrap` is not installed.
//!
//! It reads the very argument list [`super::bwrap::Layout`] holds (`--ro-bind`, `--bind`,
//! `--symlink`, `--dev`, `--proc`, `--tmpfs`, `--chdir`, `--uid 0 --gid 0`, `--unshare-net`), so
//! both mechanisms assemble the same root. In the child, after fork (everything allocated
//! before): as root, drop to the sandbox uid (after staging unreachable binds, as for
//! bubblewrap); `unshare` a user, mount, PID, IPC, UTS and cgroup namespace (and network with
//! `--no-network`); map the uid; fork again so the step is PID 1 of its namespace (the middle
//! process only waits and passes the exit status on; both die with their parent through
//! `PR_SET_PDEATHSIG`); build the new root on a tmpfs, every read-only bind remounted read-only
//! with all its submounts; `pivot_root` into it and detach the old root; a new session (no
//! controlling terminal); every capability dropped, bounding set included, and
//! `PR_SET_NO_NEW_PRIVS`, so root inside cannot undo a read-only mount.

use std::ffi::{CStr, CString, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use nix::mount::{MntFlags, MsFlags, mount, umount2};

use super::bwrap::Layout;

fn cstr(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other)
}

fn inside(root: &Path, p: &Path) -> PathBuf {
    root.join(p.strip_prefix("/").unwrap_or(p))
}

/// Every ancestor of `p` below `root` and `p` itself, shortest first.
fn ancestors(root: &Path, p: &Path) -> io::Result<Vec<CString>> {
    let mut acc = root.to_path_buf();
    let mut out = Vec::new();
    for c in p.components() {
        if let Component::Normal(n) = c {
            acc.push(n);
            out.push(cstr(&acc)?);
        }
    }
    Ok(out)
}

#[derive(Debug)]
enum Op {
    /// Bind `src` on `dst` (a file or a directory); read-only binds list the submounts to
    /// remount read-only too.
    Bind {
        src: CString,
        dst: CString,
        dirs: Vec<CString>,
        file: Option<CString>,
        readonly: Option<Vec<CString>>,
    },
    Symlink {
        target: CString,
        dst: CString,
        dirs: Vec<CString>,
    },
    Tmpfs {
        dst: CString,
        dirs: Vec<CString>,
        opts: CString,
    },
    Proc {
        dst: CString,
        dirs: Vec<CString>,
    },
    Dev {
        dst: CString,
        dirs: Vec<CString>,
        nodes: Vec<(CString, CString)>,
        links: Vec<(CString, CString)>,
        pts: CString,
        shm: CString,
    },
}

/// Everything the child needs, allocated before fork.
#[derive(Debug)]
struct Plan {
    root: CString,
    ops: Vec<Op>,
    chdir: CString,
    uid_map: CString,
    gid_map: CString,
    flags: nix::sched::CloneFlags,
}

/// The host's mount points (from `/proc/self/mountinfo`), to remount the submounts of a
/// read-only recursive bind.
fn mount_points() -> io::Result<Vec<PathBuf>> {
    let text = std::fs::read_to_string("/proc/self/mountinfo")?;
    let mut out: Vec<PathBuf> = text
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(unescape)
        .collect();
    out.sort_by_key(|p| p.components().count());
    out.dedup();
    Ok(out)
}

/// mountinfo escapes space, tab, newline and backslash as `\ooo`.
fn unescape(s: &str) -> PathBuf {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    PathBuf::from(std::ffi::OsStr::from_bytes(&out))
}

const DEVICES: &[&str] = &["null", "zero", "full", "random", "urandom", "tty"];

fn plan(layout: &Layout, root: &Path) -> io::Result<Plan> {
    use nix::sched::CloneFlags;
    let mounts = mount_points()?;
    let mut flags = CloneFlags::CLONE_NEWUSER
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWIPC
        | CloneFlags::CLONE_NEWUTS;
    if Path::new("/proc/self/ns/cgroup").exists() {
        flags |= CloneFlags::CLONE_NEWCGROUP;
    }
    let (outer_uid, outer_gid) = super::isolation::outside_ids();
    let mut inner = (outer_uid, outer_gid);
    let mut ops = Vec::new();
    let mut chdir = PathBuf::from("/");
    let args: Vec<&OsString> = layout.args.iter().collect();
    let mut i = 0;
    let arg = |i: usize| -> io::Result<&Path> {
        args.get(i)
            .map(|a| Path::new(a.as_os_str()))
            .ok_or_else(|| io::Error::other("incomplete sandbox arguments"))
    };
    while i < args.len() {
        let a = args[i].to_string_lossy();
        match a.as_ref() {
            "--unshare-user"
            | "--unshare-pid"
            | "--unshare-ipc"
            | "--unshare-uts"
            | "--unshare-cgroup-try"
            | "--new-session"
            | "--die-with-parent" => i += 1,
            "--unshare-net" => {
                flags |= CloneFlags::CLONE_NEWNET;
                i += 1;
            }
            "--uid" => {
                inner.0 = arg(i + 1)?
                    .to_string_lossy()
                    .parse()
                    .map_err(io::Error::other)?;
                i += 2;
            }
            "--gid" => {
                inner.1 = arg(i + 1)?
                    .to_string_lossy()
                    .parse()
                    .map_err(io::Error::other)?;
                i += 2;
            }
            "--chdir" => {
                chdir = arg(i + 1)?.to_path_buf();
                i += 2;
            }
            "--bind" | "--ro-bind" => {
                let (src, dst) = (arg(i + 1)?, arg(i + 2)?);
                let target = inside(root, dst);
                let is_dir = src.metadata()?.is_dir();
                let readonly = (a == "--ro-bind").then(|| {
                    let mut subs = vec![cstr(&target)];
                    for m in &mounts {
                        if m != src
                            && m.starts_with(src)
                            && let Ok(rel) = m.strip_prefix(src)
                        {
                            subs.push(cstr(&target.join(rel)));
                        }
                    }
                    subs.into_iter().collect::<io::Result<Vec<_>>>()
                });
                let readonly = readonly.transpose()?;
                let (dirs, file) = if is_dir {
                    (ancestors(root, dst)?, None)
                } else {
                    (
                        ancestors(root, dst.parent().unwrap_or(Path::new("/")))?,
                        Some(cstr(&target)?),
                    )
                };
                ops.push(Op::Bind {
                    src: cstr(src)?,
                    dst: cstr(&target)?,
                    dirs,
                    file,
                    readonly,
                });
                i += 3;
            }
            "--symlink" => {
                let (target, dst) = (arg(i + 1)?, arg(i + 2)?);
                ops.push(Op::Symlink {
                    target: cstr(target)?,
                    dst: cstr(&inside(root, dst))?,
                    dirs: ancestors(root, dst.parent().unwrap_or(Path::new("/")))?,
                });
                i += 3;
            }
            "--tmpfs" => {
                let dst = arg(i + 1)?;
                let mode = if dst == Path::new("/tmp") || dst == Path::new("/dev/shm") {
                    "mode=1777"
                } else {
                    "mode=0755"
                };
                ops.push(Op::Tmpfs {
                    dst: cstr(&inside(root, dst))?,
                    dirs: ancestors(root, dst)?,
                    opts: CString::new(mode).map_err(io::Error::other)?,
                });
                i += 2;
            }
            "--proc" => {
                let dst = arg(i + 1)?;
                ops.push(Op::Proc {
                    dst: cstr(&inside(root, dst))?,
                    dirs: ancestors(root, dst)?,
                });
                i += 2;
            }
            "--dev" => {
                let dst = arg(i + 1)?;
                let t = inside(root, dst);
                let nodes = DEVICES
                    .iter()
                    .map(|d| Ok((cstr(&Path::new("/dev").join(d))?, cstr(&t.join(d))?)))
                    .collect::<io::Result<_>>()?;
                let links = [
                    ("/proc/self/fd", "fd"),
                    ("/proc/self/fd/0", "stdin"),
                    ("/proc/self/fd/1", "stdout"),
                    ("/proc/self/fd/2", "stderr"),
                    ("pts/ptmx", "ptmx"),
                ]
                .iter()
                .map(|(a, b)| Ok((cstr(Path::new(a))?, cstr(&t.join(b))?)))
                .collect::<io::Result<_>>()?;
                ops.push(Op::Dev {
                    dst: cstr(&t)?,
                    dirs: ancestors(root, dst)?,
                    nodes,
                    links,
                    pts: cstr(&t.join("pts"))?,
                    shm: cstr(&t.join("shm"))?,
                });
                i += 2;
            }
            other => {
                return Err(io::Error::other(format!(
                    "sandbox argument {other} is not supported without bubblewrap"
                )));
            }
        }
    }
    Ok(Plan {
        root: cstr(root)?,
        ops,
        chdir: cstr(&chdir)?,
        uid_map: CString::new(format!("{} {outer_uid} 1", inner.0)).map_err(io::Error::other)?,
        gid_map: CString::new(format!("{} {outer_gid} 1", inner.1)).map_err(io::Error::other)?,
        flags,
    })
}

fn errno(e: nix::errno::Errno) -> io::Error {
    io::Error::from_raw_os_error(e as i32)
}

fn write_file(path: &CStr, value: &CStr) -> io::Result<()> {
    // SAFETY: plain syscalls on valid C strings.
    unsafe {
        let fd = nix::libc::open(path.as_ptr(), nix::libc::O_WRONLY | nix::libc::O_CLOEXEC);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let b = value.to_bytes();
        let n = nix::libc::write(fd, b.as_ptr().cast(), b.len());
        nix::libc::close(fd);
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn mkdirs(dirs: &[CString]) {
    for d in dirs {
        // SAFETY: valid C string; EEXIST (or a read-only parent that has it) is fine, the
        // mount that follows fails if the directory is really missing.
        unsafe { nix::libc::mkdir(d.as_ptr(), 0o755) };
    }
}

fn touch(path: &CStr) {
    // SAFETY: valid C string.
    unsafe {
        let fd = nix::libc::open(
            path.as_ptr(),
            nix::libc::O_WRONLY | nix::libc::O_CREAT | nix::libc::O_CLOEXEC,
            0o644,
        );
        if fd >= 0 {
            nix::libc::close(fd);
        }
    }
}

/// Remounts `target` read-only, keeping the flags the kernel locks in a user namespace.
fn remount_ro(target: &CStr) -> io::Result<()> {
    use nix::sys::statvfs::{FsFlags, statvfs};
    let none: Option<&CStr> = None;
    let st = statvfs(target).map_err(errno)?;
    let f = st.flags();
    let mut flags = MsFlags::MS_REMOUNT | MsFlags::MS_BIND | MsFlags::MS_RDONLY;
    for (fs, ms) in [
        (FsFlags::ST_NOSUID, MsFlags::MS_NOSUID),
        (FsFlags::ST_NODEV, MsFlags::MS_NODEV),
        (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
        (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
        (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
        (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
    ] {
        if f.contains(fs) {
            flags |= ms;
        }
    }
    match mount(none, target, none, flags, none) {
        Ok(()) => Ok(()),
        // A submount we cannot reach or remount must at least be read-only already.
        Err(e) => match statvfs(target) {
            Ok(s) if s.flags().contains(FsFlags::ST_RDONLY) => Ok(()),
            Err(nix::errno::Errno::ENOENT) | Err(nix::errno::Errno::EACCES) => Ok(()),
            _ => Err(errno(e)),
        },
    }
}

fn build_root(p: &Plan) -> io::Result<()> {
    let none: Option<&CStr> = None;
    mount(
        none,
        c"/",
        none,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        none,
    )
    .map_err(errno)?;
    mount(
        Some(c"tmpfs"),
        p.root.as_c_str(),
        Some(c"tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
        Some(c"mode=0755"),
    )
    .map_err(errno)?;
    for op in &p.ops {
        match op {
            Op::Bind {
                src,
                dst,
                dirs,
                file,
                readonly,
            } => {
                mkdirs(dirs);
                if let Some(f) = file {
                    touch(f);
                }
                mount(
                    Some(src.as_c_str()),
                    dst.as_c_str(),
                    none,
                    MsFlags::MS_BIND | MsFlags::MS_REC,
                    none,
                )
                .map_err(errno)?;
                if let Some(subs) = readonly {
                    for s in subs {
                        remount_ro(s)?;
                    }
                }
            }
            Op::Symlink { target, dst, dirs } => {
                mkdirs(dirs);
                // SAFETY: valid C strings.
                if unsafe { nix::libc::symlink(target.as_ptr(), dst.as_ptr()) } != 0 {
                    let e = io::Error::last_os_error();
                    if e.raw_os_error() != Some(nix::libc::EEXIST) {
                        return Err(e);
                    }
                }
            }
            Op::Tmpfs { dst, dirs, opts } => {
                mkdirs(dirs);
                mount(
                    Some(c"tmpfs"),
                    dst.as_c_str(),
                    Some(c"tmpfs"),
                    MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
                    Some(opts.as_c_str()),
                )
                .map_err(errno)?;
            }
            Op::Proc { dst, dirs } => {
                mkdirs(dirs);
                mount(
                    Some(c"proc"),
                    dst.as_c_str(),
                    Some(c"proc"),
                    MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
                    none,
                )
                .map_err(errno)?;
            }
            Op::Dev {
                dst,
                dirs,
                nodes,
                links,
                pts,
                shm,
            } => {
                mkdirs(dirs);
                mount(
                    Some(c"tmpfs"),
                    dst.as_c_str(),
                    Some(c"tmpfs"),
                    MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
                    Some(c"mode=0755"),
                )
                .map_err(errno)?;
                for (host, at) in nodes {
                    touch(at);
                    mount(
                        Some(host.as_c_str()),
                        at.as_c_str(),
                        none,
                        MsFlags::MS_BIND,
                        none,
                    )
                    .map_err(errno)?;
                }
                for (target, at) in links {
                    // SAFETY: valid C strings.
                    unsafe { nix::libc::symlink(target.as_ptr(), at.as_ptr()) };
                }
                mkdirs(std::slice::from_ref(pts));
                mkdirs(std::slice::from_ref(shm));
                // A private devpts instance; without it the step simply has no new terminals.
                let _ = mount(
                    Some(c"devpts"),
                    pts.as_c_str(),
                    Some(c"devpts"),
                    MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
                    Some(c"newinstance,ptmxmode=0666,mode=620"),
                );
            }
        }
    }
    // Into the new root; the old one is detached (pivot_root(".", ".") stacks it on top).
    nix::unistd::chdir(p.root.as_c_str()).map_err(errno)?;
    nix::unistd::pivot_root(c".", c".").map_err(errno)?;
    umount2(c".", MntFlags::MNT_DETACH).map_err(errno)?;
    nix::unistd::chdir(c"/").map_err(errno)?;
    nix::unistd::chdir(p.chdir.as_c_str()).map_err(errno)?;
    Ok(())
}

fn drop_capabilities() -> io::Result<()> {
    for cap in 0..64 {
        // SAFETY: prctl with integer arguments; EINVAL past the last capability.
        unsafe { nix::libc::prctl(nix::libc::PR_CAPBSET_DROP, cap, 0, 0, 0) };
    }
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let header = Header {
        version: 0x2008_0522,
        pid: 0,
    };
    let data = [
        Data {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        },
        Data {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        },
    ];
    // SAFETY: capset with a version-3 header and two data structs, as the ABI wants.
    let rc = unsafe {
        nix::libc::syscall(
            nix::libc::SYS_capset,
            &header as *const Header,
            data.as_ptr(),
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: prctl with integer arguments.
    unsafe {
        nix::libc::prctl(
            nix::libc::PR_CAP_AMBIENT,
            nix::libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        );
        if nix::libc::prctl(nix::libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn enter(p: &Plan) -> io::Result<()> {
    nix::sched::unshare(p.flags).map_err(errno)?;
    write_file(c"/proc/self/setgroups", c"deny")?;
    write_file(c"/proc/self/uid_map", &p.uid_map)?;
    write_file(c"/proc/self/gid_map", &p.gid_map)?;
    // SAFETY: prctl with integer arguments.
    unsafe { nix::libc::prctl(nix::libc::PR_SET_PDEATHSIG, nix::libc::SIGKILL, 0, 0, 0) };
    // The middle process never execs, so it keeps the handlers the parent installed: a crate's
    // SIGCHLD handler writing to a self-pipe (closed below) would abort it when the step ends.
    for sig in [
        nix::libc::SIGCHLD,
        nix::libc::SIGINT,
        nix::libc::SIGTERM,
        nix::libc::SIGHUP,
        nix::libc::SIGPIPE,
    ] {
        // SAFETY: resetting a disposition to the default is async-signal-safe.
        unsafe { nix::libc::signal(sig, nix::libc::SIG_DFL) };
    }
    // SAFETY: fork in the single-threaded child of spawn; the middle process only makes
    // syscalls and exits.
    match unsafe { nix::unistd::fork() }.map_err(errno)? {
        nix::unistd::ForkResult::Parent { child } => {
            // Close everything but stdio: spawn's error pipe among them, so the parent sees the
            // step started.
            // SAFETY: close_range on our own descriptors.
            unsafe { nix::libc::syscall(nix::libc::SYS_close_range, 3u32, u32::MAX, 0u32) };
            let code = loop {
                match nix::sys::wait::waitpid(child, None) {
                    Ok(nix::sys::wait::WaitStatus::Exited(_, c)) => break c,
                    Ok(nix::sys::wait::WaitStatus::Signaled(_, s, _)) => break 128 + s as i32,
                    Ok(_) => continue,
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(_) => break 127,
                }
            };
            // SAFETY: leaving the middle process without running any destructor.
            unsafe { nix::libc::_exit(code) }
        }
        nix::unistd::ForkResult::Child => {
            // SAFETY: prctl with integer arguments.
            unsafe { nix::libc::prctl(nix::libc::PR_SET_PDEATHSIG, nix::libc::SIGKILL, 0, 0, 0) };
            build_root(p)?;
            nix::unistd::setsid().map_err(errno)?;
            drop_capabilities()
        }
    }
}

/// The command `cmd` (program, arguments, environment) to run in the sandbox `layout`
/// describes, set up by hand; `scratch` is a fresh directory of the work dir for the new root.
pub fn wrap(cmd: &Command, layout: &Layout, scratch: &Path) -> io::Result<Command> {
    if scratch.symlink_metadata().is_ok() {
        super::safe_fs::remove_tree(scratch)?;
    }
    std::fs::create_dir(scratch)?;
    std::fs::set_permissions(scratch, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let p = plan(layout, scratch)?;
    let mut out = Command::new(cmd.get_program());
    out.args(cmd.get_args()).current_dir("/");
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => out.env(k, v),
            None => out.env_remove(k),
        };
    }
    super::bwrap::stage_mounts(&mut out, layout);
    super::bwrap::drop_privileges(&mut out);
    // SAFETY: `enter` only makes syscalls on data prepared before fork (plus one fork).
    unsafe { out.pre_exec(move || enter(&p)) };
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn mountinfo_paths_are_unescaped() {
        assert_eq!(
            super::unescape("/mnt/a\\040b\\134c"),
            std::path::PathBuf::from("/mnt/a b\\c")
        );
    }
}
