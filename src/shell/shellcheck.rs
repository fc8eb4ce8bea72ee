//! The shellcheck adapter: finding the executable, running it once per dialect, reading its
//! `json1` output.
//!
//! No code is excluded on the command line and `--norc` is not passed: `.shellcheckrc` files
//! and `# shellcheck disable=` directives apply as they do for the user. Filtering (SC2154 on
//! `pkgdir`, which wazo-plugind sets) is left to the caller.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::ShellDialect;

/// Why shellcheck could not be found or run.
#[derive(Debug)]
pub enum ShellcheckError {
    /// The path given explicitly does not exist (or the name is not on PATH).
    NotFound(PathBuf),
    /// The process could not be started.
    Spawn {
        /// The executable.
        exe: PathBuf,
        /// The system error.
        error: std::io::Error,
    },
    /// shellcheck exited with a status other than 0 (clean) or 1 (findings).
    Failed {
        /// The exit code, if it exited normally.
        code: Option<i32>,
        /// What it wrote on stderr.
        stderr: String,
    },
    /// The output was not the json1 document expected.
    BadOutput(String),
    /// shellcheck ran past [`TIME_LIMIT`] and was killed.
    TimedOut(std::time::Duration),
    /// shellcheck wrote more than [`OUTPUT_LIMIT`] bytes and was killed.
    TooMuchOutput(usize),
}

/// How long one shellcheck process may run.
pub const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);
/// How much one shellcheck process may write on stdout or stderr.
pub const OUTPUT_LIMIT: usize = 64 << 20;

impl std::fmt::Display for ShellcheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound(p) => write!(f, "shellcheck not found at {}", p.display()),
            Self::Spawn { exe, error } => write!(f, "cannot run {}: {error}", exe.display()),
            Self::Failed {
                code: Some(c),
                stderr,
            } => {
                write!(f, "shellcheck failed with exit code {c}: {}", stderr.trim())
            }
            Self::Failed { code: None, stderr } => {
                write!(f, "shellcheck was killed: {}", stderr.trim())
            }
            Self::BadOutput(e) => write!(f, "unexpected shellcheck output: {e}"),
            Self::TimedOut(d) => write!(
                f,
                "shellcheck ran for more than {} s and was stopped",
                d.as_secs()
            ),
            Self::TooMuchOutput(n) => write!(
                f,
                "shellcheck wrote more than {} MiB and was stopped",
                n >> 20
            ),
        }
    }
}

impl std::error::Error for ShellcheckError {}

/// Severity of a finding, as shellcheck names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// `error`
    Error,
    /// `warning`
    Warning,
    /// `info`
    Info,
    /// `style`
    Style,
}

/// One shellcheck comment. Lines and columns are 1-based as json1 gives them: columns count
/// characters, a tab counting as one; the end column is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file, as passed to [`run`].
    pub file: PathBuf,
    /// First line.
    pub line: usize,
    /// First column.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column after the last character.
    pub end_column: usize,
    /// Severity.
    pub level: Level,
    /// The number of the SC code (2086 for SC2086).
    pub code: u32,
    /// shellcheck's message.
    pub message: String,
}

impl Finding {
    /// The wiki page of the code (`https://www.shellcheck.net/wiki/SC2086`).
    pub fn url(&self) -> String {
        format!("https://www.shellcheck.net/wiki/SC{}", self.code)
    }

    /// The byte range of the finding in the file, through the file's one line index.
    pub fn span_in(&self, source: &crate::source::SourceFile) -> super::Span {
        let start = source.offset(self.line, self.column);
        start..source.offset(self.end_line, self.end_column).max(start)
    }
}

/// Finds shellcheck: the explicit path when given (a bare name is looked up on PATH; missing is
/// an error), otherwise `shellcheck` on PATH (`None` when absent).
pub fn find(explicit: Option<&Path>) -> Result<Option<PathBuf>, ShellcheckError> {
    match explicit {
        Some(path) if path.components().count() == 1 && !path.is_file() => which::which(path)
            .map(Some)
            .map_err(|_| ShellcheckError::NotFound(path.to_path_buf())),
        Some(path) if path.is_file() => Ok(Some(path.to_path_buf())),
        Some(path) => Err(ShellcheckError::NotFound(path.to_path_buf())),
        None => Ok(which::which("shellcheck").ok()),
    }
}

/// Scripts per shellcheck process at least, before the work is split over more processes.
const MIN_FILES_PER_PROCESS: usize = 16;

