//! The commands: build, package, install, uninstall and the whole-lifecycle `test`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::install::{self, Action, DpkgRun};
use super::package::{self, PackageReport};
use super::sandbox::Isolation;
use super::stage::Work;
use super::{Options, PipelineError, Progress, Step, StepStatus};
use crate::plugin::package::PluginMeta;

/// What `build` did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The plugin's metadata.
    pub meta: PluginMeta,
    /// How the step was confined.
    pub isolation: Isolation,
    /// The work dir, when kept.
    pub work_dir: Option<PathBuf>,
    /// Problems that do not fail the build (commands that said they failed).
    pub warnings: Vec<String>,
}

/// What `install` did.
#[derive(Debug, Clone)]
pub struct InstallReport {
    /// The package built and installed.
    pub package: PackageReport,
    /// How the steps were confined.
    pub isolation: Isolation,
    /// The dpkg run.
    pub run: DpkgRun,
    /// Files dpkg installed, as paths inside the prefix.
    pub installed: Vec<String>,
}

/// What `uninstall` did.
#[derive(Debug, Clone)]
pub struct UninstallReport {
    /// The Debian package removed.
    pub package: String,
    /// How the steps were confined.
    pub isolation: Isolation,
    /// The dpkg run.
    pub run: DpkgRun,
    /// Whether the prefix is a Wazo-like root (made by `install --rootfs`) it ran in.
    pub in_root: bool,
}

/// What `test` found.
#[derive(Debug, Clone)]
pub struct TestReport {
    /// The package built.
    pub package: PackageReport,
    /// How the steps were confined.
    pub isolation: Isolation,
    /// Each dpkg step in order: installing, upgrading, removing, purging.
    pub steps: Vec<(Step, DpkgRun)>,
    /// Files dpkg installed.
    pub installed: Vec<String>,
    /// Paths in the prefix after removal and purge that were not there before the install.
    pub left_behind: Vec<String>,
    /// Problems that do not fail the test (a purge failure, audit findings).
    pub warnings: Vec<String>,
    /// What the report explains without counting it as a problem (the purge quirk).
    pub notes: Vec<String>,
    /// The work dir, when kept.
    pub work_dir: Option<PathBuf>,
    /// The plugins of the same tree that `depends` names, installed first (see
    /// [`super::tree`]), and those it names that the tree does not have.
    pub dependencies: super::tree::Plan,
    /// The dependencies installed, in order.
    pub installed_dependencies: Vec<super::tree::Installed>,
    /// With `--upgrade-from`: the old version, installed first, then upgraded.
    pub upgrade: Option<super::upgrade::Upgrade>,
}

/// What `test` does besides the plain lifecycle.
#[derive(Debug, Clone, Default)]
pub struct TestPlan {
    /// Install this old version first, then upgrade to the working tree's (`--upgrade-from`).
    pub upgrade_from: Option<super::upgrade::Source>,
}

/// Why the maintainer steps were skipped.
pub const NOT_RUN: &str = "no namespace sandbox available (bubblewrap missing or user namespaces disabled): the maintainer steps (rules install, uninstall, postrm) were NOT run; install bubblewrap, or pass --unsafe-host to run them on this host";

/// What `--unsafe-host` did.
pub const UNSAFE_RAN: &str = "--unsafe-host: the maintainer steps ran on this host without namespaces (at most Landlock's write rules)";

/// Refuses to install when a directory of the package is a symlink in the prefix: dpkg would
/// write through it, out of the prefix.
fn check_links(prefix: &Path, pkg: &PackageReport) -> Result<(), PipelineError> {
    super::links::check_prefix(prefix, pkg.files.iter().map(String::as_str)).map_err(
        |(link, target)| PipelineError::Invalid {
            step: Step::Installing,
            message: format!(
                "{} is a symlink to {}: installing would write through it, out of the prefix",
                link.display(),
                target.display()
            ),
            hint: "install into a prefix without symlinked directories (a new empty one)".into(),
        },
    )
}

fn is_host_dir(path: &str, mode: u32) -> bool {
    mode & 0o170000 == 0o040000 && Path::new(path).is_dir()
}

