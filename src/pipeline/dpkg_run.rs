//! Running dpkg on the prefix, in the way the isolation allows.
//!
//! - bubblewrap (namespaces, for every user): the prefix stands in for `/`; dpkg runs with its
//!   default paths and the maintainer scripts find the rules where wazo-plugind's scripts expect
//!   them.
//! - Landlock or no isolation, with `--unsafe-host`: `dpkg --root=PREFIX
//!   --force-script-chrootless`; after unpacking, the package's maintainer scripts are made to
//!   call `$DPKG_ROOT/usr/lib/wazo-plugind/...` (dpkg sets `DPKG_ROOT` to the prefix), then
//!   `--configure` runs them. Under Landlock every write outside the prefix and the work dir is
//!   denied (a rules script writing `/etc/...` fails, naming the path).
//! - Landlock or no isolation, without `--unsafe-host`: dpkg only unpacks and removes; the
//!   maintainer scripts are deleted before they could run on the host.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::install::{Action, DpkgRun, diff, installed_list, prepare_prefix, snapshot};
use super::run::{self, Exit, Outcome};
use super::sandbox::Isolation;
use super::stage::Work;
use super::stubs::Stubs;
use super::{Options, PipelineError, Progress, Step, bwrap, denied, landlock_jail, safe_fs};

const SCRIPTS: [&str; 3] = ["postinst", "prerm", "postrm"];

fn info_rel(package: &str, script: &str) -> PathBuf {
    PathBuf::from(format!("var/lib/dpkg/info/{package}.{script}"))
}

/// Makes the installed maintainer scripts of `package` find the rules under `$DPKG_ROOT`.
fn rebase_scripts(prefix: &Path, package: &str) -> std::io::Result<()> {
    for s in SCRIPTS {
        let rel = info_rel(package, s);
        let Ok(bytes) = safe_fs::read_beneath(prefix, &rel, 1 << 20) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes)
            .replace("\nRULEFILE=/", "\nRULEFILE=\"$DPKG_ROOT\"/")
            .replace("\nBACKUP=/", "\nBACKUP=\"$DPKG_ROOT\"/");
        safe_fs::write_beneath(prefix, &rel, text.as_bytes(), 0o755, true)?;
    }
    Ok(())
}

/// The `/tmp` of every maintainer step of this work dir (one `test` lifecycle), mode 1777 as
/// a server's.
fn lifecycle_tmp(work: &Work) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let tmp = work.subdir("lifecycle-tmp")?;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o1777))?;
    Ok(tmp)
}

fn drop_scripts(prefix: &Path, package: &str) {
    for s in SCRIPTS {
        let _ = safe_fs::remove_beneath(prefix, &info_rel(package, s));
    }
}

struct Runner<'a> {
    dpkg: PathBuf,
    work: &'a mut Work,
    prefix: &'a Path,
    stubs: &'a Stubs,
    opts: &'a Options,
    rooted: bool,
    denied: Vec<String>,
    warnings: Vec<String>,
}

