//! The work dir and the `build` and `package` steps.
//!
//! Like wazo-plugind's extract dir, the work dir holds a fresh copy of the plugin; `wazo/rules`
//! runs there with that copy as its current directory.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::run::{self, Outcome};
use super::sandbox::Isolation;
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
    /// With `--rootfs`: the copy of the Wazo-like root the steps see as `/`.
    pub system: Option<super::rootfs::system::System>,
    keep: bool,
}

impl Drop for Work {
    fn drop(&mut self) {
        if self.keep {
            // Kept: no longer ours to clean up, so the next run does not take it for the
            // leftover of a killed one.
            let _ = std::fs::remove_file(self.root.join(OWNER_FILE));
            // A kept work dir is left around too: no setuid file or device node in it.
            let _ = super::safe_fs::make_safe(&self.root);
            let _ = super::bwrap::take_back(&[&self.root]);
        } else {
            let _ = super::safe_fs::remove_tree(&self.root);
        }
    }
}

/// The prefix of our work dirs' names in the temp dir.
pub const WORK_PREFIX: &str = "wazo-plugin-work-";

/// The file naming the process that owns a work dir (`PID STARTTIME`).
const OWNER_FILE: &str = ".wazo-plugin-owner";

/// This process as `PID STARTTIME` (the start time tells a reused pid apart).
fn owner_tag(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let start = rest.split_whitespace().nth(19)?;
    Some(format!("{pid} {start}"))
}

fn owner_alive(tag: &str) -> bool {
    let Some(pid) = tag
        .split_whitespace()
        .next()
        .and_then(|p| p.parse::<u32>().ok())
    else {
        return false;
    };
    owner_tag(pid).is_some_and(|now| now == tag.trim())
}

/// Deletes the work dirs of earlier runs that died without cleaning up (killed with SIGKILL):
/// those in `tmp` named [`WORK_PREFIX`]*, owned by us (or, as root, by the sandbox uid) whose
/// owner process is gone. Returns how many were removed.
pub fn clean_stale(tmp: &Path) -> usize {
    use std::os::unix::fs::MetadataExt;
    let me = nix::unistd::Uid::effective().as_raw();
    let sandbox = super::isolation::outside_ids().0;
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        if !e.file_name().to_string_lossy().starts_with(WORK_PREFIX) {
            continue;
        }
        let Ok(m) = e.path().symlink_metadata() else {
            continue;
        };
        if !m.is_dir() || !(m.uid() == me || m.uid() == sandbox) {
            continue;
        }
        // A work dir without an owner file is either being created right now or not ours.
        let Ok(tag) = std::fs::read_to_string(e.path().join(OWNER_FILE)) else {
            continue;
        };
        if !owner_alive(&tag) && super::safe_fs::remove_tree(&e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Refuses what cannot be copied safely: FIFOs (reading one blocks forever), sockets, devices.
pub fn refuse_special(path: &Path, ft: std::fs::FileType, what: &str) -> std::io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let kind = if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device node"
    } else {
        return Ok(());
    };
    Err(std::io::Error::other(format!(
        "{} is {kind}: {what} holds only files, directories and symlinks",
        super::escape_control(&path.display().to_string())
    )))
}

