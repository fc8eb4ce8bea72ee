//! The Wazo-like root (src/pipeline/rootfs): made once per test run with mmdebstrap in a shared
//! folder under the target dir (a lock file makes parallel callers wait), then inspected. Skips
//! with a reason when mmdebstrap or the Debian archive is unreachable; fails instead under
//! WAZO_PLUGIN_TEST_STRICT=1. WAZO_PLUGIN_TEST_ROOTFS_REUSE=1 reuses a root made by an earlier run.

mod common;
#[path = "rootfs/pipeline.rs"]
mod pipeline;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use assert_cmd::cargo::CommandCargoExt;
use wazo_plugin::pipeline::rootfs::{
    self, AptSources, Mode, Options, Root, RootfsError, Spec, sources,
};

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

fn options(sources: AptSources, force: bool) -> Option<Options> {
    let mmdebstrap = match which::which("mmdebstrap") {
        Ok(p) => p,
        Err(_) => {
            skip("mmdebstrap is not installed");
            return None;
        }
    };
    Some(Options {
        mmdebstrap,
        mode: if is_root() { Mode::Root } else { Mode::Unshare },
        sources,
        force,
        now: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    })
}

fn skip(reason: &str) {
    assert!(
        !common::strict(),
        "{reason} (required when WAZO_PLUGIN_TEST_STRICT=1)"
    );
    eprintln!("skipped: {reason}");
}

fn shared_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("rootfs-cache")
}

/// The root of the newest release, made once for the whole run (or the skip reason).
fn root() -> Option<&'static Root> {
    static ROOT: OnceLock<Result<Root, String>> = OnceLock::new();
    let made = ROOT.get_or_init(|| {
        let reuse = std::env::var("WAZO_PLUGIN_TEST_ROOTFS_REUSE").is_ok_and(|v| v == "1");
        let Some(opts) = options(AptSources::read_dir(Path::new("/etc/apt")), !reuse) else {
            return Err("mmdebstrap is not installed".into());
        };
        let started = std::time::Instant::now();
        let r = rootfs::ensure(&Spec::newest(), &shared_cache(), &opts).map_err(|e| match e {
            RootfsError::ArchiveUnreachable { .. } | RootfsError::NoMmdebstrap { .. } => {
                format!("cannot make a root here: {e}")
            }
            RootfsError::Mmdebstrap { .. } if !is_root() => {
                format!(
                    "mmdebstrap --mode=unshare failed (user namespaces or subuids missing?): {e}"
                )
            }
            other => panic!("making the root failed: {other}"),
        });
        eprintln!(
            "making the root took {:.1} s",
            started.elapsed().as_secs_f64()
        );
        r
    });
    match made {
        Ok(r) => Some(r),
        Err(reason) => {
            skip(reason);
            None
        }
    }
}

/// Runs `args` inside the root: `chroot` as root, bubblewrap otherwise.
fn in_root(root: &Path, args: &[&str]) -> Output {
    let mut cmd = if is_root() {
        let mut c = Command::new("chroot");
        c.arg(root);
        c
    } else {
        let mut c = Command::new("bwrap");
        c.arg("--bind").arg(root).arg("/").args([
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--unshare-user",
            "--uid",
            "0",
            "--gid",
            "0",
        ]);
        c
    };
    cmd.args(args)
        .env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .env("LC_ALL", "C")
        .output()
        .expect("run in the root")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn bin_sh_is_dash() {
    let Some(r) = root() else { return };
    let target = std::fs::read_link(r.path.join("bin/sh")).expect("/bin/sh is a symlink");
    assert_eq!(target, Path::new("dash"));
    let o = in_root(&r.path, &["/bin/sh", "-c", "set -o pipefail"]);
    assert!(
        !o.status.success(),
        "pipefail worked under /bin/sh: {}",
        text(&o)
    );
    assert!(text(&o).contains("pipefail"), "{}", text(&o));
    let ok = in_root(&r.path, &["/bin/sh", "-c", "echo ok"]);
    assert_eq!(String::from_utf8_lossy(&ok.stdout), "ok\n");
}

#[test]
fn python3_but_no_python() {
    let Some(r) = root() else { return };
    assert_eq!(r.metadata.suite, "bookworm");
    let o = in_root(
        &r.path,
        &["/bin/sh", "-c", "command -v python; command -v python3"],
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), "/usr/bin/python3\n");
    let v = in_root(
        &r.path,
        &[
            "python3",
            "-c",
            "import sys, setuptools; print(sys.version_info[:2])",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&v.stdout),
        "(3, 11)\n",
        "{}",
        text(&v)
    );
}

#[test]
fn wazo_folders_users_and_stand_in_packages() {
    let Some(r) = root() else { return };
    assert!(r.path.join("etc/wazo-calld/conf.d").is_dir());
    assert!(r.path.join("etc/wazo-auth-keys/conf.d").is_dir());
    assert!(r.path.join("etc/asterisk/extensions_extra.d").is_dir());
    let o = Command::new("dpkg")
        .arg("--root")
        .arg(&r.path)
        .args(["-s", "wazo-calld"])
        .output()
        .expect("dpkg");
    let out = text(&o);
    assert!(out.contains("Status: install ok installed"), "{out}");
    assert!(
        out.contains(&format!("Version: {}", r.metadata.release)),
        "{out}"
    );
    let passwd = std::fs::read_to_string(r.path.join("etc/passwd")).expect("passwd");
    for user in ["asterisk", "wazo-calld", "wazo-auth"] {
        assert!(
            passwd.lines().any(|l| l.starts_with(&format!("{user}:"))),
            "{user} missing"
        );
    }
    let group = std::fs::read_to_string(r.path.join("etc/group")).expect("group");
    assert!(group.lines().any(|l| l.starts_with("asterisk:")));
    // The real tools are there too.
    for p in ["usr/bin/git", "usr/bin/fakeroot", "usr/bin/gdebi"] {
        assert!(r.path.join(p).exists(), "{p} missing");
    }
    let s = r.stood_in();
    assert!(s.packages.iter().any(|p| p.starts_with("wazo-calld ")));
    assert!(s.commands.iter().any(|c| c == "/usr/sbin/asterisk"));
}

