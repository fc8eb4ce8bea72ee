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

fn prepare(
    path: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<(Work, PluginMeta), PipelineError> {
    let work = timed(progress, Step::Extracting, |_| Work::create(path, opts))?;
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
    let (mut work, meta) = prepare(path, opts, progress)?;
    package::build(&mut work, opts, progress)?;
    Ok(BuildReport {
        meta,
        isolation: work.isolation,
        work_dir: kept(&work, opts),
    })
}

pub(crate) fn build_and_package(
    path: &Path,
    out_dir: Option<&Path>,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<(Work, PackageReport), PipelineError> {
    let (mut work, meta) = prepare(path, opts, progress)?;
    package::build(&mut work, opts, progress)?;
    let out = match out_dir {
        Some(o) => o.to_path_buf(),
        None => work.subdir("out").map_err(PipelineError::io(
            Step::Packaging,
            "creating the output dir",
        ))?,
    };
    let report = package::package(&mut work, &meta, &out, opts, progress)?;
    Ok((work, report))
}

/// `package`: build, then package into `out_dir`.
pub fn package(
    path: &Path,
    out_dir: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<PackageReport, PipelineError> {
    build_and_package(path, Some(out_dir), opts, progress).map(|(_, r)| r)
}

fn checked_prefix(prefix: &Path) -> Result<PathBuf, PipelineError> {
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
    let prefix = checked_prefix(prefix)?;
    let _lock = claim_prefix(&prefix, Step::Installing)?;
    let (mut work, pkg) = build_and_package(path, None, opts, progress)?;
    check_links(&prefix, &pkg)?;
    let name = pkg.meta.package_name();
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
    })?;
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
    let prefix = checked_prefix(prefix)?;
    let _lock = claim_prefix(&prefix, Step::Removing)?;
    if install::installed_list(&prefix, package).is_empty() {
        return Err(PipelineError::Usage(format!(
            "{package} is not installed in {}",
            prefix.display()
        )));
    }
    let mut work = Work::scratch(opts)?;
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
    let (mut work, pkg) = build_and_package(path, None, opts, progress)?;
    let prefix = work
        .subdir("prefix")
        .map_err(PipelineError::io(Step::Installing, "creating the prefix"))?;
    let _lock = claim_prefix(&prefix, Step::Installing)?;
    check_links(&prefix, &pkg)?;
    install::prepare_prefix(&prefix, work.isolation)
        .map_err(PipelineError::io(Step::Installing, "preparing the prefix"))?;
    let installed_dependencies = super::tree::install(&mut work, &prefix, built, opts, progress)?;
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
        })?;
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
    match timed(progress, Step::Purging, |p| install::dpkg(&mut work, &prefix, Step::Purging, &purge, &name, opts, p)) {
        Ok(run) => steps.push((Step::Purging, run)),
        Err(e) => warnings.push(format!("purge failed (wazo-plugind only removes, but `apt-get purge` on a server would hit this): {e}")),
    }
    let after = install::snapshot(&prefix);
    // Directories the host has too (/etc, /usr/lib...) are seeded for the sandbox, not leftovers.
    let left_behind = after
        .iter()
        .filter(|(k, v)| !before.contains_key(*k) && !is_host_dir(k, v.0))
        .map(|(k, _)| k.clone())
        .collect();
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
        work_dir: kept(&work, opts),
        dependencies,
        installed_dependencies,
        upgrade: old.map(|o| o.upgrade),
    })
}