fn copy_tree(from: &Path, to: &Path, deadline: std::time::Instant) -> std::io::Result<()> {
    // The folder named may be a symlink to the plugin (the user chose it); links inside it are
    // copied as links.
    let from = &from.canonicalize()?;
    for entry in walkdir::WalkDir::new(from)
        .follow_links(false)
        .sort_by_file_name()
    {
        if std::time::Instant::now() > deadline {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the copy ran past --timeout",
            ));
        }
        if run::interrupted() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "interrupted",
            ));
        }
        let entry = entry.map_err(std::io::Error::other)?;
        refuse_special(entry.path(), entry.file_type(), "a plugin folder")?;
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
        // Modes as wazo-plugind's extract dir has them: a git clone under umask 022 gives
        // directories 0755 and files 0755 or 0644 (git keeps only the owner's x bit), whatever
        // the modes of the working tree (a checkout made under `umask 077` is 0700/0600).
        if ft.is_dir() {
            std::fs::create_dir_all(&dest)?;
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o755))?;
        } else if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
            let mode = entry
                .metadata()
                .map_err(std::io::Error::other)?
                .permissions()
                .mode();
            let mode = if mode & 0o100 != 0 { 0o755 } else { 0o644 };
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode))?;
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
        let work = Work::scratch(opts)?;
        let deadline = std::time::Instant::now() + opts.timeout;
        copy_tree(source, &work.plugin, deadline).map_err(|e| {
            if e.kind() == std::io::ErrorKind::Interrupted
                && let Some(signal) = run::interrupt_signal()
            {
                PipelineError::Interrupted { step, signal }
            } else if e.kind() == std::io::ErrorKind::TimedOut {
                PipelineError::Invalid {
                    step,
                    message: format!(
                        "copying the plugin took longer than --timeout ({}s)",
                        opts.timeout.as_secs()
                    ),
                    hint: "raise --timeout, or leave large build outputs out of the plugin folder"
                        .into(),
                }
            } else {
                PipelineError::Invalid {
                    step,
                    message: format!("copying the plugin: {e}"),
                    hint: "remove FIFOs, sockets and device nodes from the plugin folder".into(),
                }
            }
        })?;
        Ok(work)
    }

    /// A work dir without a plugin copy, for `uninstall` (and the start of [`Work::create`]).
    /// Work dirs left by killed runs are deleted first.
    pub fn scratch(opts: &Options) -> Result<Work, PipelineError> {
        clean_stale(&std::env::temp_dir());
        let root = tempfile::Builder::new()
            .prefix(WORK_PREFIX)
            .tempdir()
            .map_err(PipelineError::io(Step::Extracting, "creating the work dir"))?
            .keep();
        // As root the sandbox uid must reach the staging dirs inside (see bwrap::Layout::new),
        // without listing the work dir.
        let mode = if nix::unistd::Uid::effective().is_root() {
            0o711
        } else {
            0o700
        };
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(mode))
            .map_err(PipelineError::io(Step::Extracting, "creating the work dir"))?;
        let plugin = root.join("plugin");
        let isolation = super::isolation::resolve(opts.isolation);
        let work = Work {
            root,
            plugin,
            isolation,
            system: None,
            keep: opts.keep_work,
        };
        if let Some(tag) = owner_tag(std::process::id()) {
            std::fs::write(work.root.join(OWNER_FILE), tag)
                .map_err(PipelineError::io(Step::Extracting, "creating the work dir"))?;
        }
        Ok(work)
    }

    /// Keeps the work dir on drop.
    pub fn keep(&mut self) {
        self.keep = true;
    }

    /// `<root>/<name>`, created if missing, never through a link (a step may have planted one).
    pub fn subdir(&self, name: &str) -> std::io::Result<PathBuf> {
        super::safe_fs::mkdir_all_beneath(&self.root, Path::new(name))?;
        Ok(self.root.join(name))
    }

    /// The steps' `HOME`, `<root>/home` (the user's own is read-only inside the sandbox).
    pub fn home(&self) -> std::io::Result<PathBuf> {
        self.subdir("home")
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

/// In a root: the interpreter of the `#!` line must be there (`#!/usr/bin/make -f` on a server
/// without make fails with "No such file or directory", naming the rules file, not make).
fn check_interpreter(rules: &Path, system: &Path, step: Step) -> Result<(), PipelineError> {
    let head = std::fs::read(rules).map_err(PipelineError::io(step, "reading wazo/rules"))?;
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(first.strip_prefix(b"#!").unwrap_or_default()).into_owned();
    let Some(interpreter) = line.split_whitespace().next() else {
        return Ok(());
    };
    if !interpreter.starts_with('/') {
        return Ok(());
    }
    // Resolved inside the root (its /bin is a link to usr/bin), never through the host.
    let rel = Path::new(interpreter.trim_start_matches('/'));
    let inside = system.join(rel);
    let found = inside.exists()
        || super::links::resolve_lexically(&inside).is_some_and(|t| {
            let t = t.strip_prefix("/").unwrap_or(&t).to_path_buf();
            system.join(t).exists()
        });
    if found {
        return Ok(());
    }
    Err(PipelineError::Invalid {
        step,
        message: format!(
            "wazo/rules starts with #!{}: {interpreter} is not on a Wazo server of this release (not in the root)",
            line.trim_end()
        ),
        hint: "use #!/bin/sh (dash) or #!/bin/bash, or a program a Wazo server has; a build tool the plugin needs belongs in its own build, not on the server".into(),
    })
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
    matches!(
        isolation,
        Isolation::Bubblewrap | Isolation::Namespaces | Isolation::Landlock
    )
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
    if let Some(sys) = &work.system {
        check_interpreter(&rules, &sys.path, step)?;
    }
    let fakeroot = if action == "package" {
        match &work.system {
            // The root's own (the spec installs it), not the host's.
            Some(_) => Some(PathBuf::from("/usr/bin/fakeroot")),
            None => which::which("fakeroot").ok(),
        }
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
    if work.system.is_some() {
        // wazo-plugind's environment under systemd, not the caller's (a pyenv first on PATH).
        super::rootfs::system::server_env(&mut cmd);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let cwd = work.plugin.clone();
    let setup = PipelineError::io(step, "setting up the sandbox");
    let mut layout = None;
    match work.isolation {
        Isolation::Bubblewrap | Isolation::Namespaces => {
            let home = work
                .home()
                .map_err(PipelineError::io(step, "creating home"))?;
            cmd.env("HOME", &home);
            bwrap::hand_over(&[&work.plugin, &home]).map_err(PipelineError::io(
                step,
                "handing the work dir to the sandbox uid",
            ))?;
            let binds = bwrap::WorkBinds {
                writable: vec![work.plugin.clone(), home],
                readonly: Vec::new(),
                tmp: None,
            };
            let stage = work.root.join("binds");
            let l = match &work.system {
                Some(sys) => {
                    bwrap::system_layout(&sys.path, &binds, &cwd, false, opts.network, &stage)
                }
                None => bwrap::build_args(&binds, &cwd, opts.network, &stage),
            }
            .map_err(PipelineError::io(step, "setting up the sandbox"))?;
            cmd = if work.isolation == Isolation::Bubblewrap {
                bwrap::wrap(&cmd, &l)
            } else {
                super::userns::wrap(&cmd, &l, &work.root.join("nsroot"))
            }
            .map_err(setup)?;
            layout = Some(l);
        }
        Isolation::Landlock => {
            let tmp = work
                .subdir("tmp")
                .map_err(PipelineError::io(step, "creating tmp"))?;
            let home = work
                .home()
                .map_err(PipelineError::io(step, "creating home"))?;
            cmd.env("TMPDIR", &tmp).env("HOME", &home).current_dir(&cwd);
            landlock_jail::confine(&mut cmd, &[work.plugin.clone(), tmp, home]).map_err(setup)?;
        }
        Isolation::Unconfined => {}
    }
    let allowed = [work.root.clone()];
    let mut denied = Vec::new();
    let outcome = run::run(&mut cmd, opts.timeout, &mut |l| {
        progress.output(l);
        if work_confined_by_denial(work.isolation) {
            if work.isolation.namespaces() {
                denied::scan_read_only(l, &allowed, &mut denied);
            } else {
                denied::scan(l, &allowed, &mut denied);
            }
        }
    });
    if let (Some(l), Some(sys)) = (&layout, &work.system) {
        bwrap::cleanup(&sys.path, &l.mountpoints);
    }
    drop(layout);
    let command = format!(
        "{}wazo/rules {action}",
        if fakeroot.is_some() { "fakeroot " } else { "" }
    );
    match outcome {
        Err(e) => Err(PipelineError::Io { step, context: format!("starting `{command}`"), source: e }),
        Ok(out) if !out.exit.success() && !denied.is_empty() => Err(PipelineError::StepFailed {
            step,
            hint: format!(
                "{} denied writes outside the work dir: {}; {}",
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
            if let Some(p) = super::safe_fs::find_special(&work.root) {
                return Err(PipelineError::Invalid {
                    step,
                    message: format!(
                        "`{command}` left {} in the work dir, a FIFO, socket or device node: refusing to go on with it",
                        super::escape_control(&p.display().to_string())
                    ),
                    hint: "remove FIFOs and sockets the step creates before it exits".into(),
                });
            }
            if denied.is_empty() {
                Ok(out)
            } else {
                Err(PipelineError::Invalid {
                    step,
                    message: format!(
                        "`{command}` tried to write outside the work dir, denied by {}: {}",
                        work.isolation.key(),
                        denied.join(", ")
                    ),
                    hint: outside_hint(action).into(),
                })
            }
        }
    }
}