#[test]
fn stand_in_commands_record_their_calls() {
    let Some(r) = root() else { return };
    let marker = format!("rootfs-test-{}", std::process::id());
    let o = in_root(
        &r.path,
        &[
            "/bin/sh",
            "-c",
            &format!(
                "systemctl restart {marker} && asterisk -rx 'dialplan reload' && wazo-auth-keys service update && wazo-plugind-cli -c list"
            ),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let calls: Vec<String> = r
        .calls()
        .expect("log")
        .iter()
        .map(|c| c.command_line())
        .collect();
    let at = calls
        .iter()
        .position(|c| *c == format!("systemctl restart {marker}"))
        .unwrap_or_else(|| panic!("not recorded: {calls:?}"));
    assert_eq!(
        calls[at..at + 4],
        [
            format!("systemctl restart {marker}"),
            "asterisk -rx 'dialplan reload'".to_string(),
            "wazo-auth-keys service update".to_string(),
            "wazo-plugind-cli -c list".to_string(),
        ]
    );
}

#[test]
fn apt_inside_the_root_knows_what_debian_12_lacks() {
    let Some(r) = root() else { return };
    let missing = in_root(&r.path, &["apt-get", "--simulate", "install", "python-jwt"]);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("Unable to locate package python-jwt"),
        "{}",
        text(&missing)
    );
    // The lists are there: the Debian 12 name resolves, so the failure above is about the name.
    let present = in_root(
        &r.path,
        &["apt-get", "--simulate", "install", "python3-jwt"],
    );
    assert!(present.status.success(), "{}", text(&present));
    // A Depends on a Wazo package resolves against the stand-in.
    let wazo = in_root(&r.path, &["apt-get", "--simulate", "install", "wazo-calld"]);
    assert!(
        text(&wazo).contains("wazo-calld is already the newest version"),
        "{}",
        text(&wazo)
    );
}

#[test]
fn status_shows_the_cached_root() {
    let Some(r) = root() else { return };
    let c = rootfs::status(&shared_cache(), &r.metadata.release)
        .expect("status")
        .expect("cached");
    assert_eq!(c.metadata, r.metadata);
    assert!(c.size > 50 * 1024 * 1024, "size {}", c.size);
    let out = Command::cargo_bin("wazo-plugin")
        .expect("bin")
        .args(["rootfs", "status"])
        .env("XDG_CACHE_HOME", shared_cache())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "Wazo {} (Debian 12 bookworm, Python 3.11): made ",
            r.metadata.release
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&c.dir.display().to_string()), "{stdout}");
}

#[test]
fn offline_is_a_typed_error_and_exit_2() {
    // A mirror nothing listens on: apt cannot fetch the lists.
    let unreachable = AptSources {
        sources: sources::parse_list("deb http://127.0.0.1:9/debian bookworm main\n"),
    };
    let Some(opts) = options(unreachable, true) else {
        return;
    };
    let cache = tempfile::tempdir().expect("tmp");
    match rootfs::ensure(&Spec::newest(), cache.path(), &opts) {
        Err(RootfsError::ArchiveUnreachable { mirror, .. }) => {
            assert_eq!(mirror, "http://127.0.0.1:9/debian")
        }
        Err(RootfsError::Mmdebstrap { detail, .. }) if !is_root() => skip(&format!(
            "mmdebstrap --mode=unshare does not run here: {detail}"
        )),
        other => panic!("expected ArchiveUnreachable, got {other:?}"),
    }
    // Nothing half-made is left, and nothing is reported as cached.
    assert!(rootfs::status_all(cache.path()).expect("status").is_empty());
    let leftovers: Vec<_> = std::fs::read_dir(rootfs::cache_root(cache.path()))
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with(".making-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn cli_exit_codes_without_a_root() {
    let cache = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str], path: Option<&str>| {
        let mut c = Command::cargo_bin("wazo-plugin").expect("bin");
        c.args(args).env("XDG_CACHE_HOME", cache.path());
        if let Some(p) = path {
            c.env("PATH", p);
        }
        c.output().expect("run")
    };
    let status = run(&["rootfs", "status"], None);
    assert_eq!(status.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&status.stdout).starts_with("no Wazo-like root is cached"));
    let unknown = run(&["rootfs", "update", "--wazo-version", "99.99"], None);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown Wazo release 99.99"));
    let no_tool = run(&["rootfs", "update"], Some("/nonexistent"));
    assert_eq!(no_tool.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_tool.stderr).contains("mmdebstrap is not installed"));
    let clean = run(&["rootfs", "clean"], None);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&clean.stdout),
        "nothing to remove\n"
    );
}
