//! Installing into and removing from a local prefix with dpkg, maintainer scripts included.
//!
//! With the overlay sandbox, dpkg runs inside a mount namespace whose `/` is the host's root
//! overlaid by the prefix: the package's files, dpkg's database (`/var/lib/dpkg`, made opaque so
//! the host's database is hidden) and whatever `rules install` writes all land in the prefix, and
//! the maintainer scripts find `/usr/lib/wazo-plugind/plugins/<ns>/<name>/wazo/rules` where they
//! expect it. The other isolations (bubblewrap, Landlock, none) are in `dpkg_run.rs`; this file
//! holds the prefix's preparation, snapshots and dpkg's file lists.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::run::Outcome;
use super::sandbox::{self, Isolation};
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
    let admin = prefix.join("var/lib/dpkg");
    std::fs::create_dir_all(admin.join("updates"))?;
    std::fs::create_dir_all(admin.join("info"))?;
    std::fs::create_dir_all(prefix.join("var/log"))?;
    std::fs::create_dir_all(prefix.join(scripts::BACKUP_DIR.trim_start_matches('/')))?;
    for f in [admin.join("status"), prefix.join("var/log/dpkg.log")] {
        if f.symlink_metadata().is_err() {
            std::fs::write(f, "")?;
        }
    }
    if isolation == Isolation::OverlayNamespace {
        sandbox::make_opaque(&admin)?;
    }
    Ok(())
}

/// A fingerprint per path of the prefix, without dpkg's own database and log.
pub fn snapshot(prefix: &Path) -> BTreeMap<String, (u32, u64, i64, i64)> {
    walkdir::WalkDir::new(prefix)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            let rel = e.path().strip_prefix(prefix).unwrap_or(e.path());
            rel != Path::new("var/lib/dpkg") && rel != Path::new("var/log/dpkg.log")
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
            // A directory changes whenever its entries do; one the host has is an overlay copy-up.
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
