//! `lint` inputs and outputs: the format chosen in GitHub Actions, --output-file,
//! --stdin-filename and --fix.

use std::path::Path;

use assert_cmd::Command;

fn wazo_plugin() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"));
    cmd.env("NO_COLOR", "1").env_remove("GITHUB_ACTIONS");
    cmd
}

const RULES: &str =
    "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n";

fn write_plugin(dir: &Path, manifest: &str) {
    std::fs::create_dir_all(dir.join("wazo")).unwrap();
    std::fs::write(dir.join("wazo/plugin.yml"), manifest).unwrap();
    let rules = dir.join("wazo/rules");
    std::fs::write(&rules, RULES).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&rules, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn stdout(cmd: &mut Command, code: i32) -> String {
    let out = cmd.assert().code(code);
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn github_actions_picks_the_github_format_unless_told() {
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(tmp.path(), "name: a_b\nnamespace: demo\nversion: \"1\"\n");
    let out = stdout(
        wazo_plugin()
            .env("GITHUB_ACTIONS", "true")
            .arg("lint")
            .arg(tmp.path()),
        1,
    );
    assert!(out.starts_with("::error file="), "{out}");
    let out = stdout(
        wazo_plugin()
            .env("GITHUB_ACTIONS", "true")
            .args(["lint", "--format", "short"])
            .arg(tmp.path()),
        1,
    );
    assert!(out.contains(": error: "), "{out}");
}

#[test]
fn output_file_holds_the_report_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("p");
    write_plugin(&plugin, "name: a_b\nnamespace: demo\nversion: \"1\"\n");
    for format in ["human", "short", "json", "sarif", "github"] {
        let file = tmp.path().join(format!("out.{format}"));
        let out = stdout(
            wazo_plugin()
                .args(["lint", "--format", format, "--output-file"])
                .arg(&file)
                .arg(&plugin),
            1,
        );
        assert!(out.is_empty(), "{format}: stdout {out}");
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.contains("WP105"), "{format}: {written}");
    }
}

#[test]
fn stdin_filename_lints_the_buffer_with_the_plugin_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(tmp.path(), "name: good\nnamespace: demo\nversion: \"1\"\n");
    let path = tmp.path().join("wazo/plugin.yml");
    // The file on disk is fine; the buffer is not.
    let out = stdout(
        wazo_plugin()
            .args(["lint", "--format", "short", "--stdin-filename"])
            .arg(&path)
            .write_stdin("name: bad_name\nnamespace: demo\nversion: \"1\"\n"),
        1,
    );
    assert!(out.contains("wazo/plugin.yml:1:10: error:"), "{out}");
    assert!(out.contains("[WP105]"), "{out}");
    assert!(out.contains("1 plugin checked"), "{out}");
    // A buffer of a plugin not on disk yet.
    let out = stdout(
        wazo_plugin()
            .args([
                "lint",
                "--format",
                "short",
                "--stdin-filename",
                "new/wazo/plugin.yml",
            ])
            .write_stdin("name: fine\nnamespace: demo\nversion: \"1\"\n"),
        0,
    );
    assert!(out.contains("no problems"), "{out}");
    // A path that is no plugin file is a usage error.
    wazo_plugin()
        .args(["lint", "--stdin-filename", "README.md"])
        .write_stdin("x")
        .assert()
        .code(2);
}

#[test]
fn fix_quotes_versions_lists_changes_and_relints() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = "name: a\nnamespace: demo\nversion: 1.10\nmax_wazo_version: 25.10 # keep\n";
    write_plugin(tmp.path(), manifest);
    let out = wazo_plugin()
        // A target Wazo release that max_wazo_version 25.10 admits (WP700 otherwise).
        .args([
            "lint",
            "--fix",
            "--wazo-version",
            "25.10",
            "--format",
            "short",
        ])
        .arg(tmp.path())
        .assert()
        .code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(stderr.matches("fixed ").count(), 2, "{stderr}");
    assert!(stderr.contains("quote version [WP108]"), "{stderr}");
    assert!(stdout.contains("no problems"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("wazo/plugin.yml")).unwrap(),
        "name: a\nnamespace: demo\nversion: \"1.10\"\nmax_wazo_version: \"25.10\" # keep\n"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("wazo/rules")).unwrap(),
        RULES
    );
    // Nothing left to fix.
    let out = wazo_plugin()
        .args(["lint", "--fix", "--wazo-version", "25.10"])
        .arg(tmp.path())
        .assert()
        .code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("no fix to apply"), "{stderr}");
}

#[test]
fn fix_and_stdin_do_not_mix() {
    wazo_plugin()
        .args(["lint", "--fix", "--stdin-filename", "p/wazo/plugin.yml"])
        .write_stdin("")
        .assert()
        .code(2);
}
