//! A system: a writable copy of a cached root that the steps of one run see as `/`.
//!
//! The cached root is never written: `test --rootfs` copies it into the work dir, `install
//! --rootfs --prefix DIR` into an empty `DIR` (and reuses a `DIR` it made before), `build` and
//! `package` into the work dir. The copy is a Wazo-like server for that run: dpkg's database, the
//! stand-in packages, apt's lists, a `/tmp` that lasts from install to postrm.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Metadata, Root};

/// The file marking a folder as a system this tool made, with the root it was copied from.
pub const MARKER: &str = "var/lib/wazo-plugin/system.json";

/// apt's download sandbox switches to the `_apt` user, which a user namespace mapping one uid
/// cannot do: downloads run as root inside instead (still the sandbox uid outside).
const APT_CONF: &str = "etc/apt/apt.conf.d/99wazo-plugin-sandbox";
const APT_CONF_TEXT: &str = "// Written by wazo-plugin: the steps run in a user namespace that maps one uid only.\nAPT::Sandbox::User \"root\";\n";

/// The CA bundle of Debian's ca-certificates, which Python, pip, curl and git read.
const HOST_CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The proxy settings passed from the caller's environment to the steps (a server behind the
/// same proxy has them too); nothing else of the environment is.
const PROXY_VARS: &[&str] = &[
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
];

/// The `PATH` of wazo-plugind's steps on a Debian server (systemd's default).
pub const SERVER_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Gives `cmd` a server's environment instead of the caller's: systemd's `PATH`, `LANG`, and
/// the proxy variables that are set.
pub fn server_env(cmd: &mut Command) {
    cmd.env_clear()
        .env("PATH", SERVER_PATH)
        .env("LANG", "C.UTF-8");
    for k in PROXY_VARS {
        if let Some(v) = std::env::var_os(k) {
            cmd.env(k, v);
        }
    }
}

/// Where a system is, and what it was copied from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    /// The copy, standing in for `/`.
    pub path: PathBuf,
    /// The Wazo release of the root it was copied from.
    pub release: String,
    /// Debian's version (12) and Python's (3.11) in it.
    pub debian: u32,
    pub python: String,
}

fn other(message: String) -> io::Error {
    io::Error::other(message)
}

/// Whether `dir` is missing or an empty directory.
fn is_empty_dir(dir: &Path) -> io::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

impl System {
    /// Copies `root` into `dest`, which must be missing or empty (nothing of the user's is
    /// overwritten), and marks it.
    pub fn create(root: &Root, dest: &Path) -> io::Result<System> {
        if !is_empty_dir(dest)? {
            return Err(other(format!(
                "{}: not empty and not a Wazo-like root made by wazo-plugin; give a new or empty folder",
                dest.display()
            )));
        }
        std::fs::create_dir_all(dest)?;
        // cp keeps owners, modes, hard links and extended attributes, and shares blocks where
        // the file system can (reflink): about a second for a 450 MB root. A normal user's root
        // (mmdebstrap --mode=unshare) is owned by the user's subordinate ids: it is copied in a
        // user namespace mapping them (util-linux's unshare --map-auto), and every file of the
        // copy is given to root there, which is the user outside, so the steps' one-uid
        // namespace sees a root-owned system.
        let mut cmd = if nix::unistd::geteuid().is_root() {
            let mut c = Command::new("cp");
            c.args(["-a", "--reflink=auto", "--no-target-directory"])
                .arg(&root.path)
                .arg(dest);
            c
        } else {
            let mut c = Command::new("unshare");
            c.args([
                "--map-root-user",
                "--map-auto",
                "sh",
                "-c",
                "cp -a --reflink=auto --no-target-directory \"$1\" \"$2\" && chown -hR 0:0 \"$2\"",
                "sh",
            ])
            .arg(&root.path)
            .arg(dest);
            c
        };
        let out = cmd
            .output()
            .map_err(|e| other(format!("running {:?}: {e}", cmd.get_program())))?;
        if !out.status.success() {
            let detail: Vec<&str> = std::str::from_utf8(&out.stderr)
                .unwrap_or("")
                .lines()
                .take(5)
                .collect();
            return Err(other(format!(
                "copying {} to {}: {}",
                root.path.display(),
                dest.display(),
                detail.join(" / ")
            )));
        }
        let system = System::of(dest, &root.metadata);
        system.settle()?;
        let marker = serde_json::json!({
            "release": root.metadata.release,
            "debian": root.metadata.debian,
            "python": root.metadata.python,
            "copied_from": root.path,
        });
        super::super::safe_fs::mkdir_all_beneath(dest, Path::new("var/lib/wazo-plugin"))?;
        super::super::safe_fs::write_beneath(
            dest,
            Path::new(MARKER),
            marker.to_string().as_bytes(),
            0o644,
            true,
        )?;
        Ok(system)
    }

