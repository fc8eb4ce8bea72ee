//! One plugin model: lint of paths, `--stdin-filename`, the language server and `package` give
//! the same answer, because they read a plugin through the same loader (issue: one model).

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

mod common;

const RULES: &str = "#!/bin/sh\ncase \"$1\" in\n  build) ;;\n  package) mkdir -p \"${pkgdir}/etc\" ;;\n  install|uninstall) ;;\n  *) exit 1 ;;\nesac\n";

fn plugin(yaml: &str, rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("wazo")).unwrap();
    std::fs::write(dir.path().join("wazo/plugin.yml"), yaml).unwrap();
    let path = dir.path().join("wazo/rules");
    std::fs::write(&path, rules).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn codes_of(json_report: &[u8]) -> Vec<(String, u64)> {
    let v: Value = serde_json::from_slice(json_report).unwrap();
    let mut out: Vec<(String, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `lint DIR --format json`.
fn lint(dir: &Path) -> Vec<(String, u64)> {
    let out = Command::new(cargo_bin("wazo-plugin"))
        .args(["lint", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    codes_of(&out.stdout)
}

/// `lint --stdin-filename DIR/REL --format json` with `text` on stdin.
fn lint_stdin(dir: &Path, rel: &str, text: &str) -> Vec<(String, u64)> {
    let out = assert_cmd::Command::new(cargo_bin("wazo-plugin"))
        .args(["lint", "--format", "json", "--stdin-filename"])
        .arg(dir.join(rel))
        .write_stdin(text)
        .output()
        .unwrap();
    codes_of(&out.stdout)
}

/// What the language server publishes for `path` opened with `text`: code and 1-based line.
fn lsp(path: &Path, text: &str) -> Vec<(String, u64)> {
    lsp_docs(&[(path, text)])
}

/// What the language server publishes for the last of `docs` once all are open.
fn lsp_docs(docs: &[(&Path, &str)]) -> Vec<(String, u64)> {
    let (server, client) = Connection::memory();
    let thread =
        std::thread::spawn(move || wazo_plugin::lsp::serve(&server).map_err(|e| e.to_string()));
    let request = |id: i32, method: &str, params: Value| {
        Message::Request(Request::new(
            RequestId::from(id),
            method.to_string(),
            params,
        ))
    };
    let notify = |method: &str, params: Value| {
        Message::Notification(Notification::new(method.to_string(), params))
    };
    client
        .sender
        .send(request(
            1,
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        ))
        .unwrap();
    let _ = client.receiver.recv().unwrap();
    client
        .sender
        .send(notify("initialized", json!({})))
        .unwrap();
    let mut diagnostics = Vec::new();
    for (path, text) in docs {
        let uri = wazo_plugin::lsp::path_to_uri(path).unwrap();
        client
            .sender
            .send(notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
            ))
            .unwrap();
        diagnostics = loop {
            let m = client
                .receiver
                .recv_timeout(std::time::Duration::from_secs(30))
                .expect("diagnostics in time");
            if let Message::Notification(n) = m
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == json!(uri)
            {
                break n.params["diagnostics"].as_array().unwrap().clone();
            }
        };
    }
    client
        .sender
        .send(request(2, "shutdown", Value::Null))
        .unwrap();
    let _ = client.receiver.recv();
    client.sender.send(notify("exit", Value::Null)).unwrap();
    thread.join().unwrap().unwrap();
    let mut out: Vec<(String, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
            )
        })
        .collect();
    out.sort();
    out
}

/// `package DIR --output OUT [--no-lint]`: exit code, the .deb files written, stderr.
fn package(dir: &Path, no_lint: bool) -> (i32, Vec<PathBuf>, String) {
    let out_dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(cargo_bin("wazo-plugin"));
    cmd.arg("package")
        .arg(dir)
        .arg("--output")
        .arg(out_dir.path());
    if no_lint {
        cmd.arg("--no-lint");
    }
    let out = cmd.output().unwrap();
    let debs: Vec<PathBuf> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .flatten()
        .map(|e| PathBuf::from(e.file_name()))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        debs,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Lint, stdin and the language server on plugin.yml give the same findings.
fn same_manifest_findings(dir: &Path) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(dir.join("wazo/plugin.yml")).unwrap();
    let manifest = |v: Vec<(String, u64)>| -> Vec<(String, u64)> {
        v.into_iter()
            .filter(|(c, _)| c.starts_with("WP1"))
            .collect()
    };
    let by_path = manifest(lint(dir));
    assert_eq!(manifest(lint_stdin(dir, "wazo/plugin.yml", &text)), by_path);
    assert_eq!(manifest(lsp(&dir.join("wazo/plugin.yml"), &text)), by_path);
    by_path
}

#[test]
fn a_duplicated_name_is_the_last_one_everywhere() {
    let dir = plugin(
        "name: first\nnamespace: acme\nversion: '1'\nname: second\n",
        RULES,
    );
    assert_eq!(
        same_manifest_findings(dir.path()),
        [("WP101".to_string(), 4)]
    );
    let (code, debs, stderr) = package(dir.path(), true);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(debs, [PathBuf::from("wazo-plugind-second-acme_1_all.deb")]);
}

#[test]
fn name_y_is_a_string_everywhere() {
    let dir = plugin("name: y\nnamespace: acme\nversion: '1'\n", RULES);
    assert_eq!(same_manifest_findings(dir.path()), []);
    let (code, debs, stderr) = package(dir.path(), false);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(debs, [PathBuf::from("wazo-plugind-y-acme_1_all.deb")]);
}

#[test]
fn version_1_30_is_packaged_as_wazo_plugind_reads_it() {
    let dir = plugin("name: a\nnamespace: acme\nversion: 1:30\n", RULES);
    let found = same_manifest_findings(dir.path());
    assert!(found.contains(&("WP108".to_string(), 3)), "{found:?}");
    let (code, debs, stderr) = package(dir.path(), false);
    assert_eq!(code, 0, "{stderr}");
    // PyYAML reads 1:30 as the sexagesimal integer 90, and str() gives "90".
    assert_eq!(debs, [PathBuf::from("wazo-plugind-a-acme_90_all.deb")]);
}

#[test]
fn an_injected_control_field_is_refused_with_or_without_lint() {
    let dir = plugin(
        "name: a\nnamespace: acme\nversion: '1'\ndebian_depends:\n  - \"curl\\nEssential: yes\"\n",
        RULES,
    );
    assert_eq!(
        same_manifest_findings(dir.path()),
        [("WP118".to_string(), 5)]
    );
    for no_lint in [false, true] {
        let (code, debs, stderr) = package(dir.path(), no_lint);
        assert_eq!(code, 1, "{stderr}");
        assert!(debs.is_empty(), "{debs:?}");
        assert!(stderr.contains("WP118"), "{stderr}");
    }
}

#[test]
fn no_lint_never_writes_a_package_dpkg_refuses() {
    for (yaml, code) in [
        (
            "name: hello_world\nnamespace: demo\nversion: '1'\n",
            "WP105",
        ),
        ("name: ../../x\nnamespace: demo\nversion: '1'\n", "WP105"),
        ("name: a\nnamespace: demo\nversion: v1\n", "WP107"),
    ] {
        let dir = plugin(yaml, RULES);
        let (exit, debs, stderr) = package(dir.path(), true);
        assert_eq!(exit, 1, "{yaml}: {stderr}");
        assert!(debs.is_empty(), "{yaml}: {debs:?}");
        assert!(stderr.contains(code), "{yaml}: {stderr}");
        // Shown as lint shows it: with the line of plugin.yml.
        assert!(
            stderr.contains("plugin.yml:1:") || stderr.contains("plugin.yml:3:"),
            "{stderr}"
        );
    }
}

fn sc(findings: &[(String, u64)]) -> Vec<(String, u64)> {
    findings
        .iter()
        .filter(|(c, _)| c.starts_with("SC"))
        .cloned()
        .collect()
}

#[test]
fn shellcheck_reads_the_buffer_not_the_file() {
    if common::missing_tool("shellcheck") {
        return;
    }
    let unquoted = "#!/bin/sh\ncase \"$1\" in\n  build) echo $1 ;;\n  package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n";
    let quoted = unquoted.replace("echo $1", "echo \"$1\"");
    // On disk a finding, in the buffer none.
    let dir = plugin("name: a\nnamespace: acme\nversion: '1'\n", unquoted);
    assert_eq!(sc(&lint(dir.path())), [("SC2086".to_string(), 3)]);
    let rules = dir.path().join("wazo/rules");
    assert_eq!(sc(&lint_stdin(dir.path(), "wazo/rules", &quoted)), []);
    assert_eq!(sc(&lsp(&rules, &quoted)), []);
    // The reverse, three lines inserted above: the finding at the buffer's line.
    std::fs::write(&rules, &quoted).unwrap();
    let moved = unquoted.replacen("case", "# one\n# two\n# three\ncase", 1);
    assert_eq!(
        sc(&lint_stdin(dir.path(), "wazo/rules", &moved)),
        [("SC2086".to_string(), 6)]
    );
    assert_eq!(sc(&lsp(&rules, &moved)), [("SC2086".to_string(), 6)]);
    // A buffer whose file does not exist yet is checked too (no WP901).
    let fresh = tempfile::tempdir().unwrap();
    let path = fresh.path().join("new/wazo/rules");
    let found = lsp(&path, unquoted);
    assert!(found.contains(&("SC2086".to_string(), 3)), "{found:?}");
    assert!(!found.iter().any(|(c, _)| c == "WP901"), "{found:?}");
}

#[test]
fn a_suppression_inside_a_string_suppresses_nothing() {
    let rules = "#!/bin/sh\ncase \"$1\" in\n  build) sudo echo \"# wazo-plugin: ignore[WP313]\" ;;\n  package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n";
    let dir = plugin("name: a\nnamespace: acme\nversion: '1'\n", rules);
    let found = lint(dir.path());
    assert!(found.contains(&("WP313".to_string(), 3)), "{found:?}");
    assert!(!found.iter().any(|(c, _)| c == "WP903"), "{found:?}");
    // The same words in a comment do suppress it.
    let commented = rules.replace("\" ;;", "\" ;; # wazo-plugin: ignore[WP313]");
    std::fs::write(dir.path().join("wazo/rules"), commented).unwrap();
    assert!(!lint(dir.path()).iter().any(|(c, _)| c == "WP313"));
}

#[test]
fn git_modes_reach_every_entry_point() {
    if common::missing_tool("git") {
        return;
    }
    let dir = plugin("name: a\nnamespace: acme\nversion: '1'\n", RULES);
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    // Executable on disk, recorded 100644: a clone gets a rules script that cannot run.
    git(&["update-index", "--chmod=-x", "wazo/rules"]);
    let wp306 = |v: Vec<(String, u64)>| v.into_iter().filter(|(c, _)| c == "WP306").count();
    let rules = dir.path().join("wazo/rules");
    assert_eq!(wp306(lint(dir.path())), 1);
    assert_eq!(wp306(lint_stdin(dir.path(), "wazo/rules", RULES)), 1);
    assert_eq!(wp306(lsp(&rules, RULES)), 1);
}

#[test]
fn source_date_epoch_reaches_the_deb_through_options_and_a_bad_one_is_a_usage_error() {
    let dir = plugin("name: a\nnamespace: acme\nversion: '1'\n", RULES);
    let out_dir = tempfile::tempdir().unwrap();
    let run = |epoch: &str| {
        Command::new(cargo_bin("wazo-plugin"))
            .arg("package")
            .arg(dir.path())
            .arg("--output")
            .arg(out_dir.path())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap()
    };
    let bad = run("yesterday");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("SOURCE_DATE_EPOCH"));
    assert_eq!(std::fs::read_dir(out_dir.path()).unwrap().count(), 0);
    let good = run("1700000000");
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let deb = std::fs::read(out_dir.path().join("wazo-plugind-a-acme_1_all.deb")).unwrap();
    // The ar member headers carry the mtime as decimal text.
    assert!(
        deb.windows(10).any(|w| w == b"1700000000"),
        "the .deb carries SOURCE_DATE_EPOCH"
    );
}

#[test]
fn both_open_buffers_of_a_plugin_are_read_by_the_loader() {
    // On disk: format 1 and no postrm arm. In the buffers: format 0, and a postrm arm that
    // does something, which only the two buffers together make a WP302.
    let dir = plugin(
        "name: a\nnamespace: acme\nversion: '1'\nplugin_format_version: 1\n",
        RULES,
    );
    let manifest = "name: a\nnamespace: acme\nversion: '1'\nplugin_format_version: 0\n";
    let rules = RULES.replace(
        "install|uninstall) ;;",
        "install|uninstall) ;;\n  postrm) rm -f /etc/a ;;",
    );
    let found = lsp_docs(&[
        (&dir.path().join("wazo/plugin.yml"), manifest),
        (&dir.path().join("wazo/rules"), &rules),
    ]);
    assert!(found.iter().any(|(c, _)| c == "WP302"), "{found:?}");
    // Either buffer alone does not.
    assert!(
        !lsp(&dir.path().join("wazo/rules"), &rules)
            .iter()
            .any(|(c, _)| c == "WP302")
    );
}
