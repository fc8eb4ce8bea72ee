//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
//!
//! ```text
//! ::error file=p/wazo/plugin.yml,line=1,endLine=1,col=7,endColumn=17,title=WP105::message
//! ```
//! Data (the message) escapes `%`, CR and LF; properties (file, title) escape `:` and `,` too.
//! GitHub turns at most [`PER_TYPE`] commands of each type (error, warning, notice) of a step
//! into annotations. The findings past that are printed as plain log lines, and a closing
//! `::notice::` says how many were not annotated (that notice is kept within the notice limit).

use std::fmt::Write;

use super::{locate, summary_line};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{PluginReport, Report};

/// Annotations GitHub shows per type (error, warning, notice) and per step.
pub const PER_TYPE: usize = 10;

/// Escapes the data part of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(plugin: &PluginReport, d: &Diagnostic) -> String {
    let loc = locate(plugin, d);
    // Relative to the current directory (the workspace), `.` and `..` resolved: GitHub matches
    // the path against the repository's files as written.
    let base = std::env::current_dir().ok();
    let file = super::fingerprint::relative_to(&loc.file, base.as_deref());
    let mut props = format!(
        "file={}",
        escape_property(&file.to_string_lossy().replace('\\', "/"))
    );
    if d.primary.is_some() {
        // GitHub's columns are 1-based and inclusive; ours end exclusive.
        let end_column = if loc.end.line == loc.start.line {
            loc.end.column.saturating_sub(1).max(loc.start.column)
        } else {
            loc.end.column.max(1)
        };
        let _ = write!(
            props,
            ",line={},endLine={},col={},endColumn={}",
            loc.start.line, loc.end.line, loc.start.column, end_column
        );
    }
    let _ = write!(props, ",title={}", escape_property(&d.code));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    if let Some(url) = &d.url {
        message.push('\n');
        message.push_str(url);
    }
    format!(
        "::{} {}::{}\n",
        command(d.severity),
        props,
        escape_data(&message)
    )
}

/// A finding as a plain log line, for those past the annotation limit.
fn plain(plugin: &PluginReport, d: &Diagnostic) -> String {
    let loc = locate(plugin, d);
    format!(
        "{}:{}:{}: {}: {} [{}]\n",
        loc.file.display(),
        loc.start.line,
        loc.start.column,
        d.severity,
        d.message.replace(['\r', '\n'], " "),
        d.code
    )
}

pub fn render(report: &Report) -> String {
    let all: Vec<(&PluginReport, &Diagnostic)> = report
        .plugins
        .iter()
        .flat_map(|p| p.diagnostics.iter().map(move |d| (p, d)))
        .collect();
    let count = |s: Severity| all.iter().filter(|(_, d)| d.severity == s).count();
    let over = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .any(|s| count(s) > PER_TYPE);
    // Leave room for the closing notice among the notices.
    let limit = |s: Severity| match s {
        Severity::Info if over => PER_TYPE - 1,
        _ => PER_TYPE,
    };
    let mut shown = [0usize; 3];
    let mut annotations = String::new();
    let mut rest = String::new();
    let mut hidden = 0;
    for (plugin, d) in all {
        let slot = &mut shown[d.severity as usize];
        if *slot < limit(d.severity) {
            *slot += 1;
            annotations.push_str(&annotation(plugin, d));
        } else {
            hidden += 1;
            rest.push_str(&plain(plugin, d));
        }
    }
    let mut out = annotations;
    out.push_str(&rest);
    if hidden > 0 {
        let _ = writeln!(
            out,
            "::notice title=wazo-plugin::{}",
            escape_data(&format!(
                "{hidden} more finding{} not shown as annotations (GitHub shows {PER_TYPE} of \
                 each type per step): they are listed in this step's log",
                if hidden == 1 { " is" } else { "s are" }
            ))
        );
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
