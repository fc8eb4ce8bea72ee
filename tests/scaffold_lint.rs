//! Every shipped template generates a plugin that lints without a single finding.

mod common;

use wazo_plugin::scaffold::{Options, builtin_names, generate_to};

#[test]
fn generated_plugins_lint_clean() {
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
            let report = common::lint_dir(&dir);
            assert!(
                report.diagnostics.is_empty(),
                "{template} (format {format}) has findings: {:#?}",
                report.diagnostics
            );
        }
    }
}
