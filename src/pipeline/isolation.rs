//! Which confinement the steps get: namespaces with bubblewrap (for every user, root included),
//! else the same namespaces set up by hand ([`super::userns`]), else Landlock for `build` and
//! `package` only, else none.
//!
//! The choice comes from [`super::Options::isolation`]: [`Choice::Auto`] takes the best that
//! works here, [`Choice::Only`] one mechanism (when it does not work here, the steps run
//! unconfined and the report says so). The library never reads the environment for it; the
//! command line maps `WAZO_PLUGIN_ISOLATION` to a [`Choice`].

use std::path::Path;
use std::process::{Command, Stdio};

/// How a step was confined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// bubblewrap: new user, mount, PID, IPC, UTS (and cgroup) namespaces, a fresh `/proc`, a
    /// minimal `/dev`, a private `/dev/shm`, a new session; the host read-only; root only inside
    /// the user namespace (as root, the steps run as [`SANDBOX_UID`] outside).
    Bubblewrap,
    /// The same namespaces set up by wazo-plugin itself ([`super::userns`]), when bubblewrap is
    /// not installed.
    Namespaces,
    /// Landlock only: writes outside the work dir are denied; processes, hostname, sysctls and the
    /// terminal are not confined, so the maintainer steps are refused (unless `--unsafe-host`).
    Landlock,
    /// A plain child process: nothing stops a write outside the work dir.
    Unconfined,
}

/// Which mechanism to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Choice {
    /// The best that works here.
    #[default]
    Auto,
    /// This one (unconfined when it does not work here).
    Only(Isolation),
}

/// The outside uid and gid the steps run as when wazo-plugin runs as root: a dedicated id no
/// account uses, so that root inside the user namespace is nobody outside (it cannot write
/// root's files through `/proc/sys`, signal root's processes or read root-only files).
pub const SANDBOX_UID: u32 = 2_147_483_392;

/// The (uid, gid) the steps run as outside their user namespace: [`SANDBOX_UID`] as root, else
/// the invoking user.
pub fn outside_ids() -> (u32, u32) {
    if nix::unistd::Uid::effective().is_root() {
        (SANDBOX_UID, SANDBOX_UID)
    } else {
        (
            nix::unistd::Uid::effective().as_raw(),
            nix::unistd::Gid::effective().as_raw(),
        )
    }
}

impl Isolation {
    /// The isolation line of reports: what is confined and what is shared with the host.
    pub fn describe(self, network: bool) -> String {
        self.describe_in(network, false)
    }

    /// [`Isolation::describe`], for steps that ran in a copy of the `--rootfs` root
    /// (`in_root`): they see that copy as `/`, no file of the host, and its own `/tmp`.
    pub fn describe_in(self, network: bool, in_root: bool) -> String {
        let (tmp, files) = if in_root {
            (
                "the root's own /tmp (it lasts from install to postrm)",
                "no host file: / is a copy of the Wazo-like root",
            )
        } else {
            (
                "private /dev/shm and /tmp",
                "host files read-only outside the work dir and the prefix",
            )
        };
        match self {
            Isolation::Bubblewrap | Isolation::Namespaces => {
                let who = if nix::unistd::Uid::effective().is_root() {
                    format!(
                        "root inside a user namespace, uid {SANDBOX_UID} outside (not root)"
                    )
                } else {
                    "your uid outside, root only inside a user namespace".to_string()
                };
                format!(
                    "{}: new user, mount, PID, IPC, UTS and cgroup namespaces{}, fresh /proc, minimal /dev, {tmp}, new session without the terminal; {who}; {files}; shared with the host: {}",
                    if self == Isolation::Bubblewrap {
                        "bubblewrap"
                    } else {
                        "namespaces (built in, no bubblewrap)"
                    },
                    if network { "" } else { ", no network" },
                    match (network, in_root) {
                        (true, false) => "the network, reading the files that uid can read",
                        (false, false) => "reading the files that uid can read",
                        (true, true) => "the network",
                        (false, true) => "nothing",
                    }
                )
            }
            Isolation::Landlock => {
                "Landlock only: file writes outside the work dir are denied (not chmod, chown or utime), but processes, hostname, sysctls, the terminal and the network are shared with the host; maintainer steps are refused without --unsafe-host".to_string()
            }
            Isolation::Unconfined => {
                "UNCONFINED: no bubblewrap (namespaces) or Landlock available, the steps could write anywhere".to_string()
            }
        }
    }

