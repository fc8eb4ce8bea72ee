//! The `build` and `package` commands: rules build, rules package, staging as wazo-plugind does,
//! an audit of the staged tree, and the `.deb`.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::deb::{self, control};
use super::stage::{self, Work};
use super::{Options, PipelineError, Progress, Step, StepStatus, scripts};
use crate::plugin::package::PluginMeta;

/// What `package` produced.
#[derive(Debug, Clone)]
pub struct PackageReport {
    /// The plugin's metadata as packaged.
    pub meta: PluginMeta,
    /// The `.deb` written.
    pub deb: PathBuf,
    /// Files in the package, as installed paths (`/etc/...`), sorted.
    pub files: Vec<String>,
    /// Audit findings on the staged tree (warnings, the package is still written).
    pub warnings: Vec<String>,
    /// How `rules build` and `rules package` were confined.
    pub isolation: super::sandbox::Isolation,
}

/// Reads the plugin copy with the one loader and validates what the package will say
/// ([`crate::lint::package_gate`]); findings point at the plugin as the user named it
/// (`display`).
pub fn read_meta(
    work: &Work,
    display: &Path,
    progress: &mut dyn Progress,
) -> Result<PluginMeta, PipelineError> {
    let start = Instant::now();
    progress.step_started(Step::Validating);
    let plugin = crate::plugin::load::Plugin::load(&work.plugin, display);
    let result = crate::lint::package_gate::package_meta(&plugin)
        .map_err(|r| PipelineError::Metadata(Box::new(r)));
    finish(progress, Step::Validating, &result, start);
    result
}

