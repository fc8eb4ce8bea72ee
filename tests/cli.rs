//! The command line as users and tools see it: exit codes, formats, paths.

mod common;

use std::path::Path;

use assert_cmd::Command;

fn wazo_plugin() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"));
    cmd.env("NO_COLOR", "1").env_remove("GITHUB_ACTIONS");
    cmd
}

fn example() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/examples/helloworld")
}

fn write_plugin(dir: &Path, manifest: &str) {
    std::fs::create_dir_all(dir.join("wazo")).unwrap();
    std::fs::write(dir.join("wazo/plugin.yml"), manifest).unwrap();
    let rules = dir.join("wazo/rules");
    std::fs::write(
        &rules,
        "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&rules, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn helloworld_lints_clean() {
    let out = wazo_plugin()
        .args(["lint", "--format", "json", example()])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    assert_eq!(v["summary"]["warnings"], 0, "{v:#}");
}

#[test]
fn helloworld_gets_no_sc2086_nor_sc2154_on_pkgdir() {
    if common::missing_tool("shellcheck") {
        return;
    }
    let out = wazo_plugin()
        .args(["lint", "--format", "short", example()])
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    // Line 7 has an unquoted ${pkgdir}: wazo-plugind's pkgdir has no space nor glob.
    assert!(!stdout.contains("SC2086"), "{stdout}");
    assert!(!stdout.contains("SC2154"), "{stdout}");
}

#[test]
fn explicit_shellcheck_that_does_not_exist_is_a_usage_error() {
    let out = wazo_plugin()
        .args(["lint", "--shellcheck", "/no/such/shellcheck", example()])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("/no/such/shellcheck"), "{stderr}");
}

#[test]
fn missing_shellcheck_is_said_once() {
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(
        &tmp.path().join("a"),
        "name: a\nnamespace: demo\nversion: 1.0.0\nplugin_format_version: 1\n",
    );
    write_plugin(
        &tmp.path().join("b"),
        "name: b\nnamespace: demo\nversion: 1.0.0\nplugin_format_version: 1\n",
    );
    let out = wazo_plugin()
        .env("PATH", "/nonexistent")
        .args(["lint", "--format", "short"])
        .arg(tmp.path())
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(stdout.matches("[WP900]").count(), 1, "{stdout}");
    let out = wazo_plugin()
        .env("PATH", "/nonexistent")
        .args(["lint", "--format", "short", "--shellcheck", "never"])
        .arg(tmp.path())
        .assert()
        .code(0);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(!stdout.contains("WP900"), "{stdout}");
}

#[test]
fn one_defect_per_line_is_found_on_each_line_at_its_column() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = "\
name: Hello_World
namespace: my-corp
version: v1.0
plugin_format_version: \"1\"
max_wazo_version: 25.10
display_name: yes
debian_depends: curl
homepage: [a]
namspace: demo
";
    write_plugin(tmp.path(), manifest);
    let out = wazo_plugin()
        .args(["lint", "--format", "short"])
        .arg(tmp.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let expected = [
        (1, 7, "WP105"),
        (2, 14, "WP106"),
        (3, 10, "WP107"),
        (4, 24, "WP113"),
        (5, 19, "WP108"),
        (6, 15, "WP109"),
        (7, 17, "WP117"),
        (8, 11, "WP122"),
        (9, 1, "WP121"),
    ];
    for (line, col, code) in expected {
        let needle = format!("wazo/plugin.yml:{line}:{col}: ");
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(&needle) && l.ends_with(&format!("[{code}]"))),
            "no {code} at {line}:{col} in:\n{stdout}"
        );
    }
}

#[test]
fn json_contract() {
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(
        tmp.path(),
        "name: x_y\nnamespace: demo\nversion: 1.0.0\nplugin_format_version: 1\nfoo: 1\n",
    );
    let out = wazo_plugin()
        .current_dir(tmp.path())
        .args(["lint", "--format", "json", "wazo/plugin.yml"])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "WP105");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "wazo/plugin.yml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(8))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(1), Some(9))
    );
    assert_eq!(d["help"], "use `x-y`");
    assert!(d["url"].as_str().unwrap().ends_with("#wp105-name-invalid"));
    assert_eq!(v["diagnostics"][1]["code"], "WP121");
    assert!(
        v["diagnostics"][1]["help"]
            .as_str()
            .unwrap()
            .starts_with("known keys: name,")
    );
    assert_eq!(v["summary"]["plugins"], 1);
    // An unknown key that is no misspelling breaks nothing: a note.
    assert_eq!(v["diagnostics"][1]["severity"], "info");
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["warnings"], 0);
}

