//! shellcheck over many plugins: the scripts are split over several shellcheck processes, which
//! run while our own checks run; every finding still lands on its own plugin.

mod common;

use std::path::PathBuf;

use wazo_plugin::lint::{LintOptions, lint_paths, shellcheck::Mode};

#[test]
fn every_plugin_gets_its_own_shellcheck_findings() {
    if common::missing_tool("shellcheck") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let manifest = "name: demo\nnamespace: acme\nversion: \"1.0.0\"\nplugin_format_version: 1\n";
    for i in 0..50 {
        let root = tmp.path().join(format!("p{i:02}"));
        std::fs::create_dir_all(root.join("wazo")).unwrap();
        std::fs::write(root.join("wazo/plugin.yml"), manifest).unwrap();
        // Every fifth script is bash; an unquoted variable on line 3 + i % 3 for shellcheck.
        let shell = if i % 5 == 0 { "bash" } else { "sh" };
        let blank = "\n".repeat(i % 3);
        let rules = format!(
            "#!/bin/{shell}\nset -e\n{blank}echo $2\ncase \"$1\" in\n  build|package|install|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n"
        );
        std::fs::write(root.join("wazo/rules"), rules).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            root.join("wazo/rules"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let options = LintOptions {
        shellcheck: Mode::Path(PathBuf::from("shellcheck")),
        ..Default::default()
    };
    let report = lint_paths(&[tmp.path().to_path_buf()], &options).unwrap();
    assert_eq!(report.plugins.len(), 50);
    for (i, plugin) in report.plugins.iter().enumerate() {
        let sc: Vec<_> = plugin
            .diagnostics
            .iter()
            .filter(|d| d.code == "SC2086")
            .collect();
        assert_eq!(
            sc.len(),
            1,
            "{}: {:#?}",
            plugin.display.display(),
            plugin.diagnostics
        );
        let source = plugin.source(std::path::Path::new("wazo/rules")).unwrap();
        let line = source.text[..sc[0].primary.as_ref().unwrap().span.start]
            .matches('\n')
            .count()
            + 1;
        let name = plugin.display.file_name().unwrap().to_string_lossy();
        let n: usize = name[1..].parse().unwrap();
        assert_eq!(n, i, "plugins keep their order");
        assert_eq!(line, 3 + n % 3, "{name}: the finding of another plugin");
    }
}
