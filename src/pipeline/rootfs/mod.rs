//! A Wazo-like Debian root for one Wazo release, made once with mmdebstrap and cached.
//!
//! The root has the Debian suite of the release (`bookworm` for 25.15 and later), the packages
//! a Wazo server has and plugins rely on ([`Spec`]), and stand-ins for Wazo itself
//! ([`standins`]): empty packages for Wazo's own (so that a `Depends` on them resolves), the
//! services' conf.d folders, Asterisk's include folders, the system users, and recording
//! `systemctl`, `asterisk`, `wazo-auth-keys`, `wazo-plugind-cli`.
//!
//! Layout: `<cache>/wazo-plugin/rootfs/<release>/` holds `root/` (the tree) and
//! `metadata.json`; it is made in a temporary folder beside it and renamed into place, so a
//! half-made root is never used. With `--rootfs` the pipeline runs its steps in a copy of it
//! ([`system`], [`steps`]).

mod cache;
mod make;
pub mod sources;
pub mod spec;
pub mod standins;
pub mod steps;
pub mod system;

use std::path::{Path, PathBuf};

pub use cache::{Cached, clean, status, status_all};
pub use make::{cached_root, ensure, ensure_with};
pub use sources::AptSources;
pub use spec::Spec;
pub use standins::StoodIn;

use serde::{Deserialize, Serialize};

use crate::pipeline::stubs::StubCall;

/// How mmdebstrap gets the privileges to make a root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `--mode=root`: run as root.
    Root,
    /// `--mode=unshare`: a user namespace, for a normal user (needs /etc/subuid ranges).
    Unshare,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Root => "root",
            Mode::Unshare => "unshare",
        }
    }
}

/// Settings of [`ensure`], all given by the caller.
#[derive(Debug, Clone)]
pub struct Options {
    /// The mmdebstrap program (the CLI finds it on `PATH`).
    pub mmdebstrap: PathBuf,
    /// `Root` as root, `Unshare` otherwise.
    pub mode: Mode,
    /// The user's apt sources (the mirror is taken from them).
    pub sources: AptSources,
    /// Make it again even when a root is cached.
    pub force: bool,
    /// The time recorded as the root's date, in seconds since the epoch.
    pub now: u64,
}

/// What went wrong making, reading or removing a root.
#[derive(Debug, thiserror::Error)]
pub enum RootfsError {
    #[error(
        "mmdebstrap is not installed ({program}: {source}); install the Debian package mmdebstrap"
    )]
    NoMmdebstrap {
        program: String,
        source: std::io::Error,
    },
    #[error(
        "the Debian archive is unreachable ({mirror}): a root can only be made online\n{detail}"
    )]
    ArchiveUnreachable { mirror: String, detail: String },
    #[error("mmdebstrap failed ({status}):\n{detail}")]
    Mmdebstrap { status: String, detail: String },
    #[error("unknown Wazo release {0}")]
    UnknownRelease(String),
    #[error("{path}: {message}")]
    NotOurs { path: PathBuf, message: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

impl RootfsError {
    pub(crate) fn io(context: impl std::fmt::Display, source: std::io::Error) -> RootfsError {
        RootfsError::Io {
            context: context.to_string(),
            source,
        }
    }

    /// Whether making the root is impossible here (no tool, no archive, refused mode): the CLI
    /// exits 2 for these, 3 for the others.
    pub fn is_environment(&self) -> bool {
        !matches!(self, RootfsError::Io { .. })
    }
}

/// The version of what the tool puts in a root besides Debian's packages (the stand-ins): a root
/// cached with another one is made again.
pub const LAYOUT: u32 = 3;

/// What `metadata.json` records about a made root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// [`LAYOUT`] when it was made (0 for roots made before it was recorded).
    #[serde(default)]
    pub layout: u32,
    /// The Wazo release: `26.08`.
    pub release: String,
    /// The Debian suite: `bookworm`.
    pub suite: String,
    pub debian: u32,
    pub python: String,
    /// When it was made, seconds since the epoch.
    pub made_at: u64,
    /// How long making it took, in seconds.
    pub seconds: u64,
    /// The Debian packages asked for (`--include`).
    pub packages: Vec<String>,
    /// The apt sources it was made from.
    pub mirrors: Vec<String>,
    pub mode: Mode,
    /// `mmdebstrap --version`.
    pub mmdebstrap: String,
    pub stood_in: StoodIn,
}

/// A made root.
#[derive(Debug, Clone)]
pub struct Root {
    /// The tree: `<cache>/wazo-plugin/rootfs/<release>/root`.
    pub path: PathBuf,
    pub metadata: Metadata,
    /// Whether [`ensure`] made it now (false: it was cached).
    pub made: bool,
}

impl Root {
    /// One line for reports: which root the steps ran in and what it stands in for.
    pub fn describe(&self) -> String {
        let m = &self.metadata;
        let s = &m.stood_in;
        format!(
            "Wazo {} root (Debian {} {}, Python {}, /bin/sh is dash), copied for this run from {}: the steps see it as /, none of the host's files; stood in for Wazo: {} packages, commands {}, {} users, {} folders",
            m.release,
            m.debian,
            m.suite,
            m.python,
            self.path.display(),
            s.packages.len(),
            s.commands.join(", "),
            s.users.len(),
            s.folders.len()
        )
    }

    /// What the root stands in for, for the report.
    pub fn stood_in(&self) -> &StoodIn {
        &self.metadata.stood_in
    }

    /// The stand-in commands' log, on the host side.
    pub fn call_log(&self) -> PathBuf {
        self.path.join(standins::CALL_LOG.trim_start_matches('/'))
    }

    /// The calls the stand-in commands recorded.
    pub fn calls(&self) -> Result<Vec<StubCall>, RootfsError> {
        let log = self.call_log();
        let text = std::fs::read_to_string(&log).map_err(|e| RootfsError::io(log.display(), e))?;
        Ok(standins::parse_calls(&text))
    }
}

/// `<cache>/wazo-plugin/rootfs`: the folder the tool owns under the user's cache folder.
pub fn cache_root(cache_dir: &Path) -> PathBuf {
    cache_dir.join("wazo-plugin").join("rootfs")
}

/// `<cache>/wazo-plugin/rootfs/<release>`.
pub fn release_dir(cache_dir: &Path, release: &str) -> PathBuf {
    cache_root(cache_dir).join(release)
}

/// The metadata file's name in a release folder.
pub const METADATA: &str = "metadata.json";

/// A date as `YYYY-MM-DD HH:MM UTC` (seconds since the epoch).
pub fn format_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::format_date(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::format_date(1_796_083_200), "2026-12-01 00:00 UTC");
        assert_eq!(
            super::format_date(951_782_400 + 3661),
            "2000-02-29 01:01 UTC"
        );
    }
}