/// Runs shellcheck on the files: one process per dialect (all sh files together, all bash files
/// together), each split in up to one process per core when there are many files (shellcheck
/// uses one core), the processes in parallel, with `-f json1 -s <dialect>`. Findings come back
/// in order of dialect, then of the files given, then as shellcheck lists them.
pub fn run(exe: &Path, files: &[(PathBuf, ShellDialect)]) -> Result<Vec<Finding>, ShellcheckError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut groups: Vec<(ShellDialect, Vec<&PathBuf>)> = Vec::new();
    for dialect in [ShellDialect::Sh, ShellDialect::Bash] {
        let paths: Vec<&PathBuf> = files
            .iter()
            .filter(|(_, fd)| *fd == dialect)
            .map(|(p, _)| p)
            .collect();
        if paths.is_empty() {
            continue;
        }
        let parts = cores
            .min(paths.len().div_ceil(MIN_FILES_PER_PROCESS))
            .max(1);
        let size = paths.len().div_ceil(parts);
        groups.extend(paths.chunks(size).map(|c| (dialect, c.to_vec())));
    }
    if let [(dialect, paths)] = groups.as_slice() {
        // One process: no thread to start.
        return run_group(exe, *dialect, paths);
    }
    let results: Vec<Result<Vec<Finding>, ShellcheckError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|(dialect, paths)| scope.spawn(move || run_group(exe, *dialect, paths)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ShellcheckError::BadOutput(
                        "the shellcheck reader failed".to_string(),
                    ))
                })
            })
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    Ok(all)
}

#[derive(Deserialize)]
struct Json1 {
    comments: Vec<Comment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    file: String,
    line: usize,
    end_line: usize,
    column: usize,
    end_column: usize,
    level: Level,
    code: u32,
    message: String,
}

fn run_group(
    exe: &Path,
    dialect: ShellDialect,
    paths: &[&PathBuf],
) -> Result<Vec<Finding>, ShellcheckError> {
    let mut command = Command::new(exe);
    command
        .args(["-f", "json1", "-s", dialect.as_str(), "--"])
        .args(paths);
    let stdout = bounded_output(command, None)?;
    let comments = json1(&stdout)?;
    Ok(comments
        .into_iter()
        .map(|c| {
            // Map back to the path as the caller gave it.
            let file = paths
                .iter()
                .find(|p| p.as_os_str() == c.file.as_str())
                .map_or_else(|| PathBuf::from(&c.file), |p| (*p).clone());
            c.finding(file)
        })
        .collect())
}

/// Runs shellcheck on `text` given on stdin, as the file `file` would be checked: from the
/// folder `dir` (where shellcheck looks for `.shellcheckrc`, as it does from a file's own
/// folder), its findings reported under `file`.
pub fn run_text(
    exe: &Path,
    dialect: ShellDialect,
    text: &str,
    dir: Option<&Path>,
    file: &Path,
) -> Result<Vec<Finding>, ShellcheckError> {
    let mut command = Command::new(exe);
    command.args(["-f", "json1", "-s", dialect.as_str(), "-"]);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let stdout = bounded_output(command, Some(text))?;
    Ok(json1(&stdout)?
        .into_iter()
        .map(|c| c.finding(file.to_path_buf()))
        .collect())
}

impl Comment {
    fn finding(self, file: PathBuf) -> Finding {
        Finding {
            file,
            line: self.line,
            column: self.column,
            end_line: self.end_line,
            end_column: self.end_column,
            level: self.level,
            code: self.code,
            message: self.message,
        }
    }
}

fn json1(stdout: &[u8]) -> Result<Vec<Comment>, ShellcheckError> {
    let parsed: Json1 =
        serde_json::from_slice(stdout).map_err(|e| ShellcheckError::BadOutput(e.to_string()))?;
    Ok(parsed.comments)
}

/// Runs `command` (stdin fed with `input`, or closed), within [`TIME_LIMIT`] and
/// [`OUTPUT_LIMIT`]; its stdout when it exits 0 (clean) or 1 (findings).
fn bounded_output(mut command: Command, input: Option<&str>) -> Result<Vec<u8>, ShellcheckError> {
    use std::io::{Read, Write};
    use std::process::Stdio;
    use wait_timeout::ChildExt;
    let exe = PathBuf::from(command.get_program());
    let mut child = command
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| ShellcheckError::Spawn { exe, error })?;
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let read_bounded = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(pipe) = pipe {
                // One byte past the limit tells a flood from output of exactly the limit.
                let _ = pipe.take(OUTPUT_LIMIT as u64 + 1).read_to_end(&mut buf);
                if buf.len() > OUTPUT_LIMIT {
                    // Still writing, so not yet reaped: stop it rather than wait.
                    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
                }
            }
            buf
        })
    };
    let out = read_bounded(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = read_bounded(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let writer = input.map(|text| {
        let stdin = child.stdin.take();
        let text = text.to_string();
        std::thread::spawn(move || {
            if let Some(mut stdin) = stdin {
                // A shellcheck that exits early closes the pipe: not our error.
                let _ = stdin.write_all(text.as_bytes());
            }
        })
    });
    let status = match child.wait_timeout(TIME_LIMIT) {
        Ok(Some(status)) => status,
        Ok(None) | Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ShellcheckError::TimedOut(TIME_LIMIT));
        }
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if stdout.len() > OUTPUT_LIMIT || stderr.len() > OUTPUT_LIMIT {
        return Err(ShellcheckError::TooMuchOutput(OUTPUT_LIMIT));
    }
    let code = status.code();
    if !matches!(code, Some(0 | 1)) {
        return Err(ShellcheckError::Failed {
            code,
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        });
    }
    Ok(stdout)
}
