//! Every shipped template generates a plugin that lints without a single finding, shellcheck
//! included.

mod common;

use wazo_plugin::lint::{LintOptions, lint_paths};
use wazo_plugin::scaffold::{Options, builtin_names, generate_to};

#[test]
fn generated_plugins_lint_clean_with_shellcheck() {
    let shellcheck = !common::missing_tool("shellcheck");
    for template in builtin_names() {
        for format in ["0", "1"] {
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("myplugin");
            let options = Options {
                template: template.clone(),
                values: vec![
                    ("name".into(), "myplugin".into()),
                    ("namespace".into(), "acme".into()),
                    ("plugin_format_version".into(), format.into()),
                ],
                git: false,
                ..Default::default()
            };
            generate_to(&dir, &options).unwrap_or_else(|e| panic!("{template}: {e}"));
            let report = lint_paths(std::slice::from_ref(&dir), &LintOptions::default()).unwrap();
            let diagnostics = &report.plugins[0].diagnostics;
            // Without shellcheck the only finding allowed is the note saying it is missing.
            let findings: Vec<_> = diagnostics
                .iter()
                .filter(|d| shellcheck || d.code != "WP900")
                .collect();
            assert!(
                findings.is_empty(),
                "{template} (format {format}) has findings: {findings:#?}"
            );
        }
    }
}
