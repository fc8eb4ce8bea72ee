//! Installing into and removing from a local prefix with dpkg, maintainer scripts included.
//!
//! With the overlay sandbox, dpkg runs inside a mount namespace whose `/` is the host's root
//! overlaid by the prefix: the package's files, dpkg's database (`/var/lib/dpkg`, made opaque so
//! the host's database is hidden) and whatever `rules install` writes all land in the prefix, and
//! the maintainer scripts find `/usr/lib/wazo-plugind/plugins/<ns>/<name>/wazo/rules` where they
//! expect it. Without a sandbox, dpkg runs with `--root=PREFIX --force-script-chrootless` and only
//! unpacks: the maintainer scripts would run on the host, so they are skipped.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::run::{self, Exit, Outcome};
use super::sandbox::{self, Isolation};
use super::stage::Work;
use super::stubs::{StubCall, Stubs};
use super::{Options, PipelineError, Progress, Step, scripts};

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
}

/// Creates what dpkg needs in the prefix (`var/lib/dpkg/{status,updates,info}`, `var/log`) and
/// what a Wazo host has (`/var/lib/wazo-plugind/rules`, where prerm saves the rules file).
pub fn prepare_prefix(prefix: &Path, isolation: Isolation) -> std::io::Result<()> {
    let admin = prefix.join("var/lib/dpkg");
    std::fs::create_dir_all(admin.join("updates"))?;
    std::fs::create_dir_all(admin.join("info"))?;
    std::fs::create_dir_all(prefix.join("var/log"))?;
    std::fs::create_dir_all(prefix.join(scripts::BACKUP_DIR.trim_start_matches('/')))?;
    if !admin.join("status").exists() {
        std::fs::write(admin.join("status"), "")?;
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

fn diff(
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

fn package_of(action: &Action) -> Option<&str> {
    match action {
        Action::Install(_) => None,
        Action::Remove(p) | Action::Purge(p) => Some(p),
    }
}

/// Runs dpkg on the prefix for `action`, confined when possible, with stubs first on `PATH`.
/// `package` names the package so its own files are left out of `changed`.
pub fn dpkg(
    work: &mut Work,
    prefix: &Path,
    step: Step,
    action: &Action,
    package: &str,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<DpkgRun, PipelineError> {
    let dpkg = which::which("dpkg").map_err(|_| PipelineError::Invalid {
        step,
        message: "dpkg is not installed: install and uninstall need it".into(),
        hint: "run on Debian or Ubuntu, or use `package` only".into(),
    })?;
    let io = |c: &str| PipelineError::io(step, c.to_string());
    prepare_prefix(prefix, work.isolation).map_err(io("preparing the prefix"))?;
    let stubs = Stubs::create(&work.root.join("stubs")).map_err(io("writing the stubs"))?;
    let before = snapshot(prefix);
    let own_before = installed_list(prefix, package);
    let confined = work.isolation == Isolation::OverlayNamespace;
    let placed = if confined {
        stubs
            .place_absolute(prefix)
            .map_err(io("writing the stubs"))?
    } else {
        Vec::new()
    };
    let mut cmd = Command::new(&dpkg);
    cmd.env("PATH", stubs.path_env())
        .env("DEBIAN_FRONTEND", "noninteractive");
    cmd.arg("--force-depends");
    if confined {
        cmd.arg("--log=/var/log/dpkg.log");
        let spec = work.overlay(Some(prefix), Path::new("/"));
        sandbox::confine(&mut cmd, &spec).map_err(io("setting up the sandbox"))?;
    } else {
        cmd.arg(format!("--root={}", prefix.display()))
            .arg("--force-script-chrootless")
            .arg("--force-not-root")
            .arg(format!(
                "--log={}",
                prefix.join("var/log/dpkg.log").display()
            ));
        if let Some(p) = package_of(action) {
            // Without isolation the scripts would run on the host: drop them.
            for s in ["prerm", "postrm"] {
                let _ = std::fs::remove_file(prefix.join(format!("var/lib/dpkg/info/{p}.{s}")));
            }
        }
    }
    let shown = match action {
        Action::Install(deb) => {
            let inside = work.root.join("debs");
            std::fs::create_dir_all(&inside).map_err(io("copying the .deb"))?;
            let name = deb
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("plugin.deb"));
            let copy = inside.join(&name);
            if deb != &copy {
                std::fs::copy(deb, &copy).map_err(io("copying the .deb"))?;
            }
            cmd.arg(if confined { "--install" } else { "--unpack" })
                .arg(&copy);
            format!(
                "dpkg {} {}",
                if confined { "-i" } else { "--unpack" },
                name.display()
            )
        }
        Action::Remove(p) => {
            cmd.args(["--remove", p]);
            format!("dpkg -r {p}")
        }
        Action::Purge(p) => {
            cmd.args(["--purge", p]);
            format!("dpkg -P {p}")
        }
    };
    let outcome = run::run(&mut cmd, opts.timeout, &mut |l| progress.output(l));
    Stubs::remove_absolute(&placed);
    let outcome = outcome.map_err(io("starting dpkg"))?;
    let calls = stubs.calls().map_err(io("reading the stub log"))?;
    let after = snapshot(prefix);
    let mut own = installed_list(prefix, package);
    own.extend(own_before);
    let changed = diff(&before, &after)
        .into_iter()
        .filter(|p| !own.iter().any(|o| o == p.trim_end_matches(" (deleted)")))
        .collect();
    if !outcome.exit.success() {
        let hint = match (action, &outcome.exit) {
            (_, Exit::TimedOut(_)) => "a maintainer step hung; on a Wazo host it would block wazo-plugind's root worker forever".to_string(),
            (Action::Install(_), _) => "postinst runs `wazo/rules install`: make it succeed, and succeed again on upgrades".into(),
            (Action::Remove(_), _) => "prerm runs `wazo/rules uninstall` and postrm `wazo/rules postrm`: a failure blocks the removal".into(),
            (Action::Purge(_), _) => "postrm purge runs after remove deleted the rules backup (wazo-plugind only removes)".into(),
        };
        return Err(PipelineError::StepFailed {
            step,
            command: shown,
            exit: outcome.exit.clone(),
            tail: outcome.tail,
            hint,
        });
    }
    Ok(DpkgRun {
        outcome,
        calls,
        changed,
        scripts_ran: confined,
    })
}
