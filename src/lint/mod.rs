//! The lint engine and its checks.

pub mod buffer;
pub mod catalogue;
pub mod check;
pub mod layout;
pub mod manifest;
pub mod registry;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::plugin::discover::{DiscoverError, discover};
use crate::plugin::load::Plugin;
use crate::source::SourceFile;

/// Options of a lint run.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {}

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

/// Lints every plugin named by `paths` (see [`discover`]).
pub fn lint_paths(paths: &[PathBuf], options: &LintOptions) -> Result<Report, DiscoverError> {
    let found = discover(paths)?;
    let mut plugins: Vec<PluginReport> = found
        .targets
        .iter()
        .map(|t| lint_plugin(&Plugin::load(&t.root, &t.display), options))
        .collect();
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
        plugins.push(PluginReport {
            display,
            sources: Vec::new(),
            diagnostics,
        });
    }
    Ok(Report { plugins })
}

/// Lints one plugin.
pub fn lint_plugin(plugin: &Plugin, _options: &LintOptions) -> PluginReport {
    let mut diagnostics = Vec::new();
    layout::lint(plugin, &mut diagnostics);
    manifest::lint(plugin, &mut diagnostics);
    let sources: Vec<SourceFile> = [&plugin.manifest, &plugin.rules]
        .into_iter()
        .filter_map(|s| s.source().cloned())
        .collect();
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
        (&a.file, pos(a), a.code).cmp(&(&b.file, pos(b), b.code))
    });
}
