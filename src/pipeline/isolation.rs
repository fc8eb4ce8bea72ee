//! Which confinement the steps get, best first: an overlay mount namespace (root), bubblewrap,
//! Landlock, or none.
//!
//! The environment variable `WAZO_PLUGIN_ISOLATION` (`overlay`, `bwrap`, `landlock` or `none`)
//! picks one mechanism instead of the best available, for tests and debugging; when the chosen
//! one does not work here the steps run unconfined.

use std::path::Path;
use std::process::{Command, Stdio};

/// How a step was confined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// Mount namespace with an overlay root (writes outside the allowed dirs land in a layer).
    OverlayNamespace,
    /// bubblewrap: the host read-only, the work dir writable; for the maintainer steps the
    /// prefix's directories are bound over the host's.
    Bubblewrap,
    /// Landlock: writes outside the work dir (and the prefix) are denied; nothing is redirected.
    Landlock,
    /// A plain child process: nothing stops a write outside the work dir.
    Unconfined,
}

impl Isolation {
    /// A short description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Isolation::OverlayNamespace => "mount namespace with an overlay of / (host unchanged)",
            Isolation::Bubblewrap => {
                "bubblewrap: the host read-only, the prefix bound over / for the maintainer steps (host unchanged)"
            }
            Isolation::Landlock => {
                "Landlock: writes outside the work dir and the prefix are denied (host unchanged); the prefix does not stand in for /"
            }
            Isolation::Unconfined => {
                "UNCONFINED: no namespace, bubblewrap or Landlock available, the steps could write anywhere"
            }
        }
    }

    /// True when the maintainer steps see the prefix as `/` (a write to `/etc/x` lands in
    /// `PREFIX/etc/x`).
    pub fn prefix_is_root(self) -> bool {
        matches!(self, Isolation::OverlayNamespace | Isolation::Bubblewrap)
    }

    /// The name `WAZO_PLUGIN_ISOLATION` takes.
    pub fn key(self) -> &'static str {
        match self {
            Isolation::OverlayNamespace => "overlay",
            Isolation::Bubblewrap => "bwrap",
            Isolation::Landlock => "landlock",
            Isolation::Unconfined => "none",
        }
    }
}

/// The environment variable that forces one mechanism.
pub const FORCE_ENV: &str = "WAZO_PLUGIN_ISOLATION";

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

/// Whether `bwrap` is on `PATH` and can create its namespaces here (unprivileged user
/// namespaces may be disabled).
pub fn bwrap_usable() -> bool {
    let Ok(bwrap) = which::which("bwrap") else {
        return false;
    };
    Command::new(bwrap)
        .args(["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"])
        .args(["--unshare-all", "--die-with-parent", "/bin/true"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn usable(isolation: Isolation, scratch: &Path) -> bool {
    match isolation {
        Isolation::OverlayNamespace => {
            super::sandbox::probe(scratch) == Isolation::OverlayNamespace
        }
        Isolation::Bubblewrap => bwrap_usable(),
        Isolation::Landlock => landlock_abi().is_some(),
        Isolation::Unconfined => true,
    }
}

/// The best isolation that works here (or the one `WAZO_PLUGIN_ISOLATION` names, when it works).
pub fn probe(scratch: &Path) -> Isolation {
    let order = [
        Isolation::OverlayNamespace,
        Isolation::Bubblewrap,
        Isolation::Landlock,
    ];
    if let Ok(forced) = std::env::var(FORCE_ENV)
        && let Some(&choice) = order
            .iter()
            .chain([Isolation::Unconfined].iter())
            .find(|i| i.key() == forced)
    {
        return if usable(choice, scratch) {
            choice
        } else {
            Isolation::Unconfined
        };
    }
    order
        .into_iter()
        .find(|&i| usable(i, scratch))
        .unwrap_or(Isolation::Unconfined)
}
