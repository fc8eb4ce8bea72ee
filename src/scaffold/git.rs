//! `git init` of a new plugin, with the files staged and `wazo/rules` executable in the index.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What happened about git after the files were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitOutcome {
    /// A repository was created and the generated files staged.
    Initialized,
    /// The plugin folder is already inside a work tree: nothing done.
    InsideRepository,
    /// `--no-git`, or a dry run.
    Skipped,
    /// No `git` command on PATH: nothing done.
    NotFound,
    /// A git command failed (the files are written all the same).
    Failed(String),
}

impl GitOutcome {
    /// A line for the user when there is something to say beyond success.
    pub fn note(&self) -> Option<String> {
        match self {
            GitOutcome::Initialized | GitOutcome::Skipped => None,
            GitOutcome::InsideRepository => Some(
                "already inside a git repository: no git init; stage the rules as executable \
                 with `git add --chmod=+x wazo/rules`"
                    .into(),
            ),
            GitOutcome::NotFound => Some("git not found: no repository created".into()),
            GitOutcome::Failed(why) => Some(format!("git init failed: {why}")),
        }
    }
}

fn run(git: &Path, dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(git)
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("git {}: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Creates a repository in `dir` unless it is inside one already, stages every file and marks
/// `executables` (relative paths) executable in the index.
pub fn init(dir: &Path, executables: &[PathBuf]) -> GitOutcome {
    let Ok(git) = which::which("git") else {
        return GitOutcome::NotFound;
    };
    if run(&git, dir, &["rev-parse", "--is-inside-work-tree"]).is_ok_and(|s| s == "true") {
        return GitOutcome::InsideRepository;
    }
    let steps = || -> Result<(), String> {
        run(&git, dir, &["init", "--quiet"])?;
        run(&git, dir, &["add", "--all"])?;
        for path in executables {
            let p = path.to_string_lossy().replace('\\', "/");
            run(&git, dir, &["update-index", "--chmod=+x", "--", &p])?;
        }
        Ok(())
    };
    match steps() {
        Ok(()) => GitOutcome::Initialized,
        Err(why) => GitOutcome::Failed(why),
    }
}
