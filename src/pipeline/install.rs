//! Installing into and removing from a local prefix with dpkg, maintainer scripts included.
//!
//! The dpkg runs themselves are in `dpkg_run.rs`; this file holds the prefix's preparation, its
//! lock, the check of dpkg's state left by a killed run, snapshots and dpkg's file lists.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::run::Outcome;
use super::sandbox::Isolation;
use super::scripts;
use super::stubs::StubCall;

/// What to ask dpkg.
#[derive(Debug, Clone)]
pub enum Action {
    /// `dpkg -i <deb>`: install, or upgrade when already installed.
    Install(PathBuf),
    /// `dpkg -r <package>`.
    Remove(String),
    /// `dpkg -P <package>`.
    Purge(String),
}

/// The result of one dpkg run in the prefix.
#[derive(Debug, Clone)]
pub struct DpkgRun {
    /// How dpkg ended and its last output lines.
    pub outcome: Outcome,
    /// Service calls the maintainer scripts made (stubbed).
    pub calls: Vec<StubCall>,
    /// Paths (`/etc/...`) created, changed or deleted in the prefix, besides the package's own
    /// files and dpkg's database.
    pub changed: Vec<String>,
    /// False when the maintainer scripts were not run (no isolation).
    pub scripts_ran: bool,
    /// Paths outside the prefix a maintainer step was refused (bubblewrap, Landlock).
    pub denied: Vec<String>,
    /// What we changed after the step to keep the prefix safe (setuid bits cleared, FIFOs
    /// deleted...).
    pub warnings: Vec<String>,
}

/// Creates what dpkg needs in the prefix (`var/lib/dpkg/{status,updates,info}`, `var/log`) and
/// what a Wazo host has (`/var/lib/wazo-plugind/rules`, where prerm saves the rules file).
pub fn prepare_prefix(prefix: &Path, isolation: Isolation) -> std::io::Result<()> {
    let ours = [
        "var/lib/dpkg/updates/x",
        "var/lib/dpkg/info/x",
        "var/log/x",
        "var/lib/wazo-plugind/rules/x",
    ];
    if let Err((link, target)) = super::links::check_prefix(prefix, ours) {
        return Err(std::io::Error::other(format!(
            "{} is a symlink to {}: refusing to write through it, out of the prefix",
            link.display(),
            target.display()
        )));
    }
    let _ = isolation;
    use super::safe_fs::{mkdir_all_beneath, write_beneath};
    for d in [
        "var/lib/dpkg/updates",
        "var/lib/dpkg/info",
        "var/log",
        scripts::BACKUP_DIR.trim_start_matches('/'),
    ] {
        mkdir_all_beneath(prefix, Path::new(d))?;
    }
    for f in ["var/lib/dpkg/status", "var/log/dpkg.log"] {
        if prefix.join(f).symlink_metadata().is_err() {
            write_beneath(prefix, Path::new(f), b"", 0o644, false)?;
        }
    }
    Ok(())
}

/// The lock file in a prefix: held (flock) for the whole run.
pub const LOCK_FILE: &str = ".wazo-plugin.lock";

/// An exclusive lock on a prefix, released when dropped.
#[derive(Debug)]
pub struct PrefixLock {
    _lock: nix::fcntl::Flock<std::fs::File>,
}

/// Takes the lock of `prefix`, failing at once (`ErrorKind::WouldBlock`, with a message naming
/// the prefix) when another run holds it.
pub fn lock_prefix(prefix: &Path) -> std::io::Result<PrefixLock> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = prefix.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC | nix::libc::O_NONBLOCK)
        .mode(0o644)
        .open(&path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    match nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(PrefixLock { _lock: lock }),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Err(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            format!(
                "{} is in use by another wazo-plugin run (it holds {}); wait for it to finish",
                prefix.display(),
                path.display()
            ),
        )),
        Err((_, e)) => Err(std::io::Error::other(format!(
            "locking {}: {e}",
            path.display()
        ))),
    }
}

/// What `dpkg --audit` says about the prefix's database: empty when every package is fully
/// installed or removed. A run killed in the middle of dpkg leaves packages half-installed or
/// half-configured; going on would build on a broken state.
pub fn audit(prefix: &Path) -> std::io::Result<Vec<String>> {
    if prefix
        .join("var/lib/dpkg/status")
        .symlink_metadata()
        .is_err()
    {
        return Ok(Vec::new());
    }
    let Ok(dpkg) = which::which("dpkg") else {
        return Ok(Vec::new());
    };
    let out = std::process::Command::new(dpkg)
        .arg(format!("--root={}", prefix.display()))
        .args(["--force-not-root", "--audit"])
        .stdin(std::process::Stdio::null())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .map(|l| super::escape_control(l).into_owned())
        .collect();
    if !out.status.success() && lines.is_empty() {
        lines.push(
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .map(|l| super::escape_control(l).into_owned())
                .unwrap_or_else(|| "dpkg --audit failed".into()),
        );
    }
    Ok(lines)
}

/// A fingerprint per path of the prefix, without dpkg's own database and log.
pub fn snapshot(prefix: &Path) -> BTreeMap<String, (u32, u64, i64, i64)> {
    walkdir::WalkDir::new(prefix)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            let rel = e.path().strip_prefix(prefix).unwrap_or(e.path());
            rel != Path::new("var/lib/dpkg")
                && rel != Path::new("var/log/dpkg.log")
                && rel != Path::new(LOCK_FILE)
        })
        .flatten()
        .filter_map(|e| {
            let m = e.path().symlink_metadata().ok()?;
            let rel = e.path().strip_prefix(prefix).ok()?;
            let size = if m.is_dir() { 0 } else { m.size() };
            Some((
                format!("/{}", rel.display()),
                (m.mode(), size, m.mtime(), m.mtime_nsec()),
            ))
        })
        .collect()
}

/// The files dpkg lists for `package` in the prefix (`var/lib/dpkg/info/<package>.list`).
pub fn installed_list(prefix: &Path, package: &str) -> Vec<String> {
    std::fs::read_to_string(prefix.join(format!("var/lib/dpkg/info/{package}.list")))
        .map(|t| {
            t.lines()
                .filter(|l| *l != "/.")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn diff(
    before: &BTreeMap<String, (u32, u64, i64, i64)>,
    after: &BTreeMap<String, (u32, u64, i64, i64)>,
) -> Vec<String> {
    let mut out: Vec<String> = after
        .iter()
        .filter(|(k, v)| {
            let is_dir = v.0 & 0o170000 == 0o040000;
            // A directory changes whenever its entries do; one the host has was seeded for the sandbox.
            before.get(*k) != Some(v)
                && !(is_dir && (before.contains_key(*k) || Path::new(k).is_dir()))
        })
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(
        before
            .keys()
            .filter(|k| !after.contains_key(*k))
            .map(|k| format!("{k} (deleted)")),
    );
    out.sort();
    out
}

pub use super::dpkg_run::dpkg;
