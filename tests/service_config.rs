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

/// A wazo-auth plugin: Wazo's own conf.d files (wazo-auth-keys' `50-wazo-default.yml`, the
/// remote database's `50-db.yml`) are merged with the plugin's, each value naming its file
/// and, for Wazo's, the upstream source; lists accumulate in wazo-auth.
fn auth_plugin() -> tempfile::TempDir {
    let dir = plugin();
    let root = dir.path();
    std::fs::remove_dir_all(root.join("etc")).unwrap();
    write(
        root,
        "etc/wazo-auth/conf.d/60-acme.yml",
        "enabled_metadata_plugins:\n  user_admin_status: false\n  acme: true\n\
         default_policies:\n  wazo_default_user_policy:\n    acl: [acme.users.me.#]\n",
    );
    write(
        root,
        "etc/wazo-auth/conf.d/40-acme-first.yml",
        "default_user_policy: acme_user_policy\n",
    );
    dir
}

fn config(args: &[&str], dir: &Path) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .args(args)
        .arg(dir)
        .assert()
        .code(0);
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn wazo_s_own_files_are_merged_with_their_source() {
    let dir = auth_plugin();
    let text = config(&["config", "wazo-auth"], dir.path());
    insta::assert_snapshot!("wazo_auth_text", text);
    let json = config(&["config", "wazo-auth", "--json"], dir.path());
    insta::assert_snapshot!("wazo_auth_json", json);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The shape of before, extended.
    assert_eq!(
        json["files"],
        serde_json::json!(["40-acme-first.yml", "60-acme.yml"])
    );
    let find = |path: &[&str]| {
        json["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["path"] == serde_json::json!(path))
            .cloned()
            .unwrap()
    };
    let s = find(&["enabled_metadata_plugins", "user_admin_status"]);
    assert_eq!(s["value"], "true");
    assert_eq!(s["file"], "50-wazo-default.yml");
    assert_eq!(
        s["origin"],
        "wazo default (wazo-platform/wazo-auth-keys@0fb6489:etc/wazo-auth/conf.d/50-wazo-default.yml)"
    );
    assert_eq!(s["overridden_in"], serde_json::json!(["60-acme.yml"]));
    let s = find(&["default_user_policy"]);
    assert_eq!(
        (s["file"].clone(), s["origin"].clone()),
        ("40-acme-first.yml".into(), "plugin".into())
    );
    assert_eq!(
        s["overridden_in"],
        serde_json::json!(["50-wazo-default.yml"])
    );
    let s = find(&["default_policies", "wazo_default_user_policy", "acl"]);
    assert_eq!(s["extended_in"], serde_json::json!(["60-acme.yml"]));
    assert_eq!(
        json["read_order"],
        serde_json::json!([
            "40-acme-first.yml",
            "50-db.yml",
            "50-wazo-default.yml",
            "60-acme.yml"
        ])
    );
}

/// config.yml and the built-in defaults come after every conf.d file: a plugin's file that
/// disables one of Wazo's default plugins wins over both.
#[test]
fn the_defaults_come_last_and_only_fill_in() {
    let dir = plugin();
    write(
        dir.path(),
        "etc/wazo-calld/conf.d/90-no-faxes.yml",
        "enabled_plugins:\n  faxes: false\n",
    );
    let text = config(&["config", "wazo-calld"], dir.path());
    assert!(
        text.contains(
            "enabled_plugins.faxes: false    # 90-no-faxes.yml, over built-in defaults\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "enabled_plugins.calls: true    # config.yml: wazo default \
             (wazo-platform/wazo-calld@07b6704:etc/wazo-calld/config.yml)\n"
        ),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&config(&["config", "wazo-calld", "--json"], dir.path())).unwrap();
    assert_eq!(
        json["defaults"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["config.yml", "built-in defaults"]
    );
    assert_eq!(
        json["files"],
        serde_json::json!(["50-early.yml", "60-late.yml", "90-no-faxes.yml"])
    );
}
