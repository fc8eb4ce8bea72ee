//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use wazo_plugin::lint::{LintOptions, PluginReport, Report, lint_plugin};
use wazo_plugin::plugin::load::Plugin;
use wazo_plugin::report::{self, Format, Style};

/// Lints a plugin given as text, shown as `myplugin`.
pub fn lint_text(manifest: Option<&str>, rules: Option<&str>) -> PluginReport {
    let plugin = Plugin::from_text(
        Path::new("myplugin"),
        manifest.map(str::to_string),
        rules.map(str::to_string),
    );
    lint_plugin(&plugin, &LintOptions::default())
}

/// Lints a plugin folder, shown as `myplugin`.
pub fn lint_dir(dir: &Path) -> PluginReport {
    lint_plugin(
        &Plugin::load(dir, Path::new("myplugin")),
        &LintOptions::default(),
    )
}

/// Keeps only the findings of one check.
pub fn only(mut plugin: PluginReport, code: &str) -> Report {
    plugin.diagnostics.retain(|d| d.code == code);
    Report {
        plugins: vec![plugin],
    }
}

/// The three renderings of a report, for snapshots.
pub fn renderings(report: &Report) -> String {
    format!(
        "--- human ---\n{}--- short ---\n{}--- json ---\n{}",
        report::render(report, Format::Human, Style::PLAIN),
        report::render(report, Format::Short, Style::PLAIN),
        report::render(report, Format::Json, Style::PLAIN),
    )
}

/// Whether tests must fail instead of skipping when a tool is missing.
pub fn strict() -> bool {
    std::env::var("WAZO_PLUGIN_TEST_STRICT").is_ok_and(|v| v == "1")
}

/// Skips (returns true) when `tool` is not on PATH, or panics in strict mode.
pub fn missing_tool(tool: &str) -> bool {
    if which::which(tool).is_ok() {
        return false;
    }
    assert!(
        !strict(),
        "{tool} is required when WAZO_PLUGIN_TEST_STRICT=1"
    );
    eprintln!("skipped: {tool} is not on PATH");
    true
}