    /// True when the maintainer steps see the prefix as `/` (a write to `/etc/x` lands in
    /// `PREFIX/etc/x`).
    pub fn prefix_is_root(self) -> bool {
        self.namespaces()
    }

    /// True for the namespace sandboxes (bubblewrap, or built in).
    pub fn namespaces(self) -> bool {
        matches!(self, Isolation::Bubblewrap | Isolation::Namespaces)
    }

    /// True when the mechanism confines the maintainer steps well enough to run them without
    /// `--unsafe-host` (namespaces).
    pub fn runs_maintainer_steps(self) -> bool {
        self.namespaces()
    }

    /// The name `WAZO_PLUGIN_ISOLATION` takes (`bwrap`, `ns`, `landlock`, `none`).
    pub fn key(self) -> &'static str {
        match self {
            Isolation::Bubblewrap => "bwrap",
            Isolation::Namespaces => "ns",
            Isolation::Landlock => "landlock",
            Isolation::Unconfined => "none",
        }
    }

    /// The mechanism named `key` (`bwrap`, `landlock`, `none`).
    pub fn from_key(key: &str) -> Option<Isolation> {
        [
            Isolation::Bubblewrap,
            Isolation::Namespaces,
            Isolation::Landlock,
            Isolation::Unconfined,
        ]
        .into_iter()
        .find(|i| i.key() == key)
    }
}

/// The Landlock ABI version of the running kernel, or `None` when Landlock is not built in or
/// not enabled.
pub fn landlock_abi() -> Option<i32> {
    // SAFETY: landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) only returns the
    // ABI version (or -1 with errno); it reads no memory.
    let v = unsafe {
        nix::libc::syscall(
            nix::libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            1u32,
        )
    };
    (v > 0).then(|| i32::try_from(v).unwrap_or(i32::MAX))
}

/// Whether `bwrap` is on `PATH` and can create its namespaces here, as the steps will run it
/// (as [`SANDBOX_UID`] when we are root).
pub fn bwrap_usable() -> bool {
    let Ok(bwrap) = which::which("bwrap") else {
        return false;
    };
    let mut cmd = Command::new(bwrap);
    cmd.args(super::bwrap::probe_args())
        .arg("/bin/true")
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    super::bwrap::drop_privileges(&mut cmd);
    cmd.status().is_ok_and(|s| s.success())
}

/// Whether the built-in namespace sandbox works here: runs `/bin/true` in it once.
pub fn namespaces_usable() -> bool {
    let Ok(scratch) = tempfile::Builder::new()
        .prefix("wazo-plugin-probe-")
        .tempdir()
    else {
        return false;
    };
    if nix::unistd::Uid::effective().is_root() {
        let _ = std::fs::set_permissions(
            scratch.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o711),
        );
    }
    let Ok(layout) = super::bwrap::probe_layout(&scratch.path().join("binds")) else {
        return false;
    };
    let Ok(mut cmd) = super::userns::wrap(
        &Command::new("/bin/true"),
        &layout,
        &scratch.path().join("root"),
    ) else {
        return false;
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn usable(isolation: Isolation) -> bool {
    match isolation {
        Isolation::Bubblewrap => bwrap_usable(),
        Isolation::Namespaces => namespaces_usable(),
        Isolation::Landlock => landlock_abi().is_some(),
        Isolation::Unconfined => true,
    }
}

/// The isolation `choice` gives here.
pub fn resolve(choice: Choice) -> Isolation {
    match choice {
        Choice::Only(i) if usable(i) => i,
        Choice::Only(_) => Isolation::Unconfined,
        Choice::Auto => [
            Isolation::Bubblewrap,
            Isolation::Namespaces,
            Isolation::Landlock,
        ]
        .into_iter()
        .find(|&i| usable(i))
        .unwrap_or(Isolation::Unconfined),
    }
}

/// The best isolation that works here. `scratch` is unused (kept for callers that pass a dir).
pub fn probe(_scratch: &Path) -> Isolation {
    resolve(Choice::Auto)
}
