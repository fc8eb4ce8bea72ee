//! The inputs and outputs of `lint` beyond plain paths: the format chosen by the environment,
//! `--output-file`, `--stdin-filename` and `--fix`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::exit;
use wazo_plugin::fix;
use wazo_plugin::lint::buffer::lint_buffer;
use wazo_plugin::lint::{LintOptions, Report};
use wazo_plugin::report::Format;

/// `--format`'s values: the library's [`Format`], named for the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
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

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Short => Format::Short,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
        }
    }
}

/// The format asked for, else `github` inside GitHub Actions (`GITHUB_ACTIONS=true`), else
/// `human`.
pub fn format(asked: Option<FormatArg>) -> Format {
    asked.map(Format::from).unwrap_or_else(|| {
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            Format::Github
        } else {
            Format::Human
        }
    })
}

/// Writes the report to `file`, or to stdout; a closed pipe is not an error worth a panic.
pub fn write_output(text: &str, file: Option<&Path>) -> u8 {
    if let Some(path) = file {
        return match std::fs::write(path, text) {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                exit::USAGE
            }
        };
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            exit::INTERNAL
        }
    }
}

/// Lints the file content read from stdin as the file at `path`.
pub fn lint_stdin(path: &Path, options: &LintOptions) -> Result<Report, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "stdin is not UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let plugin = lint_buffer(path, text, options).map_err(|e| e.to_string())?;
    Ok(Report {
        plugins: vec![plugin],
    })
}

/// Passes of `--fix` at most: fixes that overlap wait for the next pass.
const FIX_PASSES: usize = 10;

/// How `--fix` and `--diff` run.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixFlags {
    /// `--unsafe-fixes`: apply the fixes that change what the plugin does too.
    pub unsafe_fixes: bool,
    /// `--quiet`: say nothing on stderr.
    pub quiet: bool,
}

fn plural_fixes(n: usize) -> &'static str {
    if n == 1 { "fix" } else { "fixes" }
}

/// `lint --fix`: applies the fixes (the unsafe ones only with `--unsafe-fixes`), lists them
/// on stderr, and lints again, pass after pass while fixes that overlapped others remain.
/// Returns the report of what remains.
pub fn fix_and_relint(
    mut report: Report,
    paths: &[PathBuf],
    options: &LintOptions,
    flags: FixFlags,
) -> Result<Report, String> {
    let mut changed = 0;
    for _ in 0..FIX_PASSES {
        let mut applied = 0;
        let mut skipped = Vec::new();
        for plugin in &report.plugins {
            let outcome = fix::apply(&plugin.display, plugin, |d| {
                fix::wanted(d, flags.unsafe_fixes)
            });
            for a in &outcome.applied {
                let files: Vec<String> = a.files.iter().map(|f| f.display().to_string()).collect();
                if !flags.quiet {
                    eprintln!("fixed {}: {} [{}]", files.join(", "), a.description, a.code);
                }
                applied += 1;
            }
            skipped.extend(outcome.skipped);
        }
        if applied == 0 {
            for s in skipped.iter().filter(|_| !flags.quiet) {
                eprintln!("not fixed: {} [{}]: {}", s.description, s.code, s.reason);
            }
            break;
        }
        changed += applied;
        report = wazo_plugin::lint::meta::path_missing::lint_paths_reporting(paths, options)
            .map_err(|e| e.to_string())?;
    }
    if flags.quiet {
        return Ok(report);
    }
    if changed == 0 {
        eprintln!("no fix to apply");
    } else {
        eprintln!("{changed} {} applied", plural_fixes(changed));
    }
    let left = report
        .plugins
        .iter()
        .flat_map(|p| &p.diagnostics)
        .filter(|d| d.fix.is_some() && !fix::wanted(d, flags.unsafe_fixes))
        .count();
    if left > 0 {
        eprintln!(
            "{left} unsafe {} not applied: they change what the plugin does; pass --unsafe-fixes to apply {}",
            plural_fixes(left),
            if left == 1 { "it" } else { "them" }
        );
    }
    Ok(report)
}

/// `lint --diff`: prints the fixes `--fix` would apply as a unified diff, and writes nothing.
/// Exit 1 when there is something to fix, 0 when not.
pub fn show_diff(report: &Report, flags: FixFlags, output: Option<&Path>) -> u8 {
    let mut text = String::new();
    let mut count = 0;
    for plugin in &report.plugins {
        let (diff, outcome) = fix::diff(plugin, |d| fix::wanted(d, flags.unsafe_fixes));
        text.push_str(&diff);
        count += outcome.applied.len();
        for s in outcome.skipped.iter().filter(|_| !flags.quiet) {
            eprintln!("not shown: {} [{}]: {}", s.description, s.code, s.reason);
        }
    }
    let code = write_output(&text, output);
    if code != exit::OK {
        return code;
    }
    if !flags.quiet {
        let left = report
            .plugins
            .iter()
            .flat_map(|p| &p.diagnostics)
            .filter(|d| d.fix.is_some() && !fix::wanted(d, flags.unsafe_fixes))
            .count();
        let more = if left > 0 {
            format!(" ({left} unsafe, shown with --unsafe-fixes)")
        } else {
            String::new()
        };
        eprintln!("{count} {} would be applied{more}", plural_fixes(count));
    }
    if count > 0 { exit::FAILED } else { exit::OK }
}
