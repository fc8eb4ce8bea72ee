//! `lint --statistics`: how many findings of each code, instead of the findings.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::{Format, summary_line};
use crate::diagnostic::Safety;
use crate::lint::{Report, registry};

#[derive(Serialize)]
struct Row {
    code: String,
    name: String,
    count: usize,
    /// `safe` when `--fix` fixes them, `unsafe` when only `--unsafe-fixes` does, else null.
    fix: Option<&'static str>,
}

fn rows(report: &Report) -> Vec<Row> {
    let mut counts: BTreeMap<&str, (usize, Option<Safety>)> = BTreeMap::new();
    for d in report.plugins.iter().flat_map(|p| &p.diagnostics) {
        let e = counts.entry(&d.code).or_insert((0, None));
        e.0 += 1;
        if let Some(f) = &d.fix {
            e.1 = Some(f.safety);
        }
    }
    let mut rows: Vec<Row> = counts
        .into_iter()
        .map(|(code, (count, fix))| Row {
            code: code.to_string(),
            name: registry::checks()
                .find(|c| c.code == code)
                .map_or_else(|| "shellcheck".to_string(), |c| c.slug.to_string()),
            count,
            fix: fix.map(|s| match s {
                Safety::Safe => "safe",
                Safety::Unsafe => "unsafe",
            }),
        })
        .collect();
    // Most frequent first, then by code.
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    rows
}

/// The counts per code: a table (with `[*]` for codes `--fix` fixes) and the closing line,
/// or with `Format::Json` a JSON list of `{code, name, count, fix}`.
pub fn render(report: &Report, format: Format, summary: bool) -> String {
    let rows = rows(report);
    if format == Format::Json {
        let mut text = serde_json::to_string_pretty(&rows)
            .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize: {e}\"}}"));
        text.push('\n');
        return text;
    }
    let wide = rows.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rows {
        let mark = match r.fix {
            Some("safe") => "[*] ",
            Some(_) => "[-] ",
            None => "    ",
        };
        let _ = writeln!(out, "{:>5}  {:<wide$}  {mark}{}", r.count, r.code, r.name);
    }
    if summary {
        let _ = writeln!(out, "{}", summary_line(report));
    }
    out
}
