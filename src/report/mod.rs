//! Renderers: one per output format, all reading the same [`Report`](crate::lint::Report).

pub mod baseline;
pub mod fingerprint;
pub mod github;
mod human;
mod json;
pub mod sarif;
mod short;
pub mod statistics;

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::lint::{PluginReport, Report};
use crate::source::Position;

pub use human::Style;

/// The output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Rich diagnostics with source snippets (the default on a terminal).
    Human,
    /// One line per finding: `path:line:col: severity: message [CODE]`.
    Short,
    /// One JSON object with every finding and a summary.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// Renders the report in `format`.
pub fn render(report: &Report, format: Format, style: Style) -> String {
    match format {
        Format::Human => human::render(report, style),
        Format::Short => short::render(report, style.summary),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report, std::env::current_dir().ok().as_deref()),
        Format::Github => github::render(report),
    }
}

/// Where a diagnostic is, as the user sees it: 1-based lines and character columns, the end
/// exclusive. A diagnostic about a whole file or folder is placed at 1:1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub start: Position,
    pub end: Position,
}

/// Resolves a diagnostic's byte span to a [`Location`].
pub fn locate(plugin: &PluginReport, diagnostic: &Diagnostic) -> Location {
    let file = plugin.display.join(&diagnostic.file);
    let origin = Position { line: 1, column: 1 };
    let (start, end) = match (&diagnostic.primary, plugin.source(&diagnostic.file)) {
        (Some(label), Some(source)) => (
            source.position(label.span.start),
            source.position(label.span.end),
        ),
        _ => (origin, origin),
    };
    Location { file, start, end }
}

/// How many plugins the report is about: not the paths that named none (WP904, WP905).
pub fn plugins_checked(report: &Report) -> usize {
    report
        .plugins
        .iter()
        .filter(|p| !crate::lint::meta::path_missing::is_path_report(p))
        .count()
}

/// "1 error, 2 warnings" style counts.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closing line of the human and short formats.
pub fn summary_line(report: &Report) -> String {
    let (errors, warnings, infos) = report.counts();
    let plugins = plural(plugins_checked(report), "plugin");
    if errors + warnings + infos == 0 {
        return format!("{plugins} checked: no problems found");
    }
    let mut parts = vec![plural(errors, "error"), plural(warnings, "warning")];
    if infos > 0 {
        parts.push(plural(infos, "note"));
    }
    let (safe, unsafe_) = fixable(report);
    let fixes = match (safe, unsafe_) {
        (0, 0) => String::new(),
        (s, 0) => format!(" ({s} fixable with --fix)"),
        (0, u) => format!(" ({u} fixable with --fix --unsafe-fixes)"),
        (s, u) => format!(" ({s} fixable with --fix, {u} more with --unsafe-fixes)"),
    };
    format!("{plugins} checked: {}{fixes}", parts.join(", "))
}

/// Numbers of findings with a safe fix, and with an unsafe one.
pub fn fixable(report: &Report) -> (usize, usize) {
    use crate::diagnostic::Safety;
    let mut counts = (0, 0);
    for d in report.plugins.iter().flat_map(|p| &p.diagnostics) {
        match d.fix.as_ref().map(|f| f.safety) {
            Some(Safety::Safe) => counts.0 += 1,
            Some(Safety::Unsafe) => counts.1 += 1,
            None => {}
        }
    }
    counts
}
