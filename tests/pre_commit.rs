//! The pre-commit hooks: their entry run the way pre-commit runs it, from the repository root
//! with the matching files as arguments.

use std::path::Path;

use assert_cmd::Command;

const HOOKS: &str = include_str!("../.pre-commit-hooks.yaml");

/// The values of `key:` in the hooks file, in order.
fn values(key: &str) -> Vec<&'static str> {
    HOOKS
        .lines()
        .filter_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix(key))
        .map(str::trim)
        .collect()
}

fn write_plugin(dir: &Path, name: &str) {
    std::fs::create_dir_all(dir.join("wazo")).unwrap();
    std::fs::write(
        dir.join("wazo/plugin.yml"),
        format!("name: {name}\nnamespace: demo\nversion: \"1\"\n"),
    )
    .unwrap();
    let rules = dir.join("wazo/rules");
    std::fs::write(
        &rules,
        "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&rules, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn hooks_are_declared_for_both_languages() {
    assert_eq!(
        values("id:"),
        ["wazo-plugin-lint", "wazo-plugin-lint-system"]
    );
    assert_eq!(values("language:"), ["rust", "system"]);
    for files in values("files:") {
        assert_eq!(files, r"(^|/)wazo/(plugin\.yml|rules)$");
    }
    assert_eq!(values("require_serial:"), ["true", "true"]);
}

#[test]
fn entry_lints_each_plugin_of_the_files_once() {
    let entries = values("entry:");
    assert_eq!(entries[0], entries[1]);
    let mut words = entries[0].split_whitespace();
    assert_eq!(words.next(), Some("wazo-plugin"));
    let args: Vec<&str> = words.collect();

    let repo = tempfile::tempdir().unwrap();
    write_plugin(&repo.path().join("good"), "good");
    write_plugin(&repo.path().join("plugins/bad"), "bad_name");
    write_plugin(repo.path(), "top");
    // As pre-commit passes them: paths relative to the repository root, both files of a
    // plugin, several plugins, and a plugin at the root.
    let files = [
        "good/wazo/plugin.yml",
        "plugins/bad/wazo/rules",
        "good/wazo/rules",
        "plugins/bad/wazo/plugin.yml",
        "wazo/plugin.yml",
    ];
    let out = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .current_dir(repo.path())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(&args)
        .args(files)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(
        stdout,
        "plugins/bad/wazo/plugin.yml:1:10: error: name `bad_name` contains `_`, only a-z, 0-9 \
         and - are allowed [WP105]\n3 plugins checked: 1 error, 0 warnings\n"
    );
}
