//! `path:line:col: severity: message [CODE]`, one finding a line: what vim's and emacs'
//! quickfix lists, and most editors' problem matchers, parse.

use std::fmt::Write;

use super::{locate, summary_line};
use crate::lint::Report;

pub fn render(report: &Report, summary: bool) -> String {
    let mut out = String::new();
    for plugin in &report.plugins {
        for d in &plugin.diagnostics {
            let loc = locate(plugin, d);
            let message = d.message.replace('\n', " ");
            let _ = writeln!(
                out,
                "{}:{}:{}: {}: {} [{}]",
                loc.file.display(),
                loc.start.line,
                loc.start.column,
                d.severity,
                message,
                d.code
            );
        }
    }
    if summary {
        let _ = writeln!(out, "{}", summary_line(report));
    }
    out
}
