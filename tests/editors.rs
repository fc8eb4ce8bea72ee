//! The language server in a real editor: neovim, headless, as its built-in LSP client starts
//! and drives it (tests/data/nvim_client.lua). Skips when nvim is missing; fails instead under
//! WAZO_PLUGIN_TEST_STRICT=1.

mod common;

use std::process::Command;

#[test]
fn neovim_gets_diagnostics_hover_and_applies_a_fix() {
    if common::missing_tool("nvim") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("hello");
    std::fs::create_dir_all(root.join("wazo")).unwrap();
    std::fs::write(
        root.join("wazo/plugin.yml"),
        "name: hello_x\nnamespace: demo\nversion: 1.10\n",
    )
    .unwrap();
    let rules = root.join("wazo/rules");
    std::fs::write(
        &rules,
        "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&rules, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nvim_client.lua");
    let out = tmp.path().join("out");
    let status = Command::new("timeout")
        .arg("60")
        .arg("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {script}"))
        .arg("hello/wazo/plugin.yml")
        .current_dir(tmp.path())
        .env(
            "WAZO_PLUGIN_BIN",
            assert_cmd::cargo::cargo_bin!("wazo-plugin"),
        )
        .env("NVIM_OUT", &out)
        .env("HOME", tmp.path())
        .status()
        .unwrap();
    assert!(status.success(), "{status}");
    let log = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        log,
        "diagnostic 0:11 WP105 1\n\
         diagnostic 2:9 WP108 2\n\
         hover **namespace**\n\
         action quickfix quote version (WP108)\n\
         action source.fixAll Fix all wazo-plugin findings of the plugin (1)\n\
         line3 version: \"1.10\"\n"
    );
}