impl Runner<'_> {
    /// One dpkg invocation with `args`, confined as the isolation allows.
    fn run(
        &mut self,
        args: &[&std::ffi::OsStr],
        step: Step,
        progress: &mut dyn Progress,
    ) -> Result<Outcome, PipelineError> {
        let io = |c: &str| PipelineError::io(step, c.to_string());
        let mut cmd = Command::new(&self.dpkg);
        cmd.env("PATH", self.stubs.path_env())
            .env("DEBIAN_FRONTEND", "noninteractive")
            .arg("--force-depends");
        if self.rooted {
            cmd.arg("--log=/var/log/dpkg.log");
        } else {
            cmd.arg(format!("--root={}", self.prefix.display()))
                .arg("--force-script-chrootless")
                .arg("--force-not-root")
                .arg(format!(
                    "--log={}",
                    self.prefix.join("var/log/dpkg.log").display()
                ));
        }
        cmd.args(args);
        let mut allowed = vec![self.work.root.clone()];
        let mut layout = None;
        match self.work.isolation {
            Isolation::Bubblewrap | Isolation::Namespaces => {
                let opaque = [PathBuf::from("/var/lib/dpkg")];
                let tmp = lifecycle_tmp(self.work).map_err(io("creating the steps' /tmp"))?;
                bwrap::hand_over(&[self.prefix, &self.stubs.log_dir, &tmp])
                    .map_err(io("handing the prefix to the sandbox uid"))?;
                let debs = self.work.subdir("debs").map_err(io("creating debs"))?;
                let binds = bwrap::WorkBinds {
                    writable: vec![self.stubs.log_dir.clone()],
                    readonly: vec![self.stubs.dir.clone(), debs],
                    tmp: Some(tmp),
                };
                // The caller's HOME may be unreadable for the sandbox uid (dpkg reads
                // ~/.dpkg.cfg): the lifecycle's /tmp instead.
                cmd.env("HOME", "/tmp");
                let stage = self.work.root.join("binds");
                let l =
                    bwrap::install_layout(self.prefix, &binds, &opaque, self.opts.network, &stage)
                        .map_err(io("setting up bubblewrap"))?;
                cmd = if self.work.isolation == Isolation::Bubblewrap {
                    bwrap::wrap(&cmd, &l)
                } else {
                    super::userns::wrap(&cmd, &l, &self.work.root.join("nsroot"))
                }
                .map_err(io("setting up the sandbox"))?;
                layout = Some(l);
            }
            Isolation::Landlock => {
                allowed.push(self.prefix.to_path_buf());
                let tmp = self.work.subdir("tmp").map_err(io("creating tmp"))?;
                cmd.env("TMPDIR", &tmp).current_dir("/");
                landlock_jail::confine(&mut cmd, &allowed).map_err(io("setting up Landlock"))?;
            }
            Isolation::Unconfined => {}
        }
        let scan = super::stage::work_confined_by_denial(self.work.isolation);
        let isolation = self.work.isolation;
        let found = &mut self.denied;
        let outcome = run::run(&mut cmd, self.opts.timeout, &mut |l| {
            progress.output(l);
            if scan {
                if isolation.namespaces() {
                    denied::scan_read_only(l, &allowed, found);
                } else {
                    denied::scan(l, &allowed, found);
                }
            }
        });
        if let Some(l) = layout {
            bwrap::cleanup(self.prefix, &l.mountpoints);
        }
        let reclaimed = reclaim(self.prefix, "prefix").map_err(io("taking the prefix back"))?;
        self.warnings.extend(reclaimed);
        outcome.map_err(io("starting dpkg"))
    }
}

/// After a maintainer step, before `tree` (the prefix or a system) is given back to root: chown
/// clears setuid bits silently, so they are cleared and reported first, with the FIFOs, sockets
/// and device nodes deleted; then the tree is taken back. Returns the warnings (`what` names
/// the tree in them).
pub(crate) fn reclaim(tree: &Path, what: &str) -> std::io::Result<Vec<String>> {
    let mut warnings = Vec::new();
    let stripped = safe_fs::make_safe(tree);
    for p in &stripped.setid {
        warnings.push(format!(
            "{}: setuid/setgid bit cleared in the {what}",
            super::escape_control(p)
        ));
    }
    for p in &stripped.special {
        warnings.push(format!(
            "{}: FIFO, socket or device node deleted from the {what}",
            super::escape_control(p)
        ));
    }
    for s in bwrap::take_back(&[tree])? {
        warnings.push(format!(
            "{}: has several hard links, left owned by the sandbox uid",
            super::escape_control(&s)
        ));
    }
    Ok(warnings)
}

/// The `.deb` to install, copied into the work dir's `debs` (the folder the steps see
/// read-only) unless it is there already: (the copy, its file name).
pub(crate) fn stage_deb(work: &Work, deb: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
    let name = deb
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("plugin.deb"));
    let copy = work.root.join("debs").join(&name);
    if deb != copy {
        safe_fs::copy_into(&work.root, &Path::new("debs").join(&name), deb)?;
    }
    Ok((copy, name))
}

fn hint(action: &Action, exit: &Exit, denied: &[String], isolation: Isolation) -> String {
    let base = match (action, exit) {
        (_, Exit::TimedOut(_)) => "a maintainer step hung; on a Wazo host it would block wazo-plugind's root worker forever".to_string(),
        (Action::Install(_), _) => "postinst runs `wazo/rules install`: make it succeed, and succeed again on upgrades".into(),
        (Action::Remove(_), _) => "prerm runs `wazo/rules uninstall` and postrm `wazo/rules postrm`: a failure blocks the removal".into(),
        (Action::Purge(_), _) => "postrm purge runs after remove deleted the rules backup (wazo-plugind only removes)".into(),
    };
    if denied.is_empty() {
        return base;
    }
    let why = match isolation {
        Isolation::Landlock => {
            "Landlock denied writes outside the prefix (it cannot make the prefix stand in for /; run as root or install bubblewrap to test rules that write to /etc)"
        }
        _ => {
            "bubblewrap denied writes to the host's own files and directories (only directories the prefix also has are writable)"
        }
    };
    format!("{why}: {}; {base}", denied.join(", "))
}

