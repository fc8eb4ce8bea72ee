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
}

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

    /// The byte range of the finding in the file's text.
    pub fn span(&self, text: &str) -> super::Span {
        let start = line_col_to_byte(text, self.line, self.column);
        start..line_col_to_byte(text, self.end_line, self.end_column).max(start)
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
    let output = Command::new(exe)
        .args(["-f", "json1", "-s", dialect.as_str(), "--"])
        .args(paths)
        .output()
        .map_err(|error| ShellcheckError::Spawn {
            exe: exe.to_path_buf(),
            error,
        })?;
    let code = output.status.code();
    if !matches!(code, Some(0 | 1)) {
        return Err(ShellcheckError::Failed {
            code,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    let parsed: Json1 = serde_json::from_slice(&output.stdout)
        .map_err(|e| ShellcheckError::BadOutput(e.to_string()))?;
    Ok(parsed
        .comments
        .into_iter()
        .map(|c| Finding {
            // Map back to the path as the caller gave it.
            file: paths
                .iter()
                .find(|p| p.as_os_str() == c.file.as_str())
                .map_or_else(|| PathBuf::from(&c.file), |p| (*p).clone()),
            line: c.line,
            column: c.column,
            end_line: c.end_line,
            end_column: c.end_column,
            level: c.level,
            code: c.code,
            message: c.message,
        })
        .collect())
}

/// Byte offset of a 1-based line and 1-based character column (a tab counts as one column,
/// as in json1). Past the end of a line gives the line's end; past the last line, the text's end.
pub fn line_col_to_byte(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    let line_text = &line_text[..line_end];
    let offset = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    start + offset
}
