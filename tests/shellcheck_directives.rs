//! WP906 shellcheck-directive-unused, with the real shellcheck: the documented example is
//! reported and its fixed form is not; a directive whose code shellcheck does find is kept;
//! without shellcheck nothing is reported.

mod common;

use std::path::Path;

use wazo_plugin::lint::{LintOptions, Report, lint_plugins, registry};
use wazo_plugin::plugin::load::Plugin;

fn lint(rules: &str, exe: Option<&Path>) -> Report {
    let plugin = Plugin::from_text(
        Path::new("myplugin"),
        Some(
            "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\nplugin_format_version: 1\n"
                .into(),
        ),
        Some(rules.into()),
    );
    lint_plugins(&[plugin], &LintOptions::default(), exe)
}

fn codes(report: &Report) -> Vec<String> {
    report.plugins[0]
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
        .collect()
}

#[test]
fn dead_directives_are_reported() {
    if common::missing_tool("shellcheck") {
        return;
    }
    let exe = which::which("shellcheck").unwrap();
    let check = registry::find("WP906").unwrap();
    let bad = lint(check.example, Some(&exe));
    assert_eq!(codes(&bad), ["WP906"], "{:#?}", bad.plugins[0].diagnostics);
    let good = lint(check.fixed, Some(&exe));
    assert!(
        codes(&good).is_empty(),
        "{:#?}",
        good.plugins[0].diagnostics
    );
    insta::assert_snapshot!(
        "WP906-shellcheck-directive-unused",
        common::renderings(&common::only(bad.plugins[0].clone(), "WP906"))
    );

    // A live directive stays; of two codes in one directive, only the dead one is reported.
    let live = "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        \
                # shellcheck disable=SC2086,SC2034\n        echo $1\n        ;;\n    *)\n        \
                exit 1\n        ;;\nesac\n";
    let report = lint(live, Some(&exe));
    let dead: Vec<&str> = report.plugins[0]
        .diagnostics
        .iter()
        .filter(|d| d.code == "WP906")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(dead[0].contains("SC2034"), "{dead:?}");
    // Suppressed like any finding.
    let ignored = live.replace(
        "# shellcheck disable=SC2086,SC2034",
        "# shellcheck disable=SC2086,SC2034  # wazo-plugin: ignore[WP906]",
    );
    assert!(!codes(&lint(&ignored, Some(&exe))).contains(&"WP906".to_string()));
}

#[test]
fn nothing_without_shellcheck() {
    let check = registry::find("WP906").unwrap();
    assert!(!codes(&lint(check.example, None)).contains(&"WP906".to_string()));
}
