//! The validation that keeps a .deb correct, in one place: the package name, version and
//! Depends come from the plugin model only after the checks that guard them passed. `package`,
//! `install` and `test` call it with or without `--no-lint`: that flag skips the lint report,
//! never this.
//!
//! A plugin.yml with an error of [`BLOCKING`] is refused: wazo-plugind's own validation would
//! refuse it, or dpkg-deb would refuse the package it writes, or a value would reach the control
//! file as something else than a value (a newline in a dependency starts a new field). Duplicate
//! keys (WP101) are not among them: PyYAML keeps the last, and so does the package.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::{LintOptions, PluginReport, lint_plugin};
use crate::plugin::load::{FileState, MANIFEST, Plugin};
use crate::plugin::package::PluginMeta;

/// The checks whose errors stop packaging.
pub const BLOCKING: &[&str] = &[
    "WP100", "WP102", "WP103", "WP104", "WP105", "WP106", "WP107", "WP109", "WP110", "WP111",
    "WP113", "WP114", "WP115", "WP117", "WP118", "WP119", "WP120", "WP202", "WP205", "WP206",
    "WP207",
];

/// Why plugin.yml cannot be packaged: the blocking findings, with the sources they point into
/// (rendered like lint's).
#[derive(Debug, Clone)]
pub struct Refusal {
    pub report: PluginReport,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for d in &self.report.diagnostics {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{}: {}", d.code, d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refusal {}

/// What the package will say of the plugin, or why it cannot be packaged.
pub fn package_meta(plugin: &Plugin) -> Result<PluginMeta, Refusal> {
    let mut report = lint_plugin(plugin, &LintOptions::default());
    report
        .diagnostics
        .retain(|d| d.severity == Severity::Error && BLOCKING.contains(&&*d.code));
    if !report.diagnostics.is_empty() {
        return Err(Refusal { report });
    }
    let root = match (&plugin.manifest, &plugin.manifest_yaml) {
        (FileState::Loaded(_), Some(Ok(Some(root)))) => root,
        _ => {
            report.diagnostics.push(Diagnostic::new(
                &crate::lint::layout::manifest_missing::CHECK,
                MANIFEST,
                "wazo/plugin.yml could not be read",
            ));
            return Err(Refusal { report });
        }
    };
    PluginMeta::from_yaml(root).ok_or_else(|| {
        report.diagnostics.push(Diagnostic::new(
            &crate::lint::manifest::field_type::CHECK,
            MANIFEST,
            "plugin.yml's fields cannot be read as wazo-plugind reads them",
        ));
        Refusal { report }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::package::Dependency;

    fn meta(yaml: &str) -> Result<PluginMeta, Refusal> {
        let plugin = Plugin::from_text(
            std::path::Path::new("p"),
            Some(yaml.to_string()),
            Some("#!/bin/sh\n".to_string()),
        );
        package_meta(&plugin)
    }

    fn codes(yaml: &str) -> Vec<String> {
        match meta(yaml) {
            Ok(_) => Vec::new(),
            Err(r) => r
                .report
                .diagnostics
                .iter()
                .map(|d| d.code.to_string())
                .collect(),
        }
    }

    #[test]
    fn helloworld() {
        let m = meta("namespace: demo\nname: helloworld\ndescription: x\nversion: 0.0.1\nplugin_format_version: 0\n").unwrap();
        assert_eq!(m.package_name(), "wazo-plugind-helloworld-demo");
        assert_eq!(
            m.deb_file_name(),
            "wazo-plugind-helloworld-demo_0.0.1_all.deb"
        );
        assert_eq!(m.plugin_format_version, 0);
    }

    #[test]
    fn versions_as_pyyaml_and_str_give_them() {
        for (written, seen) in [
            ("1.10", "1.1"),
            ("'1.10'", "1.10"),
            ("2", "2"),
            ("1.0", "1.0"),
            ("010", "8"),
            ("1.2.3", "1.2.3"),
            // Sexagesimal, as PyYAML reads YAML 1.1: 1*60 + 30.
            ("1:30", "90"),
        ] {
            let m = meta(&format!("name: a\nnamespace: b\nversion: {written}\n")).unwrap();
            assert_eq!(m.version, seen, "{written}");
        }
    }

    #[test]
    fn the_last_duplicate_wins_as_in_pyyaml() {
        let m = meta("name: first\nnamespace: b\nversion: '1'\nname: second\n").unwrap();
        assert_eq!(m.name, "second");
    }

    #[test]
    fn y_is_a_string_for_pyyaml() {
        assert_eq!(
            meta("name: y\nnamespace: b\nversion: '1'\n").unwrap().name,
            "y"
        );
    }

    #[test]
    fn depends_and_debian_depends() {
        let m = meta("name: a\nnamespace: b\nversion: '1'\nplugin_format_version: 1\ndepends:\n  - name: c\n    namespace: d\ndebian_depends: [curl, 'aa | bb']\n").unwrap();
        assert_eq!(
            m.depends,
            vec![Dependency {
                name: "c".into(),
                namespace: "d".into()
            }]
        );
        assert_eq!(m.debian_depends, vec!["curl", "aa | bb"]);
        assert_eq!(m.plugin_format_version, 1);
    }

    #[test]
    fn what_wazo_plugind_or_dpkg_refuses_is_refused_with_the_lint_code() {
        assert_eq!(codes("name: a\nversion: '1'\n"), ["WP104"]);
        assert_eq!(
            codes("name: hello_world\nnamespace: b\nversion: '1'\n"),
            ["WP105"]
        );
        assert_eq!(codes("name: a\nnamespace: b\nversion: v1\n"), ["WP107"]);
        assert_eq!(
            codes("name: a\nnamespace: b\nversion: '1'\ndebian_depends: curl\n"),
            ["WP117"]
        );
        assert_eq!(
            codes("name: a\nnamespace: b\nversion: '1'\nplugin_format_version: '1'\n"),
            ["WP113"]
        );
        assert_eq!(codes("name: [a\n"), ["WP100"]);
        assert_eq!(
            codes("name: ../../x\nnamespace: b\nversion: '1'\n"),
            ["WP105"]
        );
        // A newline would start a control field of its own.
        assert_eq!(
            codes(
                "name: a\nnamespace: b\nversion: '1'\ndebian_depends: [\"curl\\nEssential: yes\"]\n"
            ),
            ["WP118"]
        );
    }
}