/// Runs `wazo/rules build` in the work dir. Returns the warnings about it: commands that said
/// they failed in a step that exited 0 ([`super::complaints`]).
pub fn build(
    work: &mut Work,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Vec<String>, PipelineError> {
    let start = Instant::now();
    progress.step_started(Step::Building);
    let result = stage::run_rules(work, Step::Building, "build", &[], opts, progress)
        .map(|out| step_warnings(Step::Building, "wazo/rules build", &out));
    finish(progress, Step::Building, &result, start);
    result
}

/// The warnings about a step that succeeded: the complaints of its commands.
pub fn step_warnings(step: Step, command: &str, out: &super::run::Outcome) -> Vec<String> {
    out.complaints
        .warning(command)
        .map(|w| format!("{}: {w}", step.name()))
        .into_iter()
        .collect()
}

fn finish<T>(
    progress: &mut dyn Progress,
    step: Step,
    result: &Result<T, PipelineError>,
    start: Instant,
) {
    let status = if result.is_ok() {
        StepStatus::Ok
    } else {
        StepStatus::Failed
    };
    progress.step_finished(step, status, start.elapsed());
}

fn invalid(message: String, hint: &str) -> PipelineError {
    PipelineError::Invalid {
        step: Step::Packaging,
        message,
        hint: hint.into(),
    }
}

fn write_file(path: &Path, text: &str, mode: u32) -> Result<(), PipelineError> {
    let ctx = format!("writing {}", path.display());
    std::fs::write(path, text).map_err(PipelineError::io(Step::Packaging, ctx.clone()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(PipelineError::io(Step::Packaging, ctx))
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(std::io::Error::other)?;
        stage::refuse_special(entry.path(), entry.file_type(), "wazo/")?;
        let dest = to.join(
            entry
                .path()
                .strip_prefix(from)
                .map_err(std::io::Error::other)?,
        );
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest)?;
            std::fs::set_permissions(&dest, entry.path().metadata()?.permissions())?;
        } else if entry.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// Creates `base/rel` level by level, each level created made 0755 (not the caller's umask);
/// levels that exist keep their mode (a step made them).
fn mkdir_all_0755(base: &Path, rel: &Path) -> std::io::Result<()> {
    let mut at = base.to_path_buf();
    for part in rel.components() {
        at.push(part);
        match std::fs::create_dir(&at) {
            Ok(()) => std::fs::set_permissions(&at, std::fs::Permissions::from_mode(0o755))?,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Whether the file at `path` contains `needle`, read in chunks (constant memory).
fn file_contains(path: &Path, needle: &[u8]) -> bool {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    if needle.is_empty() {
        return false;
    }
    let Ok(mut f) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
        .open(path)
    else {
        return false;
    };
    let keep = needle.len() - 1;
    let mut buf = vec![0u8; 64 * 1024 + keep];
    let mut have = 0;
    loop {
        let n = match f.read(&mut buf[have..]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => n,
        };
        have += n;
        if buf[..have].windows(needle.len()).any(|w| w == needle) {
            return true;
        }
        let tail = have.min(keep);
        buf.copy_within(have - tail..have, 0);
        have = tail;
    }
}

const USUAL_PREFIXES: &[&str] = &["/etc/", "/usr/", "/var/lib/", "/opt/"];

/// The checks on what a plugin ships, run on the staged tree, which is exact where lint reads
/// the package arm (an archive unpacked, a generated file): what they find that the same checks
/// do not find from the rules script, as warnings.
fn staged_findings(work: &Work, pkgdir: &Path) -> Vec<String> {
    use crate::diagnostic::{Diagnostic, Severity};
    use crate::lint::{LintOptions, shipped};
    let plugin = crate::plugin::load::Plugin::load(&work.plugin, Path::new(""));
    let options = LintOptions::default();
    let found = |staged: Option<&crate::plugin::shipped::Shipped>| {
        let mut out: Vec<Diagnostic> = Vec::new();
        shipped::lint(&plugin, &options, staged, &mut out);
        out.retain(|d| d.severity >= Severity::Warning);
        out
    };
    let from_rules = found(None);
    let staged = crate::plugin::shipped::Shipped::from_staged(pkgdir);
    found(Some(&staged))
        .into_iter()
        .filter(|d| {
            !from_rules
                .iter()
                .any(|r| r.code == d.code && r.message == d.message)
        })
        .map(|d| {
            format!(
                "in the built package ({}): {} [{}]",
                d.severity, d.message, d.code
            )
        })
        .collect()
}

/// Audits the staged tree: unusual locations, modes, leaked work paths, emptiness.
fn audit(pkgdir: &Path, work_root: &Path, files: &[String], plugin_dir: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    let needle = work_root.to_string_lossy().into_owned();
    for f in files {
        let path = pkgdir.join(f.trim_start_matches('/'));
        let Ok(meta) = path.symlink_metadata() else {
            continue;
        };
        if !USUAL_PREFIXES.iter().any(|p| f.starts_with(p)) {
            warnings.push(format!(
                "{f}: installed outside /etc, /usr, /var/lib and /opt"
            ));
        }
        if !meta.file_type().is_symlink() && meta.mode() & 0o002 != 0 {
            warnings.push(format!("{f}: world-writable"));
        }
        if meta.mode() & 0o6000 != 0 {
            warnings.push(format!("{f}: setuid or setgid"));
        }
        if meta.is_file() && file_contains(&path, needle.as_bytes()) {
            warnings.push(format!("{f}: contains the build's work dir path {needle}, which will not exist on the server"));
        }
    }
    if files.iter().all(|f| f.starts_with(plugin_dir)) {
        warnings.push("the package installs nothing besides the plugin's own wazo/ folder: does `rules package` copy files into ${pkgdir}?".into());
    }
    warnings
}

fn installed_files(pkgdir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(pkgdir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == "DEBIAN"))
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            e.path()
                .strip_prefix(pkgdir)
                .ok()
                .map(|p| format!("/{}", p.display()))
        })
        .collect()
}

/// Runs `rules package` with `pkgdir`, stages the plugin and the control files, and writes
/// `<out_dir>/wazo-plugind-<name>-<ns>_<version>_all.deb`.
pub fn package(
    work: &mut Work,
    meta: &PluginMeta,
    out_dir: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<PackageReport, PipelineError> {
    let start = Instant::now();
    progress.step_started(Step::Packaging);
    let result = package_inner(work, meta, out_dir, opts, progress);
    finish(progress, Step::Packaging, &result, start);
    result
}

fn package_inner(
    work: &mut Work,
    meta: &PluginMeta,
    out_dir: &Path,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<PackageReport, PipelineError> {
    let pkgdir = work.pkgdir();
    if pkgdir.symlink_metadata().is_ok() {
        return Err(invalid(
            "the plugin has a top-level _pkg; wazo-plugind creates it as ${pkgdir} and fails when it exists".into(),
            "remove or rename _pkg",
        ));
    }
    std::fs::create_dir(&pkgdir).map_err(PipelineError::io(Step::Packaging, "creating _pkg"))?;
    // Our directories are 0755 whatever the caller's umask, as wazo-plugind's (umask 022).
    std::fs::set_permissions(&pkgdir, std::fs::Permissions::from_mode(0o755))
        .map_err(PipelineError::io(Step::Packaging, "creating _pkg"))?;
    let out = stage::run_rules(
        work,
        Step::Packaging,
        "package",
        &[("pkgdir", &pkgdir)],
        opts,
        progress,
    )?;
    let mut report = stage_and_write(
        work,
        meta,
        out_dir,
        opts.source_date_epoch,
        Instant::now() + opts.timeout,
    )?;
    let mut warnings = step_warnings(Step::Packaging, "wazo/rules package", &out);
    warnings.append(&mut report.warnings);
    report.warnings = warnings;
    Ok(report)
}

fn stage_and_write(
    work: &Work,
    meta: &PluginMeta,
    out_dir: &Path,
    source_date_epoch: Option<u64>,
    deadline: Instant,
) -> Result<PackageReport, PipelineError> {
    let pkgdir = work.pkgdir();
    let plugin_dir = scripts::installed_plugin_dir(meta);
    let target = pkgdir.join(plugin_dir.trim_start_matches('/'));
    for rel in [format!("_pkg{plugin_dir}"), "_pkg/DEBIAN".into()] {
        if let Some((link, to)) = super::links::link_on_path(&work.plugin, Path::new(&rel)) {
            return Err(invalid(
                format!(
                    "`rules package` left a symlink at {} (to {}); staging through it could write outside the work dir",
                    link.strip_prefix(&work.plugin).unwrap_or(&link).display(),
                    to.display()
                ),
                "create real directories under ${pkgdir}; symlinks are fine for files and leaf directories",
            ));
        }
    }
    if target.symlink_metadata().is_ok() {
        return Err(invalid(
            format!(
                "`rules package` created {plugin_dir} in ${{pkgdir}}; wazo-plugind creates it and fails"
            ),
            "do not copy the plugin itself, wazo-plugind adds wazo/ there",
        ));
    }
    if pkgdir.join("DEBIAN").symlink_metadata().is_ok() {
        return Err(invalid(
            "`rules package` created ${pkgdir}/DEBIAN; wazo-plugind writes it and fails".into(),
            "remove DEBIAN from the package step; the maintainer scripts call rules install/uninstall/postrm",
        ));
    }
    let io = |c: &str| PipelineError::io(Step::Packaging, c.to_string());
    mkdir_all_0755(&pkgdir, Path::new(plugin_dir.trim_start_matches('/')))
        .map_err(io("creating the plugin dir in _pkg"))?;
    copy_dir(&work.plugin.join("wazo"), &target.join("wazo"))
        .map_err(io("copying wazo/ into _pkg"))?;
    let debian = pkgdir.join("DEBIAN");
    std::fs::create_dir(&debian).map_err(io("creating DEBIAN"))?;
    std::fs::set_permissions(&debian, std::fs::Permissions::from_mode(0o755))
        .map_err(io("chmod DEBIAN"))?;
    write_file(&debian.join("control"), &control::control_text(meta), 0o644)?;
    write_file(&debian.join("postinst"), &scripts::postinst(meta), 0o755)?;
    write_file(&debian.join("prerm"), &scripts::prerm(meta), 0o755)?;
    write_file(&debian.join("postrm"), &scripts::postrm(meta), 0o755)?;
    let files = installed_files(&pkgdir);
    let mut warnings = audit(&pkgdir, &work.root, &files, &plugin_dir);
    warnings.extend(staged_findings(work, &pkgdir));
    std::fs::create_dir_all(out_dir).map_err(io("creating the output dir"))?;
    let deb = out_dir.join(meta.deb_file_name());
    deb::build_deb_until(
        &pkgdir,
        &deb,
        deb::Mtimes::own(source_date_epoch),
        Some(deadline),
    )
    .map_err(|e| {
        if e.kind() == std::io::ErrorKind::TimedOut {
            invalid(
                format!("{e}: the package is too large to write in time"),
                "raise --timeout",
            )
        } else {
            PipelineError::Io {
                step: Step::Packaging,
                context: "writing the .deb".into(),
                source: e,
            }
        }
    })?;
    Ok(PackageReport {
        meta: meta.clone(),
        deb,
        files,
        warnings,
        isolation: work.isolation,
    })
}
