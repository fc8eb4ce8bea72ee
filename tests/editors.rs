//! The language server in a real editor: neovim, headless, set up with the init.lua snippet of
//! docs/integrations.md as written (the binary found on PATH), then driven by its built-in LSP
//! client (tests/data/nvim_client.lua). Skips when nvim is missing; fails instead under
//! WAZO_PLUGIN_TEST_STRICT=1.

mod common;

use std::process::Command;

/// The neovim 0.7-0.10 set-up of docs/integrations.md: the lua block after its heading line.
fn doc_snippet() -> String {
    let docs = include_str!("../docs/integrations.md");
    let at = docs
        .find("neovim 0.7 to 0.10")
        .expect("the neovim 0.7 set-up in docs/integrations.md");
    let rest = &docs[at..];
    let start = rest.find("```lua\n").expect("a lua block") + "```lua\n".len();
    let end = rest[start..].find("```").expect("the end of the block");
    rest[start..start + end].to_string()
}

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
    let init = tmp.path().join("init.lua");
    std::fs::write(&init, doc_snippet()).unwrap();
    let out = tmp.path().join("out");
    let bin_dir = assert_cmd::cargo::cargo_bin!("wazo-plugin")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Command::new("timeout")
        .arg("60")
        .arg("nvim")
        .args(["--headless", "--noplugin", "-i", "NONE", "-u"])
        .arg(&init)
        .arg("-c")
        .arg(format!("luafile {script}"))
        .arg("hello/wazo/plugin.yml")
        .current_dir(tmp.path())
        .env("PATH", path)
        .env("NVIM_OUT", &out)
        .env("HOME", tmp.path())
        .status()
        .unwrap();
    assert!(status.success(), "{status}");
    let log = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        log,
        "client wazo_plugin\n\
         diagnostic 0:11 WP105 1\n\
         diagnostic 2:9 WP108 2\n\
         hover **namespace**\n\
         action quickfix quote version (WP108)\n\
         action source.fixAll Fix all wazo-plugin findings of the plugin (1)\n\
         line3 version: \"1.10\"\n"
    );
}