pub(crate) fn timed<T>(
    progress: &mut dyn Progress,
    step: Step,
    f: impl FnOnce(&mut dyn Progress) -> Result<T, PipelineError>,
) -> Result<T, PipelineError> {
    if let Some(signal) = super::run::interrupt_signal() {
        return Err(PipelineError::Interrupted { step, signal });
    }
    let start = Instant::now();
    progress.step_started(step);
    let result = f(progress);
    let status = if result.is_ok() {
        StepStatus::Ok
    } else {
        StepStatus::Failed
    };
    progress.step_finished(step, status, start.elapsed());
    result
}

/// Where the steps run: `None` against the host, `Some(dir)` in a system at `dir` (a copy of
/// the `--rootfs` root, made there when `dir` is empty; `Some(None)`: in the work dir).
pub(crate) type SystemAt<'a> = Option<Option<&'a Path>>;

pub(crate) fn system_at<'a>(opts: &Options, dir: Option<&'a Path>) -> SystemAt<'a> {
    opts.rootfs.as_ref().map(|_| dir)
}

/// Gives `work` its system (see [`SystemAt`]).
fn attach_system(work: &mut Work, opts: &Options, at: SystemAt) -> Result<(), PipelineError> {
    let Some(dir) = at else { return Ok(()) };
    let Some(root) = &opts.rootfs else {
        return Ok(());
    };
    if !work.isolation.namespaces() {
        return Err(PipelineError::Usage(format!(
            "--rootfs runs the steps in a Debian root, which needs namespaces, and this machine has {} only: install bubblewrap, or enable unprivileged user namespaces",
            work.isolation.key()
        )));
    }
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => work.root.join("system"),
    };
    use super::rootfs::system::System;
    let fail = |e: std::io::Error| {
        PipelineError::Invalid {
        step: Step::Extracting,
        message: format!("preparing the Wazo-like root in {}: {e}", dir.display()),
        hint: "remove the folder and try again; `wazo-plugin rootfs update` makes the cached root again".into(),
    }
    };
    let system = match System::open(&dir).map_err(fail)? {
        Some(s) => s,
        None if System::can_create(&dir) => System::create(root, &dir).map_err(fail)?,
        None => {
            return Err(PipelineError::Usage(format!(
                "{}: not empty and not a Wazo-like root made by wazo-plugin; give --prefix a new or empty folder (or one an `install --rootfs` made)",
                dir.display()
            )));
        }
    };
    work.system = Some(system);
    Ok(())
}

fn prepare(
    path: &Path,
    opts: &Options,
    at: SystemAt,
    progress: &mut dyn Progress,
) -> Result<(Work, PluginMeta), PipelineError> {
    let work = timed(progress, Step::Extracting, |p| {
        let mut work = Work::create(path, opts)?;
        if opts.keep_work {
            p.work_dir(&work.root);
        }
        attach_system(&mut work, opts, at)?;
        Ok(work)
    })?;
    let meta = package::read_meta(&work, path, progress)?;
    Ok((work, meta))
}

fn kept(work: &Work, opts: &Options) -> Option<PathBuf> {
    opts.keep_work.then(|| work.root.clone())
}