    fn of(path: &Path, m: &Metadata) -> System {
        System {
            path: path.to_path_buf(),
            release: m.release.clone(),
            debian: m.debian,
            python: m.python.clone(),
        }
    }

    /// The system at `dir` when it carries the marker, `None` when it does not.
    pub fn open(dir: &Path) -> io::Result<Option<System>> {
        let bytes = match super::super::safe_fs::read_beneath(dir, Path::new(MARKER), 1 << 16) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| other(format!("{}: {e}", dir.join(MARKER).display())))?;
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        Ok(Some(System {
            path: dir.to_path_buf(),
            release: text("release"),
            debian: v
                .get("debian")
                .and_then(serde_json::Value::as_u64)
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(0),
            python: text("python"),
        }))
    }

    /// Whether [`System::create`] may copy a root into `dir` (missing or empty).
    pub fn can_create(dir: &Path) -> bool {
        is_empty_dir(dir).unwrap_or(false)
    }

    /// The system at `dir`: the one made there before, or a new copy of `root` when `dir` is
    /// missing or empty.
    pub fn open_or_create(root: &Root, dir: &Path) -> io::Result<System> {
        match System::open(dir)? {
            Some(s) => Ok(s),
            None => System::create(root, dir),
        }
    }

    /// What the copy must not keep from the cached root: device nodes (the steps get a fresh
    /// `/dev`), setuid and setgid bits (Debian's `su` or `passwd` setuid root in a folder of
    /// ours), apt's sandbox user.
    fn settle(&self) -> io::Result<()> {
        super::super::safe_fs::make_safe(&self.path);
        if nix::unistd::geteuid().is_root() {
            flatten_owners(&self.path)?;
        }
        super::super::safe_fs::write_beneath(
            &self.path,
            Path::new(APT_CONF),
            APT_CONF_TEXT.as_bytes(),
            0o644,
            true,
        )?;
        // The host's CA bundle: behind a TLS-intercepting proxy the host trusts the proxy's CA,
        // and a build's pip or curl in the root must too (a server there would have it).
        if let Ok(bundle) = std::fs::read(HOST_CA_BUNDLE) {
            super::super::safe_fs::write_beneath(
                &self.path,
                Path::new(HOST_CA_BUNDLE.trim_start_matches('/')),
                &bundle,
                0o644,
                true,
            )?;
        }
        Ok(())
    }

    /// The stand-in commands' log, on the host side.
    pub fn call_log(&self) -> PathBuf {
        self.path
            .join(super::standins::CALL_LOG.trim_start_matches('/'))
    }

    /// Every path that an installed package of the system lists (`/usr/lib/python3/...`), so
    /// that what a debian_depends package installed is not reported as left by the plugin.
    pub fn packaged_paths(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let Ok(entries) = std::fs::read_dir(self.path.join("var/lib/dpkg/info")) else {
            return out;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            if !name.to_string_lossy().ends_with(".list") {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(e.path()) {
                out.extend(text.lines().filter(|l| *l != "/.").map(str::to_string));
            }
        }
        out
    }
}

/// Gives root every entry of `root` another user owns (`_apt`'s download folder, a service
/// user's): the steps' user namespace maps one uid, so any other owner would be `nobody` inside
/// and its folders unwritable for root there.
fn flatten_owners(root: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        let m = entry.path().symlink_metadata()?;
        if m.uid() != 0 || m.gid() != 0 {
            std::os::unix::fs::lchown(entry.path(), Some(0), Some(0))?;
        }
    }
    Ok(())
}

/// Paths a Debian system changes by itself while installing anything (apt's and dpkg's state,
/// logs, caches): not reported as changed or left behind by the plugin.
pub fn is_churn(path: &str) -> bool {
    const CHURN: &[&str] = &[
        "/var/lib/dpkg",
        "/var/lib/apt",
        "/var/cache/apt",
        "/var/cache/debconf",
        "/var/cache/ldconfig",
        "/var/log/apt",
        "/var/log/dpkg.log",
        "/var/log/alternatives.log",
        "/var/log/wazo-plugin",
        "/var/lib/wazo-plugin",
        "/var/lib/python3/debian_cache",
        "/etc/ld.so.cache",
    ];
    let p = path.trim_end_matches(" (deleted)");
    CHURN
        .iter()
        .any(|c| p == *c || p.strip_prefix(c).is_some_and(|r| r.starts_with('/')))
        || p.contains("/__pycache__")
}

#[cfg(test)]
mod tests {
    #[test]
    fn churn_is_system_state_only() {
        assert!(super::is_churn("/var/lib/dpkg/status"));
        assert!(super::is_churn("/var/log/apt/term.log"));
        assert!(super::is_churn(
            "/usr/lib/python3/dist-packages/x/__pycache__/a.pyc (deleted)"
        ));
        assert!(!super::is_churn("/var/lib/dpkgx"));
        assert!(!super::is_churn("/etc/wazo-calld/conf.d/50-x.yml"));
        assert!(!super::is_churn("/var/log/asterisk/x"));
    }
}