/// Runs dpkg on the prefix for `action`, confined as the isolation allows, with stubs first on
/// `PATH`. `package` names the package so its own files are left out of `changed`.
pub fn dpkg(
    work: &mut Work,
    prefix: &Path,
    step: Step,
    action: &Action,
    package: &str,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<DpkgRun, PipelineError> {
    if work.system.is_some() {
        return super::rootfs::steps::dpkg(work, step, action, package, opts, progress);
    }
    let dpkg = which::which("dpkg").map_err(|_| PipelineError::Invalid {
        step,
        message: "dpkg is not installed: install and uninstall need it".into(),
        hint: "run on Debian or Ubuntu, or use `package` only".into(),
    })?;
    let io = |c: &str| PipelineError::io(step, c.to_string());
    let isolation = work.isolation;
    prepare_prefix(prefix, isolation).map_err(io("preparing the prefix"))?;
    let stubs =
        Stubs::create_with(&work.root, &opts.stub_answers).map_err(io("writing the stubs"))?;
    let before = snapshot(prefix);
    let own_before = installed_list(prefix, package);
    let rooted = isolation.prefix_is_root();
    let scripts = isolation.runs_maintainer_steps() || opts.unsafe_host;
    let placed = if rooted {
        stubs
            .place_absolute(prefix, super::stubs::ABSOLUTE_BWRAP)
            .map_err(io("writing the stubs"))?
    } else {
        Vec::new()
    };
    if !scripts {
        drop_scripts(prefix, package);
    }
    if isolation.namespaces() && matches!(action, Action::Install(_)) {
        bwrap::seed_dirs(prefix, &work.pkgdir()).map_err(io("preparing the prefix"))?;
    }
    let mut runner = Runner {
        dpkg,
        work,
        prefix,
        stubs: &stubs,
        opts,
        rooted,
        denied: Vec::new(),
        warnings: Vec::new(),
    };
    let (shown, result) = match action {
        Action::Install(deb) => {
            let (copy, name) = stage_deb(runner.work, deb).map_err(io("copying the .deb"))?;
            if rooted {
                let r = runner.run(&["--install".as_ref(), copy.as_os_str()], step, progress);
                (format!("dpkg -i {}", name.display()), r)
            } else {
                let r = runner.run(&["--unpack".as_ref(), copy.as_os_str()], step, progress);
                let unpacked = r.as_ref().is_ok_and(|o| o.exit.success());
                if !scripts || !unpacked {
                    drop_scripts(prefix, package);
                    (format!("dpkg --unpack {}", name.display()), r)
                } else {
                    rebase_scripts(prefix, package)
                        .map_err(io("adapting the maintainer scripts"))?;
                    let r = runner.run(&["--configure".as_ref(), package.as_ref()], step, progress);
                    (format!("dpkg --configure {package}"), r)
                }
            }
        }
        Action::Remove(p) => (
            format!("dpkg -r {p}"),
            runner.run(&["--remove".as_ref(), p.as_ref()], step, progress),
        ),
        Action::Purge(p) => (
            format!("dpkg -P {p}"),
            runner.run(&["--purge".as_ref(), p.as_ref()], step, progress),
        ),
    };
    let denied = std::mem::take(&mut runner.denied);
    let warnings = std::mem::take(&mut runner.warnings);
    Stubs::remove_absolute(prefix, &placed);
    let outcome = result?;
    let calls = stubs.calls().map_err(io("reading the stub log"))?;
    let after = snapshot(prefix);
    let mut own = installed_list(prefix, package);
    own.extend(own_before);
    let changed = diff(&before, &after)
        .into_iter()
        .filter(|p| !own.iter().any(|o| o == p.trim_end_matches(" (deleted)")))
        .collect();
    if !outcome.exit.success() {
        return Err(PipelineError::StepFailed {
            step,
            command: shown,
            hint: hint(action, &outcome.exit, &denied, isolation),
            exit: outcome.exit,
            tail: outcome.tail,
        }
        .with_calls(calls));
    }
    if !denied.is_empty() {
        return Err(PipelineError::Invalid {
            step,
            message: format!(
                "`{shown}`: a maintainer script tried to write outside the prefix, denied by {} (the host was not changed): {}",
                isolation.key(),
                denied.join(", ")
            ),
            hint: hint(action, &outcome.exit, &denied, isolation),
        }
        .with_calls(calls));
    }
    let mut warnings = warnings;
    warnings.extend(outcome.complaints.warning(&shown));
    Ok(DpkgRun {
        outcome,
        calls,
        changed,
        scripts_ran: scripts,
        denied,
        warnings,
    })
}
