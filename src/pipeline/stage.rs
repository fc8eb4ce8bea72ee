//! The work dir and the `build` and `package` steps.
//!
//! Like wazo-plugind's extract dir, the work dir holds a fresh copy of the plugin; `wazo/rules`
//! runs there with that copy as its current directory.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::run::{self, Outcome};
use super::sandbox::{self, Isolation, OverlaySpec};
use super::{Options, PipelineError, Progress, Step};
use super::{bwrap, denied, landlock_jail};

/// A work dir we own: `<root>/plugin` is the plugin copy (the extract dir).
#[derive(Debug)]
pub struct Work {
    /// The work dir itself.
    pub root: PathBuf,
    /// The plugin copy; `rules` runs here.
    pub plugin: PathBuf,
    /// How steps are confined.
    pub isolation: Isolation,
    keep: bool,
    counter: u32,
}

impl Drop for Work {
    fn drop(&mut self) {
        if !self.keep {
            let _ = sandbox::force_remove(&self.root);
        }
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel = entry
            .path()
            .strip_prefix(from)
            .map_err(std::io::Error::other)?;
        if rel
            .components()
            .next()
            .is_some_and(|c| c.as_os_str() == ".git")
        {
            continue;
        }
        let dest = to.join(rel);
        let ft = entry.file_type();
        if ft.is_dir() {
            std::fs::create_dir_all(&dest)?;
            let mode = entry
                .metadata()
                .map_err(std::io::Error::other)?
                .permissions()
                .mode();
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode | 0o700))?;
        } else if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

impl Work {
    /// Copies the plugin at `source` (without `.git`) into a new work dir.
    pub fn create(source: &Path, opts: &Options) -> Result<Work, PipelineError> {
        let step = Step::Extracting;
        if !source.join("wazo").join("plugin.yml").is_file() {
            return Err(PipelineError::Usage(format!(
                "{}: not a plugin folder (no wazo/plugin.yml)",
                source.display()
            )));
        }
        let root = tempfile::Builder::new()
            .prefix("wazo-plugin-work-")
            .tempdir()
            .map_err(PipelineError::io(step, "creating the work dir"))?
            .keep();
        let plugin = root.join("plugin");
        let isolation = super::isolation::probe(&root);
        let work = Work {
            root,
            plugin,
            isolation,
            keep: opts.keep_work,
            counter: 0,
        };
        copy_tree(source, &work.plugin).map_err(PipelineError::io(step, "copying the plugin"))?;
        Ok(work)
    }

    /// A work dir without a plugin copy, for `uninstall`.
    pub fn scratch(opts: &Options) -> Result<Work, PipelineError> {
        let root = tempfile::Builder::new()
            .prefix("wazo-plugin-work-")
            .tempdir()
            .map_err(PipelineError::io(Step::Extracting, "creating the work dir"))?
            .keep();
        let plugin = root.join("plugin");
        let isolation = super::isolation::probe(&root);
        Ok(Work {
            root,
            plugin,
            isolation,
            keep: opts.keep_work,
            counter: 0,
        })
    }

    /// Keeps the work dir on drop.
    pub fn keep(&mut self) {
        self.keep = true;
    }

    /// A fresh overlay layout under `<root>/sandbox/` with `upper` as the upper layer.
    pub fn overlay(&mut self, upper: Option<&Path>, cwd: &Path) -> OverlaySpec {
        self.counter += 1;
        let base = self.root.join("sandbox");
        let n = self.counter;
        OverlaySpec {
            mountpoint: base.join(format!("root-{n}")),
            upper: upper.map_or_else(|| base.join(format!("upper-{n}")), Path::to_path_buf),
            workdir: base.join(format!("ovl-{n}")),
            binds: vec![self.root.clone()],
            cwd: cwd.to_path_buf(),
        }
    }

    /// The packaging dir, `<plugin>/_pkg`.
    pub fn pkgdir(&self) -> PathBuf {
        self.plugin.join("_pkg")
    }
}

/// Checks that `wazo/rules` can be executed, as the kernel will need.
pub fn check_rules(plugin: &Path, step: Step) -> Result<PathBuf, PipelineError> {
    let rules = plugin.join("wazo").join("rules");
    for p in [plugin.join("wazo"), rules.clone()] {
        if p.symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
            && super::links::points_outside(&p, plugin)
        {
            return Err(PipelineError::Invalid {
                step,
                message: format!(
                    "{} is a symlink pointing outside the plugin ({}); refusing to run it",
                    p.strip_prefix(plugin).unwrap_or(&p).display(),
                    std::fs::read_link(&p).unwrap_or_default().display()
                ),
                hint: "keep wazo/ and wazo/rules inside the plugin folder".into(),
            });
        }
    }
    let invalid = |message: String, hint: &str| PipelineError::Invalid {
        step,
        message,
        hint: hint.into(),
    };
    let meta = std::fs::metadata(&rules).map_err(|_| {
        invalid(
            "wazo/rules is missing".into(),
            "create an executable wazo/rules handling build, package, install and uninstall",
        )
    })?;
    if !meta.is_file() {
        return Err(invalid("wazo/rules is not a file".into(), ""));
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Err(invalid(
            "wazo/rules is not executable (wazo-plugind fails with PermissionError)".into(),
            "chmod +x wazo/rules; from Windows: git update-index --chmod=+x wazo/rules",
        ));
    }
    let head = std::fs::read(&rules).map_err(PipelineError::io(step, "reading wazo/rules"))?;
    if !head.starts_with(b"#!") {
        return Err(invalid(
            "wazo/rules has no #! line (wazo-plugind fails with Exec format error)".into(),
            "start it with #!/bin/sh",
        ));
    }
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    if first.ends_with(b"\r") {
        return Err(invalid(
            "wazo/rules has Windows line endings: its #! line ends with \\r".into(),
            "convert it to LF line endings (dos2unix wazo/rules)",
        ));
    }
    Ok(rules)
}

