//! WP904 path-missing, and the lint run that reports the paths it cannot lint (WP904, WP905)
//! instead of stopping at the first one, as ruff and shellcheck do.

use std::path::{Path, PathBuf};

use super::path_skipped;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::lint::{LintError, LintOptions, PluginReport, Report, lint_paths};
use crate::plugin::discover::discover;

pub const CHECK: Check = Check {
    code: "WP904",
    slug: "path-missing",
    family: Family::Meta,
    severity: Severity::Error,
    summary: "A path given to lint does not exist",
    why: "A path that names nothing is most often a typo or a plugin that moved, in a CI job or \
          a pre-commit configuration: lint reports it as an error, so that the job does not \
          pass while checking nothing, and still lints every other path it was given.",
    example: "$ wazo-plugin lint plugins/helo     # the folder is plugins/hello\n",
    fixed: "$ wazo-plugin lint plugins/hello\n",
};

/// Lints the plugins of `paths`; a path that does not exist gets a WP904 error, a file that is
/// no part of a plugin a WP905 note, and the other paths are linted all the same.
pub fn lint_paths_reporting(paths: &[PathBuf], options: &LintOptions) -> Result<Report, LintError> {
    let mut kept = Vec::new();
    let mut notes = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "does not exist".to_string(),
                    _ => format!("cannot be read: {e}"),
                };
                notes.push(about(
                    path,
                    Diagnostic::new(&CHECK, "", format!("`{}` {why}", path.display())),
                ));
            }
            Ok(meta) if !meta.is_dir() && discover(std::slice::from_ref(path)).is_err() => {
                notes.push(about(
                    path,
                    Diagnostic::new(
                        &path_skipped::CHECK,
                        "",
                        format!(
                            "`{}` is not part of a plugin (no wazo/ folder above it): skipped",
                            path.display()
                        ),
                    ),
                ));
            }
            Ok(_) => kept.push(path.clone()),
        }
    }
    let mut report = if kept.is_empty() {
        Report::default()
    } else {
        lint_paths(&kept, options)?
    };
    let mut all = notes;
    all.append(&mut report.plugins);
    report.plugins = all;
    Ok(report)
}

/// Whether `report` is about a path given to lint rather than a plugin.
pub fn is_path_report(report: &PluginReport) -> bool {
    report.sources.is_empty()
        && report.diagnostics.len() == 1
        && [CHECK.code, path_skipped::CHECK.code].contains(&report.diagnostics[0].code.as_ref())
}

/// A report about `path` itself: shown as the path, the finding on it as a whole.
fn about(path: &Path, mut diagnostic: Diagnostic) -> PluginReport {
    let (display, file) = match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => (parent.to_path_buf(), PathBuf::from(name)),
        _ => (PathBuf::new(), path.to_path_buf()),
    };
    diagnostic.file = file;
    PluginReport {
        display,
        sources: Vec::new(),
        diagnostics: vec![diagnostic],
    }
}
