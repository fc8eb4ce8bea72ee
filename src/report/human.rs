//! Rich diagnostics through miette: the snippet, the underline, the code, the help.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::summary_line;
use crate::diagnostic::{Diagnostic, Safety, Severity};
use crate::lint::{PluginReport, Report};

/// How to draw: colours and Unicode only on a terminal that wants them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    pub unicode: bool,
    /// The width to wrap messages and help at (the terminal's, else 80).
    pub width: usize,
    /// Whether the terminal shows OSC 8 hyperlinks: the code links to its documentation,
    /// instead of a footer listing the documentation of each code.
    pub links: bool,
    /// Whether to end with the closing line (counts); `--quiet` leaves it out.
    pub summary: bool,
}

impl Style {
    /// Plain output, for files, pipes and snapshots: 80 columns, no colour, no links.
    pub const PLAIN: Style = Style {
        color: false,
        unicode: true,
        width: 80,
        links: false,
        summary: true,
    };
}

struct View<'a> {
    diagnostic: &'a Diagnostic,
    /// The code as shown: with `[*]` when `--fix` fixes it, `[unsafe fix]` when only
    /// `--unsafe-fixes` does.
    code: String,
    source: NamedSource<String>,
    has_source: bool,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.has_source
            .then_some(&self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.has_source {
            return None;
        }
        let d = self.diagnostic;
        let primary = d
            .primary
            .iter()
            .map(|l| LabeledSpan::new_primary_with_span(l.text.clone(), l.span.start..l.span.end));
        let secondary = d
            .secondary
            .iter()
            .map(|l| LabeledSpan::new_with_span(l.text.clone(), l.span.start..l.span.end));
        Some(Box::new(primary.chain(secondary)))
    }
}

/// The code, marked when a fix is available.
pub(super) fn marked_code(d: &Diagnostic) -> String {
    match d.fix.as_ref().map(|f| f.safety) {
        Some(Safety::Safe) => format!("{} [*]", d.code),
        Some(Safety::Unsafe) => format!("{} [unsafe fix]", d.code),
        None => d.code.to_string(),
    }
}

fn view<'a>(plugin: &PluginReport, diagnostic: &'a Diagnostic) -> View<'a> {
    let name = plugin.display.join(&diagnostic.file);
    let name = name.to_string_lossy().into_owned();
    let code = marked_code(diagnostic);
    match (
        diagnostic.primary.is_some(),
        plugin.source(&diagnostic.file),
    ) {
        (true, Some(source)) => View {
            diagnostic,
            code,
            source: NamedSource::new(name, source.text.clone()),
            has_source: true,
        },
        _ => View {
            diagnostic,
            code,
            source: NamedSource::new(name, String::new()),
            has_source: false,
        },
    }
}

pub fn render(report: &Report, style: Style) -> String {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, _) => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width.max(40));
    // With links, the code is an OSC 8 hyperlink to its documentation; without, the
    // documentation is listed once per code at the end rather than on a line per finding.
    let handler = if style.links {
        handler.with_links(true).with_link_display_text("")
    } else {
        handler.with_urls(false)
    };
    let mut out = String::new();
    let mut docs: Vec<(&str, &str)> = Vec::new();
    for plugin in &report.plugins {
        for d in &plugin.diagnostics {
            let v = view(plugin, d);
            if !v.has_source {
                // No snippet to carry the file name: say where on the first line.
                out.push_str(&format!("{}:\n", plugin.display.join(&d.file).display()));
            }
            if handler.render_report(&mut out, &v).is_err() {
                out.push_str(&format!("{}: {} [{}]\n", d.severity, d.message, d.code));
            }
            out.push('\n');
            if let Some(url) = &d.url
                && !docs.iter().any(|(c, _)| *c == d.code)
            {
                docs.push((&d.code, url));
            }
        }
    }
    if !style.links && !docs.is_empty() {
        docs.sort();
        out.push_str("Documentation (or `wazo-plugin explain CODE`):\n");
        let wide = docs.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
        for (code, url) in docs {
            out.push_str(&format!("  {code:<wide$}  {url}\n"));
        }
        out.push('\n');
    }
    if style.summary {
        let line = summary_line(report);
        // Too wide for the terminal: the fixable counts go on a line of their own.
        match line.split_once(" (") {
            Some((counts, fixes)) if line.chars().count() > style.width => {
                out.push_str(&format!("{counts}\n({fixes}\n"));
            }
            _ => {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::check::{Check, Family};
    use crate::source::SourceFile;

    const CHECK: Check = Check {
        code: "WP999",
        slug: "test-check",
        family: Family::Manifest,
        severity: Severity::Warning,
        summary: "",
        why: "",
        example: "",
        fixed: "",
    };

    fn report() -> Report {
        let text = "name: x\n".to_string();
        let d = Diagnostic::new(&CHECK, "wazo/plugin.yml", "a finding").at(6..7, None);
        Report {
            plugins: vec![PluginReport {
                display: "p".into(),
                sources: vec![SourceFile::new(
                    "p/wazo/plugin.yml".into(),
                    "wazo/plugin.yml".into(),
                    text,
                )],
                diagnostics: vec![d],
            }],
        }
    }

    #[test]
    fn links_on_the_code_or_one_footer() {
        let url = CHECK.url();
        let linked = render(
            &report(),
            Style {
                links: true,
                ..Style::PLAIN
            },
        );
        assert!(
            linked.starts_with(&format!("\u{1b}]8;;{url}\u{1b}\\WP999")),
            "{linked}"
        );
        assert!(!linked.contains("Documentation"), "{linked}");
        let plain = render(&report(), Style::PLAIN);
        assert!(plain.starts_with("WP999\n"), "{plain}");
        assert_eq!(plain.matches(&url).count(), 1, "{plain}");
        assert!(plain.contains(&format!("  WP999  {url}\n")), "{plain}");
        let quiet = render(
            &report(),
            Style {
                summary: false,
                ..Style::PLAIN
            },
        );
        assert!(!quiet.contains("checked"), "{quiet}");
    }
}
