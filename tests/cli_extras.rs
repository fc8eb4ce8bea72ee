//! The small commands: schema, completions, man.

use assert_cmd::Command;

fn wazo_plugin() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
}

fn stdout(args: &[&str]) -> String {
    let out = wazo_plugin().args(args).assert().code(0);
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn schema_prints_the_docs_file() {
    let printed = stdout(&["schema"]);
    let docs = include_str!("../docs/plugin.schema.json");
    assert_eq!(printed, docs);
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _wazo__plugin"),
        ("zsh", "#compdef wazo-plugin"),
        ("fish", "complete -c wazo-plugin"),
        ("elvish", "wazo-plugin"),
        ("powershell", "wazo-plugin"),
    ] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("lint"), "{shell} completes subcommands");
    }
    wazo_plugin().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_prints_or_writes_one_per_command() {
    let page = stdout(&["man"]);
    assert!(page.starts_with(".ie"), "{}", &page[..page.len().min(200)]);
    assert!(page.contains(".TH wazo-plugin 1"), "roff title");
    let tmp = tempfile::tempdir().unwrap();
    wazo_plugin()
        .args(["man", "--out-dir"])
        .arg(tmp.path())
        .assert()
        .code(0);
    for page in ["wazo-plugin.1", "wazo-plugin-lint.1", "wazo-plugin-lsp.1"] {
        assert!(tmp.path().join(page).is_file(), "{page}");
    }
}