#[test]
fn file_paths_join_the_plugin_as_named() {
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(
        &tmp.path().join("plugins/a"),
        "name: a\nnamespace: demo\nversion: x\n",
    );
    let out = wazo_plugin()
        .current_dir(tmp.path())
        .args([
            "lint",
            "--format",
            "short",
            ".",
            "plugins/a",
            "plugins/a/wazo/rules",
        ])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.starts_with("plugins/a/wazo/plugin.yml:3:10: error:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 plugin checked"),
        "each plugin is linted once:\n{stdout}"
    );
}

#[test]
fn warnings_pass_unless_strict() {
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(tmp.path(), "name: a\nnamespace: demo\nversion: 1.10\n");
    wazo_plugin().arg("lint").arg(tmp.path()).assert().code(0);
    wazo_plugin()
        .args(["lint", "--strict"])
        .arg(tmp.path())
        .assert()
        .code(1);
    for format in ["human", "short", "json"] {
        wazo_plugin()
            .args(["lint", "--strict", "--format", format])
            .arg(tmp.path())
            .assert()
            .code(1);
    }
}

#[test]
fn usage_errors_exit_2() {
    wazo_plugin().args(["lint", "--nope"]).assert().code(2);
    wazo_plugin()
        .args(["lint", "--format", "xml", example()])
        .assert()
        .code(2);
    wazo_plugin().args(["explain", "WP999"]).assert().code(2);
    wazo_plugin().arg("frobnicate").assert().code(2);
}

#[test]
fn missing_and_skipped_paths_are_reported_and_the_others_linted() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("README.md"), "hi\n").unwrap();
    let out = wazo_plugin()
        .current_dir(tmp.path())
        .args([
            "lint",
            "--format=short",
            "--shellcheck=never",
            "nope/wazo/plugin.yml",
            "README.md",
        ])
        .arg(example())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(
        stdout,
        "nope/wazo/plugin.yml:1:1: error: `nope/wazo/plugin.yml` does not exist [WP904]\n\
         README.md:1:1: info: `README.md` is not part of a plugin (no wazo/ folder above it): \
         skipped [WP905]\n1 plugin checked: 1 error, 0 warnings, 1 note\n"
    );
    // JSON: the findings, and the one plugin linted.
    let out = wazo_plugin()
        .current_dir(tmp.path())
        .args(["lint", "--format=json", "--shellcheck=never", "nope"])
        .arg(example())
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["code"], "WP904");
    assert_eq!(json["summary"]["plugins"], 1);
    // A skipped file alone is no failure.
    wazo_plugin()
        .current_dir(tmp.path())
        .args(["lint", "README.md"])
        .assert()
        .code(0);
}

#[test]
fn a_folder_without_plugins_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = wazo_plugin()
        .arg("lint")
        .arg("--format=short")
        .arg(tmp.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("[WP201]"), "{stdout}");
}

#[test]
fn explain_and_list_rules() {
    let out = wazo_plugin().args(["explain", "WP105"]).assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.starts_with("## WP105 name-invalid"), "{text}");
    assert!(text.contains("### Use instead"));
    wazo_plugin()
        .args(["explain", "name-invalid"])
        .assert()
        .code(0);
    let out = wazo_plugin()
        .args(["lint", "--list-rules"])
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for c in wazo_plugin::lint::registry::checks() {
        assert!(
            text.contains(c.code) && text.contains(c.slug),
            "{} not listed",
            c.code
        );
    }
}

#[test]
fn no_color_without_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(tmp.path(), "name: A\nnamespace: demo\nversion: 1.0.0\n");
    let out = wazo_plugin()
        .env_remove("NO_COLOR")
        .arg("lint")
        .arg(tmp.path())
        .assert()
        .code(1);
    assert!(
        !out.get_output().stdout.contains(&0x1b),
        "escape codes in piped output"
    );
}

#[test]
fn rules_executable_on_disk_but_not_in_git_is_reported() {
    if common::missing_tool("git") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(
        tmp.path(),
        "name: a\nnamespace: demo\nversion: 1.0.0\nplugin_format_version: 1\n",
    );
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(tmp.path())
            .args(args)
            .status()
            .unwrap();
        assert!(status.success());
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["update-index", "--chmod=-x", "wazo/rules"]);
    let out = wazo_plugin()
        .args(["lint", "--format", "short", "--shellcheck", "never"])
        .arg(tmp.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("git records wazo/rules as not executable (100644)")
            && stdout.contains("[WP306]"),
        "{stdout}"
    );
}