/// Lists what a step left in an overlay upper layer: writes outside the allowed dirs.
pub fn escaped_writes(upper: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(upper)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let is_leaf = !entry.file_type().is_dir()
            || std::fs::read_dir(entry.path()).is_ok_and(|mut d| d.next().is_none());
        if is_leaf && let Ok(rel) = entry.path().strip_prefix(upper) {
            out.push(format!("/{}", rel.display()));
        }
    }
    out
}

fn outside_hint(action: &str) -> &'static str {
    if action == "package" {
        "write only under ${pkgdir}, e.g. mkdir -p ${pkgdir}/etc/foo; files are installed by the package"
    } else {
        "build only inside the plugin folder"
    }
}

/// True for the mechanisms that refuse writes (rather than redirect them): the denied paths are
/// read from the step's output.
pub fn work_confined_by_denial(isolation: Isolation) -> bool {
    matches!(isolation, Isolation::Bubblewrap | Isolation::Landlock)
}

/// Runs `wazo/rules <action>` in the plugin copy, confined, with its output and timeout.
/// The caller reports the step's start and end.
pub fn run_rules(
    work: &mut Work,
    step: Step,
    action: &str,
    envs: &[(&str, &Path)],
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Outcome, PipelineError> {
    let rules = check_rules(&work.plugin, step)?;
    let fakeroot = if action == "package" {
        which::which("fakeroot").ok()
    } else {
        None
    };
    let mut cmd = match &fakeroot {
        Some(f) => {
            let mut c = Command::new(f);
            c.arg(&rules);
            c
        }
        None => Command::new(&rules),
    };
    cmd.arg(action)
        .current_dir(&work.plugin)
        .env_remove("pkgdir");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let cwd = work.plugin.clone();
    let spec = (work.isolation == Isolation::OverlayNamespace).then(|| work.overlay(None, &cwd));
    let setup = PipelineError::io(step, "setting up the sandbox");
    match work.isolation {
        Isolation::OverlayNamespace => {
            if let Some(spec) = &spec {
                sandbox::confine(&mut cmd, spec).map_err(setup)?;
            }
        }
        Isolation::Bubblewrap => {
            cmd = bwrap::wrap(&cmd, &bwrap::build_args(&work.root, &cwd)).map_err(setup)?;
        }
        Isolation::Landlock => {
            let tmp = work.root.join("tmp");
            std::fs::create_dir_all(&tmp).map_err(PipelineError::io(step, "creating tmp"))?;
            cmd.env("TMPDIR", &tmp).current_dir(&cwd);
            landlock_jail::confine(&mut cmd, std::slice::from_ref(&work.root)).map_err(setup)?;
        }
        Isolation::Unconfined => {}
    }
    let allowed = [work.root.clone()];
    let mut denied = Vec::new();
    let outcome = run::run(&mut cmd, opts.timeout, &mut |l| {
        progress.output(l);
        if work_confined_by_denial(work.isolation) {
            denied::scan(l, &allowed, &mut denied);
        }
    });
    let command = format!(
        "{}wazo/rules {action}",
        if fakeroot.is_some() { "fakeroot " } else { "" }
    );
    match outcome {
        Err(e) => Err(PipelineError::Io { step, context: format!("starting `{command}`"), source: e }),
        Ok(out) if !out.exit.success() && !denied.is_empty() => Err(PipelineError::StepFailed {
            step,
            hint: format!(
                "{} denied writes outside the work dir (the host was not changed): {}; {}",
                work.isolation.key(),
                denied.join(", "),
                outside_hint(action)
            ),
            command,
            exit: out.exit,
            tail: out.tail,
        }),
        Ok(out) if !out.exit.success() => Err(PipelineError::StepFailed {
            step,
            command,
            hint: match out.exit {
                run::Exit::TimedOut(_) => "the step hung; wazo-plugind has no timeout and would wait forever. Raise --timeout if it is just slow".into(),
                _ => format!("run `wazo/rules {action}` by hand in the plugin folder to debug it; --verbose streams its output"),
            },
            exit: out.exit,
            tail: out.tail,
        }),
        Ok(out) => {
            let escaped = spec.as_ref().map(|s| escaped_writes(&s.upper)).unwrap_or_default();
            if escaped.is_empty() && denied.is_empty() {
                Ok(out)
            } else {
                let what = if escaped.is_empty() {
                    format!("tried to write outside the work dir, denied by {}", work.isolation.key())
                } else {
                    "wrote outside the work dir".to_string()
                };
                Err(PipelineError::Invalid {
                    step,
                    message: format!(
                        "`{command}` {what} (the host was not changed): {}",
                        if escaped.is_empty() { &denied } else { &escaped }.join(", ")
                    ),
                    hint: outside_hint(action).into(),
                })
            }
        }
    }
}
