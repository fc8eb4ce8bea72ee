//! The JSON contract: one object with every finding and a summary.
//!
//! ```json
//! {"diagnostics": [{"code": "WP105", "severity": "error", "message": "...",
//!   "file": "plugin/wazo/plugin.yml", "line": 1, "column": 7, "end_line": 1, "end_column": 8,
//!   "help": "..." , "url": "..."}],
//!  "summary": {"plugins": 1, "errors": 1, "warnings": 0}}
//! ```
//! Lines and columns are 1-based and count characters; the end is exclusive.

use serde::Serialize;

use super::locate;
use crate::lint::Report;

#[derive(Serialize)]
struct Output<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    help: Option<&'a str>,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    plugins: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

pub fn render(report: &Report) -> String {
    let mut diagnostics = Vec::new();
    for plugin in &report.plugins {
        for d in &plugin.diagnostics {
            let loc = locate(plugin, d);
            diagnostics.push(JsonDiagnostic {
                code: &d.code,
                severity: d.severity.as_str(),
                message: &d.message,
                file: loc.file.to_string_lossy().into_owned(),
                line: loc.start.line,
                column: loc.start.column,
                end_line: loc.end.line,
                end_column: loc.end.column,
                help: d.help.as_deref(),
                url: d.url.as_deref(),
            });
        }
    }
    let (errors, warnings, infos) = report.counts();
    let output = Output {
        diagnostics,
        summary: Summary {
            plugins: super::plugins_checked(report),
            errors,
            warnings,
            infos,
        },
    };
    let mut text = serde_json::to_string_pretty(&output)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the report: {e}\"}}"));
    text.push('\n');
    text
}
