//! `wazo-plugin config SERVICE [PATH]`: the values a service gets from the plugin's conf.d
//! files, the first file in alphabetical order winning, each with its file.

use std::path::Path;

use assert_cmd::Command;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn plugin() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "wazo/plugin.yml",
        "name: x\nnamespace: acme\nversion: '1'\n",
    );
    write(
        root,
        "wazo/rules",
        "#!/bin/sh\ncase \"$1\" in\n  build) ;;\n  package)\n    mkdir -p \"${pkgdir}/etc\"\n    cp -R etc/* \"${pkgdir}/etc/\"\n    ;;\n  install|uninstall) systemctl restart wazo-calld ;;\n  *) exit 1 ;;\nesac\n",
    );
    write(
        root,
        "etc/wazo-calld/conf.d/60-late.yml",
        "enabled_plugins:\n  x: false\n  y: true\nlog_level: info\n",
    );
    write(
        root,
        "etc/wazo-calld/conf.d/50-early.yml",
        "enabled_plugins:\n  x: true\n",
    );
    write(
        root,
        "etc/wazo-calld/conf.d/70-ignored.yaml",
        "log_level: debug\n",
    );
    dir
}

#[test]
fn the_first_file_wins_and_each_value_names_its_file() {
    let dir = plugin();
    let out = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .args(["config", "wazo-calld"])
        .arg(dir.path())
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("in this order, the first to set a value wins: 50-early.yml, 60-late.yml"),
        "{text}"
    );
    assert!(
        text.contains("enabled_plugins.x: true    # 50-early.yml, over 60-late.yml"),
        "{text}"
    );
    assert!(
        text.contains("enabled_plugins.y: true    # 60-late.yml\n"),
        "{text}"
    );
    assert!(
        text.contains("log_level: info    # 60-late.yml\n"),
        "{text}"
    );
    assert!(
        text.contains("70-ignored.yaml is skipped by wazo-calld"),
        "{text}"
    );

    let out = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .args(["config", "wazo-calld", "--json"])
        .arg(dir.path())
        .assert()
        .code(0);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        json["files"],
        serde_json::json!(["50-early.yml", "60-late.yml"])
    );
    assert_eq!(
        json["settings"][0]["path"],
        serde_json::json!(["enabled_plugins", "x"])
    );
    assert_eq!(json["settings"][0]["file"], "50-early.yml");
}

#[test]
fn an_unknown_service_or_folder_is_a_usage_error() {
    let dir = plugin();
    let run = |args: &[&str]| {
        Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
            .args(args)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone()
    };
    let err = run(&["config", "xivo-ctid-ng", dir.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&err).contains("renamed wazo-calld"));
    let err = run(&[
        "config",
        "wazo-calld",
        dir.path().join("etc").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&err).contains("not a plugin folder"));
}
