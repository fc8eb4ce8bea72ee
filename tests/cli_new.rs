//! End-to-end tests of `wazo-plugin new`.

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::cargo::cargo_bin_cmd;

/// Runs `wazo-plugin new ARGS` in `cwd` with no terminal on stdin.
fn new(cwd: &Path, args: &[&str]) -> Output {
    cargo_bin_cmd!("wazo-plugin")
        .current_dir(cwd)
        .arg("new")
        .args(args)
        .write_stdin("")
        .output()
        .unwrap()
}

fn text(bytes: &[u8], root: &Path) -> String {
    String::from_utf8_lossy(bytes).replace(&root.display().to_string(), "[TMP]")
}

/// Every file under `dir` with its contents, for byte-for-byte comparisons.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = if e.file_type().is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (rel, bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn list_shows_every_template() {
    let root = tempfile::tempdir().unwrap();
    let out = new(root.path(), &["--list"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout, root.path());
    for name in ["helloworld", "dialplan", "service-config", "python-plugin"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{stdout}"
        );
    }
    insta::assert_snapshot!(stdout);
}

#[test]
fn creates_a_plugin_and_says_what_next() {
    let root = tempfile::tempdir().unwrap();
    let out = new(root.path(), &["hello", "--namespace", "acme", "--no-git"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        text(&out.stderr, root.path())
    );
    insta::assert_snapshot!(text(&out.stdout, root.path()));
    assert!(root.path().join("hello/wazo/rules").is_file());
    assert!(!root.path().join("hello/.git").exists());
    // Only the plugin folder: no temporary folder left behind.
    assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
}

#[test]
fn dry_run_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let out = new(
        root.path(),
        &[
            "hello",
            "--namespace",
            "acme",
            "--dry-run",
            "-t",
            "dialplan",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout, root.path()));
    assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
}

#[test]
fn refuses_to_overwrite_then_force_replaces() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("hello");
    fs::create_dir_all(dir.join("wazo")).unwrap();
    fs::write(dir.join("wazo/plugin.yml"), "name: mine\n").unwrap();
    fs::write(dir.join("notes.txt"), "keep me\n").unwrap();
    let before = snapshot(&dir);
    let out = new(root.path(), &["hello", "--namespace", "acme"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr, root.path());
    assert!(stderr.contains("exists and is not empty"), "{stderr}");
    assert!(stderr.contains("wazo/plugin.yml"), "{stderr}");
    assert_eq!(snapshot(&dir), before, "a refused new changed files");
    assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);

    let out = new(
        root.path(),
        &["hello", "--namespace", "acme", "--force", "--no-git"],
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout, root.path());
    assert!(
        stdout.contains("wazo/plugin.yml  (replaces the existing file)"),
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me\n"
    );
    let yml = fs::read_to_string(dir.join("wazo/plugin.yml")).unwrap();
    assert!(yml.contains("name: hello\n"));
}

#[test]
fn usage_errors_exit_2_and_create_nothing() {
    let cases: &[(&[&str], &str)] = &[
        (&["Hello_World", "--namespace", "acme"], "try `hello-world`"),
        (&["hello", "--namespace", "my-corp"], "try `mycorp`"),
        (
            &["hello", "--namespace", "acme", "-d", "servce=x"],
            "no variable `servce`",
        ),
        (
            &["hello", "--namespace", "acme", "-d", "novalue"],
            "KEY=VALUE",
        ),
        (
            &["hello", "--namespace", "acme", "-t", "dialpan"],
            "did you mean `dialplan`",
        ),
        (
            &["hello", "--namespace", "acme", "--format-version", "7"],
            "0 or 1",
        ),
        (&["hello"], "missing value for namespace"),
        (&["--namespace", "acme"], "missing value for name"),
        (
            &[
                "hello",
                "--namespace",
                "acme",
                "-t",
                "service-config",
                "-d",
                "service=Wazo Calld",
            ],
            "try `wazo-calld`",
        ),
    ];
    for (args, expected) in cases {
        let root = tempfile::tempdir().unwrap();
        let out = new(root.path(), args);
        let stderr = text(&out.stderr, root.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0, "{args:?}");
    }
}

#[test]
fn user_template_folder() {
    let root = tempfile::tempdir().unwrap();
    let tpl = root.path().join("my-template");
    fs::create_dir_all(tpl.join("wazo")).unwrap();
    fs::write(
        tpl.join("template.json"),
        r#"{"description": "mine", "variables": [{"name": "greeting", "default": "hi"}]}"#,
    )
    .unwrap();
    fs::write(tpl.join("wazo/plugin.yml"), "name: {{ name }}\n").unwrap();
    fs::write(tpl.join("wazo/rules"), "#!/bin/sh\necho {{ greeting }}\n").unwrap();
    let out = new(
        root.path(),
        &[
            "p",
            "--namespace",
            "acme",
            "-t",
            "./my-template",
            "-d",
            "greeting=hello",
            "--no-git",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        text(&out.stderr, root.path())
    );
    let rules = fs::read_to_string(root.path().join("p/wazo/rules")).unwrap();
    assert_eq!(rules, "#!/bin/sh\necho hello\n");
}

#[test]
fn git_init_stages_rules_executable() {
    if which::which("git").is_err() {
        if std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() == Ok("1") {
            panic!("git not found and WAZO_PLUGIN_TEST_STRICT=1");
        }
        eprintln!("skipped: git not found");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let out = new(root.path(), &["hello", "--namespace", "acme"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        text(&out.stderr, root.path())
    );
    let ls = std::process::Command::new("git")
        .args(["ls-files", "-s", "wazo/rules"])
        .current_dir(root.path().join("hello"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&ls.stdout).starts_with("100755 "));
    // Inside that repository, a second plugin gets no repository of its own.
    let out = new(
        &root.path().join("hello"),
        &["inner", "--namespace", "acme"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(!root.path().join("hello/inner/.git").exists());
    assert!(text(&out.stdout, root.path()).contains("already inside a git repository"));
}

#[test]
fn schema_modeline_only_when_asked() {
    let root = tempfile::tempdir().unwrap();
    let modeline = format!(
        "# yaml-language-server: $schema={}",
        wazo_plugin::schema::SCHEMA_URL
    );
    let out = new(root.path(), &["plain", "--namespace", "acme", "--no-git"]);
    assert_eq!(out.status.code(), Some(0));
    let yml = fs::read_to_string(root.path().join("plain/wazo/plugin.yml")).unwrap();
    assert!(!yml.contains("yaml-language-server"), "{yml}");
    assert!(
        yml.starts_with("name: plain\n") || !yml.starts_with('#'),
        "{yml}"
    );
    for template in ["helloworld", "dialplan", "service-config", "python-plugin"] {
        let name = format!("with-{template}");
        let out = new(
            root.path(),
            &[
                &name,
                "--namespace",
                "acme",
                "--no-git",
                "-t",
                template,
                "--schema-modeline",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            text(&out.stderr, root.path())
        );
        let yml = fs::read_to_string(root.path().join(&name).join("wazo/plugin.yml")).unwrap();
        assert_eq!(yml.lines().next(), Some(modeline.as_str()), "{template}");
        assert_eq!(yml.matches("yaml-language-server").count(), 1, "{template}");
    }
}
