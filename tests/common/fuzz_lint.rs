//! What the `manifest` and `rules` fuzz targets run on one input, shared with the regression
//! test that replays the saved inputs (tests/fuzz_regressions.rs). Panics on a broken
//! invariant: a span outside its file or off a character boundary, or a fix that cannot be
//! applied to the text it was computed on.
#![allow(dead_code)]

use std::path::Path;

use wazo_plugin::diagnostic::FixAction;
use wazo_plugin::lint::{LintOptions, Report, lint_plugins, shellcheck};
use wazo_plugin::plugin::load::Plugin;
use wazo_plugin::report::{self, Format, Style};

/// A rules script that triggers nothing, used when the manifest is fuzzed.
const GOOD_RULES: &str = "#!/bin/sh\ncase \"$1\" in\n  build) ;;\n  package) ;;\n  install) ;;\n  uninstall) ;;\n  postrm) ;;\n  *) echo \"unknown: $1\" >&2; exit 1 ;;\nesac\n";

const MANIFESTS: [&str; 2] = [
    "name: fuzz\nnamespace: acme\nversion: 1.0.0\n",
    "name: fuzz\nnamespace: acme\nversion: 1.0.0\nplugin_format_version: 1\n",
];

/// Bytes to text as `Plugin::load` does: lossily when not UTF-8.
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Fuzzes plugin.yml. The rules script is left out (the shell parser would dominate the
/// time), except for inputs ending in a newline and `#`, which get a good one.
pub fn manifest(data: &[u8]) {
    let rules = data.ends_with(b"\n#").then(|| GOOD_RULES.to_string());
    run(Some(text(data)), rules);
}

/// Fuzzes wazo/rules: the first byte chooses the plugin format version.
pub fn rules(data: &[u8]) {
    let (first, rest) = data.split_first().unwrap_or((&0, &[]));
    let manifest = MANIFESTS[usize::from(first & 1)];
    run(Some(manifest.to_string()), Some(text(rest)));
}

fn run(manifest: Option<String>, rules: Option<String>) {
    let text_len = manifest.as_ref().map_or(0, String::len) + rules.as_ref().map_or(0, String::len);
    let plugin = Plugin::from_text(Path::new("fuzz"), manifest, rules);
    let options = LintOptions {
        shellcheck: shellcheck::Mode::Never,
        ..Default::default()
    };
    let report = lint_plugins(std::slice::from_ref(&plugin), &options, None);
    check_spans(&report);
    // SARIF carries every check's documentation and costs most of a run: rendered for one
    // input in eight (by length), like GitHub's format.
    let every = [Format::Human, Format::Short, Format::Json];
    let some = [Format::Sarif, Format::Github];
    let len = report
        .plugins
        .iter()
        .map(|p| p.diagnostics.len())
        .sum::<usize>();
    let extra = if (len + text_len).is_multiple_of(8) {
        &some[..]
    } else {
        &[]
    };
    for format in every.iter().chain(extra) {
        std::hint::black_box(report::render(&report, *format, Style::PLAIN));
    }
    check_fixes(&report);
}

fn check_spans(report: &Report) {
    for plugin in &report.plugins {
        for d in &plugin.diagnostics {
            let labels = d.primary.iter().chain(&d.secondary);
            for label in labels {
                let source = plugin
                    .source(&d.file)
                    .unwrap_or_else(|| panic!("{}: a span in a file with no source", d.code));
                let text = &source.text;
                let span = &label.span;
                assert!(
                    span.start <= span.end && span.end <= text.len(),
                    "{}: span {span:?} outside a text of {} bytes",
                    d.code,
                    text.len()
                );
                assert!(
                    text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                    "{}: span {span:?} off a character boundary",
                    d.code
                );
            }
        }
    }
}

/// The fixes `lint --fix` would take apply to the linted text.
fn check_fixes(report: &Report) {
    for plugin in &report.plugins {
        let plan = wazo_plugin::fix::plan(&plugin.diagnostics);
        for (file, edits) in &plan.edits {
            let source = plugin
                .source(file)
                .unwrap_or_else(|| panic!("a fix edits {}, which has no source", file.display()));
            if let Err(e) = wazo_plugin::fix::apply_edits(&source.text, edits) {
                panic!("a fix does not apply: {e}");
            }
        }
        for d in &plugin.diagnostics {
            for action in d.fix.iter().flat_map(|f| &f.actions) {
                if let FixAction::Edit { file, span, .. } = action {
                    assert!(
                        plugin
                            .source(file)
                            .is_some_and(|s| span.end <= s.text.len())
                    );
                }
            }
        }
    }
}
