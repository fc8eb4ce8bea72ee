//! The lint engine and its checks.

pub mod buffer;
pub mod cache;
pub mod catalogue;
pub mod check;
pub mod config;
pub mod layout;
pub mod manifest;
pub mod meta;
pub mod package_gate;
pub mod registry;
pub mod rules_script;
pub mod shellcheck;
pub mod shellcheck_filter;
pub mod shipped;
pub mod suppress;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::plugin::discover::{DiscoverError, discover_with};
use crate::plugin::load::{Overrides, Plugin, Target, load};
use crate::source::SourceFile;

/// Options of a lint run.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Whether and which shellcheck to run on the rules scripts.
    pub shellcheck: shellcheck::Mode,
    /// The configuration: which findings to keep, at which severity, which folders to skip.
    pub config: crate::lint::config::Config,
    /// The folder of the shellcheck cache; `None` runs shellcheck every time.
    pub cache_dir: Option<PathBuf>,
    /// The Wazo release to check against (`--wazo-version`); the newest known when `None`.
    pub wazo_version: Option<String>,
    /// A git revision the plugin was released at (`--since REF`): its version must have
    /// changed if its files did (WP702).
    pub since: Option<String>,
}

/// Why a lint run could not start (a usage error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintError {
    /// A path names no file, or a file outside any plugin.
    Path(DiscoverError),
    /// `--shellcheck PATH` names no executable.
    Shellcheck(String),
    /// A configuration file or option that cannot be used.
    Config(crate::lint::config::ConfigError),
}

impl std::fmt::Display for LintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LintError::Path(e) => e.fmt(f),
            LintError::Shellcheck(e) => f.write_str(e),
            LintError::Config(e) => e.fmt(f),
        }
    }
}

/// The findings on one plugin, with the sources they point into.
#[derive(Debug, Clone)]
pub struct PluginReport {
    /// The plugin folder as the user named it.
    pub display: PathBuf,
    pub sources: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl PluginReport {
    /// The source of a file of the plugin, by its path inside the plugin.
    pub fn source(&self, rel: &Path) -> Option<&SourceFile> {
        self.sources.iter().find(|s| s.rel == rel)
    }
}

/// The findings of a lint run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub plugins: Vec<PluginReport>,
}

impl Report {
    /// Numbers of errors, warnings and infos.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for d in self.plugins.iter().flat_map(|p| &p.diagnostics) {
            match d.severity {
                Severity::Error => counts.0 += 1,
                Severity::Warning => counts.1 += 1,
                Severity::Info => counts.2 += 1,
            }
        }
        counts
    }

    /// Whether the run fails: any error, or with `strict` any warning.
    pub fn fails(&self, strict: bool) -> bool {
        let (errors, warnings, _) = self.counts();
        errors > 0 || (strict && warnings > 0)
    }
}

/// Lints every plugin named by `paths` (see [`crate::plugin::discover::discover_with`]), with
/// the settings of `options.config`.
pub fn lint_paths(paths: &[PathBuf], options: &LintOptions) -> Result<Report, LintError> {
    let exe = shellcheck::resolve(&options.shellcheck)
        .map_err(|e| LintError::Shellcheck(e.to_string()))?;
    let config = options.config.clone();
    let found = discover_with(
        paths,
        std::sync::Arc::new(move |d: &Path| config.excludes(d)),
    )
    .map_err(LintError::Path)?;
    for t in &found.targets {
        options
            .config
            .settings_for(&t.root)
            .map_err(LintError::Config)?;
    }
    let targets: Vec<Target> = found
        .targets
        .iter()
        .map(|t| Target {
            root: Some(t.root.clone()),
            display: t.display.clone(),
        })
        .collect();
    let plugins = load(&targets, &Overrides::none());
    let mut report = lint_plugins(&plugins, options, exe.as_deref());
    for dir in found.empty {
        let display: PathBuf = dir
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let mut diagnostics = Vec::new();
        layout::wazo_dir_missing::run(
            &Plugin::from_text(&display, None, None).without_wazo_dir(),
            &mut diagnostics,
        );
        report.plugins.push(PluginReport {
            display,
            sources: Vec::new(),
            diagnostics,
        });
    }
    Ok(report)
}

/// Lints plugins already read, running shellcheck (`exe`) over all their rules scripts while
/// the checks run, then applying suppression comments.
pub fn lint_plugins(plugins: &[Plugin], options: &LintOptions, exe: Option<&Path>) -> Report {
    // shellcheck runs (as its own process) while our checks run.
    let scripts = shellcheck::scripts(plugins);
    let (mut reports, answer) = match exe {
        Some(_) => std::thread::scope(|scope| {
            let pending =
                scope.spawn(|| shellcheck::run_cached(&scripts, exe, options.cache_dir.as_deref()));
            let reports = lint_each(plugins, options);
            let answer = pending
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (reports, answer)
        }),
        None => (lint_each(plugins, options), None),
    };
    shellcheck::apply(plugins, &mut reports, &options.shellcheck, &scripts, answer);
    shipped::depends_cycle::run(plugins, &mut reports);
    if let Some(exe) = exe {
        meta::shellcheck_directive_unused::check(plugins, &mut reports, exe);
    }
    for (plugin, report) in plugins.iter().zip(&mut reports) {
        suppress::apply(report);
        options.config.apply(plugin.root.as_deref(), report);
        sort(&mut report.diagnostics);
    }
    Report { plugins: reports }
}

/// Lints each plugin, on as many threads as there are cores when there are several plugins.
fn lint_each(plugins: &[Plugin], options: &LintOptions) -> Vec<PluginReport> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || plugins.len() < 8 {
        return plugins.iter().map(|p| lint_plugin(p, options)).collect();
    }
    let chunk = plugins.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = plugins
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| lint_plugin(p, options))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A panic in a check is a bug: propagate it (the binary reports it as exit 3).
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Lints one plugin, without shellcheck and without applying suppressions (see
/// [`lint_plugins`]).
pub fn lint_plugin(plugin: &Plugin, options: &LintOptions) -> PluginReport {
    let mut diagnostics = Vec::new();
    layout::lint(plugin, &mut diagnostics);
    let facts = manifest::lint(plugin, &mut diagnostics);
    rules_script::lint(plugin, facts.as_ref(), &mut diagnostics);
    let shipped_sources = shipped::lint(plugin, options, None, &mut diagnostics);
    let mut sources: Vec<SourceFile> = [&plugin.manifest, &plugin.rules]
        .into_iter()
        .filter_map(|s| s.source().cloned())
        .collect();
    sources.extend(shipped_sources);
    sort(&mut diagnostics);
    PluginReport {
        display: plugin.display.clone(),
        sources,
        diagnostics,
    }
}

/// Orders findings by file, then position, then code.
fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let pos = |d: &Diagnostic| d.primary.as_ref().map_or(0, |l| l.span.start);
        (&a.file, pos(a), &a.code).cmp(&(&b.file, pos(b), &b.code))
    });
}