/// `build`: copy the plugin to a work dir and run `wazo/rules build` there.
pub fn build(
    path: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<BuildReport, PipelineError> {
    let (mut work, meta) = prepare(path, opts, system_at(opts, None), progress)?;
    let warnings = package::build(&mut work, opts, progress)?;
    Ok(BuildReport {
        meta,
        isolation: work.isolation,
        work_dir: kept(&work, opts),
        warnings,
    })
}

pub(crate) fn build_and_package(
    path: &Path,
    out_dir: Option<&Path>,
    opts: &Options,
    at: SystemAt,
    progress: &mut dyn Progress,
) -> Result<(Work, PackageReport), PipelineError> {
    let (mut work, meta) = prepare(path, opts, at, progress)?;
    let built = package::build(&mut work, opts, progress)?;
    let out = match out_dir {
        Some(o) => o.to_path_buf(),
        None => work.subdir("out").map_err(PipelineError::io(
            Step::Packaging,
            "creating the output dir",
        ))?,
    };
    let mut report = package::package(&mut work, &meta, &out, opts, progress)?;
    report.warnings.splice(0..0, built);
    Ok((work, report))
}

/// `package`: build, then package into `out_dir`.
pub fn package(
    path: &Path,
    out_dir: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<PackageReport, PipelineError> {
    build_and_package(path, Some(out_dir), opts, system_at(opts, None), progress).map(|(_, r)| r)
}

/// Refuses a prefix that is the current directory (`--prefix .`) or inside the plugin folder
/// `plugin`: dpkg would write the server's /etc and /usr into the folder being tested (and the
/// next build would copy them into the package). `prefix` need not exist yet.
pub fn refuse_prefix(prefix: &Path, plugin: Option<&Path>) -> Result<(), PipelineError> {
    // The nearest existing ancestor resolved (symlinks followed), the rest appended.
    let resolve = |p: &Path| {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut base = abs.as_path();
        let mut rest = Vec::new();
        loop {
            if let Ok(c) = base.canonicalize() {
                return rest.iter().rev().fold(c, |acc: PathBuf, r| acc.join(r));
            }
            match (base.parent(), base.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    base = parent;
                }
                _ => return abs,
            }
        }
    };
    let at = resolve(prefix);
    if std::env::current_dir().is_ok_and(|cwd| resolve(&cwd) == at) {
        return Err(PipelineError::Usage(format!(
            "--prefix {}: the current directory cannot be the prefix (dpkg would write /etc, /usr and /var here); give a new, empty directory",
            prefix.display()
        )));
    }
    if let Some(plugin) = plugin {
        let plugin = resolve(plugin);
        if at.starts_with(&plugin) {
            return Err(PipelineError::Usage(format!(
                "--prefix {}: inside the plugin folder {} (dpkg would write the server's files into the plugin, and the next build would package them); give a directory outside it",
                prefix.display(),
                plugin.display()
            )));
        }
    }
    Ok(())
}

fn checked_prefix(prefix: &Path, plugin: Option<&Path>) -> Result<PathBuf, PipelineError> {
    refuse_prefix(prefix, plugin)?;
    std::fs::create_dir_all(prefix)
        .map_err(PipelineError::io(Step::Installing, "creating the prefix"))?;
    let canon = prefix
        .canonicalize()
        .map_err(PipelineError::io(Step::Installing, "resolving the prefix"))?;
    if canon == Path::new("/") {
        return Err(PipelineError::Usage(
            "--prefix / would be the host itself; give a directory".into(),
        ));
    }
    // Again once it exists: a symlink on the way may lead into the plugin.
    refuse_prefix(&canon, plugin)?;
    Ok(canon)
}

/// Locks the prefix and refuses a dpkg state left half-done by a killed run.
fn claim_prefix(prefix: &Path, step: Step) -> Result<install::PrefixLock, PipelineError> {
    let lock = install::lock_prefix(prefix).map_err(|e| {
        if e.kind() == std::io::ErrorKind::WouldBlock {
            PipelineError::Invalid {
                step,
                message: e.to_string(),
                hint: "one run per prefix at a time".into(),
            }
        } else {
            PipelineError::Io {
                step,
                context: "locking the prefix".into(),
                source: e,
            }
        }
    })?;
    let problems =
        install::audit(prefix).map_err(PipelineError::io(step, "running dpkg --audit"))?;
    if !problems.is_empty() {
        return Err(PipelineError::Invalid {
            step,
            message: format!(
                "the dpkg database of {} is half-done (an earlier run was killed during dpkg?): {}",
                prefix.display(),
                problems.join(" / ")
            ),
            hint: "start over with a new prefix (or remove this one)".into(),
        });
    }
    Ok(lock)
}

/// `install`: build, package and `dpkg -i` into `prefix`.
pub fn install(
    path: &Path,
    prefix: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<InstallReport, PipelineError> {
    let prefix = checked_prefix(prefix, Some(path))?;
    let marked = super::rootfs::system::System::open(&prefix)
        .map_err(PipelineError::io(Step::Installing, "reading the prefix"))?;
    if marked.is_some() && opts.rootfs.is_none() {
        return Err(PipelineError::Usage(format!(
            "{} is a Wazo-like root made by `install --rootfs`: pass --rootfs to install into it",
            prefix.display()
        )));
    }
    // The system is made first: the lock file would make the folder look used.
    let (mut work, pkg) =
        build_and_package(path, None, opts, system_at(opts, Some(&prefix)), progress)?;
    let _lock = claim_prefix(&prefix, Step::Installing)?;
    if work.system.is_none() {
        check_links(&prefix, &pkg)?;
    }
    let name = pkg.meta.package_name();
    let in_root = work.system.is_some();
    let action = Action::Install(pkg.deb.clone());
    let run = timed(progress, Step::Installing, |p| {
        install::dpkg(
            &mut work,
            &prefix,
            Step::Installing,
            &action,
            &name,
            opts,
            p,
        )
    })
    .map_err(|e| with_missing_depends(e, &pkg.meta, in_root))?;
    let installed = install::installed_list(&prefix, &name);
    Ok(InstallReport {
        package: pkg,
        isolation: work.isolation,
        run,
        installed,
    })
}

/// The Debian package name for `NAMESPACE/NAME`, checked against wazo-plugind's patterns.
pub fn package_name_of(spec: &str) -> Result<String, PipelineError> {
    let usage = || {
        PipelineError::Usage(format!(
            "`{spec}`: expected NAMESPACE/NAME or a plugin folder"
        ))
    };
    let (ns, name) = spec.split_once('/').ok_or_else(usage)?;
    if crate::plugin::names::check_namespace(ns).is_some()
        || crate::plugin::names::check_name(name).is_some()
    {
        return Err(usage());
    }
    Ok(format!("wazo-plugind-{name}-{ns}"))
}

/// `uninstall`: `dpkg -r` of `package` in `prefix` (prerm remove, postrm remove), as
/// wazo-plugind's `apt-get remove`.
pub fn uninstall(
    package: &str,
    prefix: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<UninstallReport, PipelineError> {
    let prefix = checked_prefix(prefix, None)?;
    let _lock = claim_prefix(&prefix, Step::Removing)?;
    if install::installed_list(&prefix, package).is_empty() {
        return Err(PipelineError::Invalid {
            step: Step::Removing,
            message: format!("{package} is not installed in {}", prefix.display()),
            hint: "nothing to remove: check the prefix and the plugin's name".into(),
        });
    }
    let mut work = Work::scratch(opts)?;
    if opts.keep_work {
        progress.work_dir(&work.root);
    }
    // A prefix made by `install --rootfs` is a system: remove the package in it, as apt would.
    work.system = super::rootfs::system::System::open(&prefix)
        .map_err(PipelineError::io(Step::Removing, "reading the prefix"))?;
    if work.system.is_some() && !work.isolation.namespaces() {
        return Err(PipelineError::Usage(format!(
            "{} is a Wazo-like root: removing in it needs namespaces, and this machine has {} only: install bubblewrap, or enable unprivileged user namespaces",
            prefix.display(),
            work.isolation.key()
        )));
    }
    let action = Action::Remove(package.to_string());
    let run = timed(progress, Step::Removing, |p| {
        install::dpkg(
            &mut work,
            &prefix,
            Step::Removing,
            &action,
            package,
            opts,
            p,
        )
    })?;
    Ok(UninstallReport {
        package: package.to_string(),
        isolation: work.isolation,
        in_root: work.system.is_some(),
        run,
    })
}

/// `test`: build, package, install, install again, remove and purge in a throwaway prefix, then
/// report what the steps did and what was left behind. Dependencies found in the plugin's tree
/// are built and installed first.
pub fn test(
    path: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<TestReport, PipelineError> {
    test_with(path, &TestPlan::default(), opts, progress)
}

/// [`test`], with an upgrade from an old version when `plan` asks for one: the old version is
/// installed first, then the working tree's `.deb` over it (`upgrading`).
pub fn test_with(
    path: &Path,
    plan: &TestPlan,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<TestReport, PipelineError> {
    let (dependencies, mut old) = super::tree::before_test(path, plan, opts, progress)?;
    let built = super::tree::build(&dependencies, opts, progress)?;
    if !built.is_empty() || old.is_some() {
        progress.note("the plugin itself: building");
    }
    let (mut work, pkg) = build_and_package(path, None, opts, system_at(opts, None), progress)?;
    let prefix = match &work.system {
        Some(s) => s.path.clone(),
        None => work
            .subdir("prefix")
            .map_err(PipelineError::io(Step::Installing, "creating the prefix"))?,
    };
    let _lock = claim_prefix(&prefix, Step::Installing)?;
    if work.system.is_none() {
        check_links(&prefix, &pkg)?;
    }
    install::prepare_prefix(&prefix, work.isolation)
        .map_err(PipelineError::io(Step::Installing, "preparing the prefix"))?;
    let installed_dependencies = super::tree::install(&mut work, &prefix, built, opts, progress)?;
    let mut dependencies = dependencies;
    if work.system.is_some() {
        stand_in_missing(&mut work, &prefix, &mut dependencies, opts, progress)?;
    }
    let before = install::snapshot(&prefix);
    let name = pkg.meta.package_name();
    if let Some(o) = &old {
        let u = &o.upgrade;
        progress.note(&format!(
            "installing {} (old), then upgrading to {}",
            u.old_version, u.new_version
        ));
    } else if !installed_dependencies.is_empty() {
        progress.note("the plugin itself: installing");
    }
    let mut steps = Vec::new();
    let mut installed = Vec::new();
    let mut warnings = pkg.warnings.clone();
    let deb = Action::Install(pkg.deb.clone());
    let in_root = work.system.is_some();
    let first = old
        .as_ref()
        .map_or_else(|| deb.clone(), |o| Action::Install(o.deb.clone()));
    for (step, action) in [
        (Step::Installing, &first),
        (Step::Upgrading, &deb),
        (Step::Removing, &Action::Remove(name.clone())),
    ] {
        let mark = super::upgrade::log_mark(&prefix);
        let run = timed(progress, step, |p| {
            install::dpkg(&mut work, &prefix, step, action, &name, opts, p)
        })
        .map_err(|e| with_missing_depends(e, &pkg.meta, in_root))?;
        if step == Step::Installing {
            installed = install::installed_list(&prefix, &name);
        }
        if step == Step::Upgrading
            && let Some(o) = old.as_mut()
        {
            o.after_upgrade(&prefix, mark, &name, &mut installed);
        }
        steps.push((step, run));
    }
    let purge = Action::Purge(name.clone());
    let mut notes = Vec::new();
    if let Some(signal) = super::run::interrupt_signal() {
        return Err(PipelineError::Interrupted {
            step: Step::Purging,
            signal,
        });
    }
    let start = Instant::now();
    progress.step_started(Step::Purging);
    let purged = install::dpkg(
        &mut work,
        &prefix,
        Step::Purging,
        &purge,
        &name,
        opts,
        progress,
    );
    let (status, result) = match purged {
        Ok(run) => (StepStatus::Ok, Ok(run)),
        Err(e) if purge_quirk(&e, &pkg.meta) => (StepStatus::Expected, Err(None)),
        Err(e) => (StepStatus::Failed, Err(Some(e))),
    };
    progress.step_finished(Step::Purging, status, start.elapsed());
    match result {
        Ok(run) => steps.push((Step::Purging, run)),
        Err(None) => notes.push(PURGE_QUIRK.into()),
        Err(Some(e)) => warnings.push(format!("purge failed (wazo-plugind only removes, but `apt-get purge` on a server would hit this): {e}")),
    }
    let after = install::snapshot(&prefix);
    let left_behind = match &work.system {
        // What the system's packages own (debian_depends stay installed, as apt leaves them)
        // and its own state are not the plugin's leftovers.
        Some(system) => {
            let packaged = system.packaged_paths();
            let work_root = work.root.display().to_string();
            after
                .keys()
                .filter(|k| {
                    !before.contains_key(*k)
                        && !packaged.contains(*k)
                        && !super::rootfs::system::is_churn(k)
                        && !k.starts_with(&work_root)
                        && k.as_str() != "/.wazo-plugin.lock"
                })
                .cloned()
                .collect()
        }
        // Directories the host has too (/etc, /usr/lib...) are seeded for the sandbox, not
        // leftovers.
        None => after
            .iter()
            .filter(|(k, v)| !before.contains_key(*k) && !is_host_dir(k, v.0))
            .map(|(k, _)| k.clone())
            .collect(),
    };
    for (step, run) in &steps {
        warnings.extend(run.warnings.iter().map(|w| format!("{}: {w}", step.name())));
    }
    if !work.isolation.runs_maintainer_steps() {
        warnings.push(if opts.unsafe_host {
            UNSAFE_RAN.into()
        } else {
            NOT_RUN.into()
        });
    }
    Ok(TestReport {
        package: pkg,
        isolation: work.isolation,
        steps,
        installed,
        left_behind,
        warnings,
        notes,
        work_dir: kept(&work, opts),
        dependencies,
        installed_dependencies,
        upgrade: old.map(|o| o.upgrade),
    })
}

/// In a root: installs an empty stand-in for each `depends` plugin the tree lacks, so that gdebi
/// can install the plugin as a server would once wazo-plugind fetched them (host mode needs none:
/// dpkg runs with `--force-depends`). Each is said in the plan's notes.
fn stand_in_missing(
    work: &mut Work,
    prefix: &Path,
    plan: &mut super::tree::Plan,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<(), PipelineError> {
    let dir = work.subdir("stand-in-debs").map_err(PipelineError::io(
        Step::Installing,
        "creating the stand-ins",
    ))?;
    for m in plan.missing.clone() {
        let Some((ns, name)) = m.id.split_once('/') else {
            continue;
        };
        let deb = super::rootfs::standins::plugin_stand_in(
            &dir,
            ns,
            name,
            opts.source_date_epoch.unwrap_or(0),
        )
        .map_err(PipelineError::io(
            Step::Installing,
            "making a stand-in package",
        ))?;
        let Some(deb) = deb else { continue };
        let package = format!("wazo-plugind-{name}-{ns}");
        progress.note(&format!("dependency {}: not in the tree, stood in", m.id));
        timed(progress, Step::Installing, |p| {
            install::dpkg(
                work,
                prefix,
                Step::Installing,
                &Action::Install(deb.clone()),
                &package,
                opts,
                p,
            )
        })?;
        plan.missing.retain(|x| x != &m);
        plan.notes.push(format!(
            "dependency {} (of {}): not in the tree; an empty package {package} stands in for it in the root, so that gdebi installs the plugin (wazo-plugind would fetch the real one from the market or git first)",
            m.id, m.wanted_by
        ));
    }
    Ok(())
}

/// The note for the purge of a plugin_format_version >= 1 plugin.
pub const PURGE_QUIRK: &str = "purging: `dpkg -P` failed, as it does for every plugin with plugin_format_version >= 1, and this is not the plugin's fault: wazo-plugind never purges (it removes), and the postrm wazo-plugind generates runs the rules backup on purge, which the removal has already deleted (`not found`). Nothing to fix; a server's `apt-get purge` would fail the same way";

/// True when a purge failed only because the rules backup is gone (see [`PURGE_QUIRK`]).
fn purge_quirk(e: &PipelineError, meta: &PluginMeta) -> bool {
    let backup = super::scripts::backup_path(meta);
    meta.plugin_format_version >= 1
        && matches!(e.inner(), PipelineError::StepFailed { tail, .. }
            if tail.iter().any(|l| l.contains(&backup) && l.contains("not found")))
}

/// `e` with a note naming the `debian_depends` the host lacks (host mode installs none; in a
/// root, `in_root`, they are installed and a missing one is named by the step's own error).
fn with_missing_depends(e: PipelineError, meta: &PluginMeta, in_root: bool) -> PipelineError {
    if !in_root
        && matches!(
            e.inner(),
            PipelineError::StepFailed { .. } | PipelineError::Invalid { .. }
        )
    {
        let missing = super::host::missing_debian_depends(&meta.debian_depends);
        e.with_note(super::host::missing_depends_note(&missing))
    } else {
        e
    }
}
