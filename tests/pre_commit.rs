//! The pre-commit hooks: their entry run the way pre-commit runs it, from the repository root
//! with the matching files as arguments; and the `language: python` hook run by pre-commit
//! itself (from a fresh virtualenv) on a throwaway plugin repository, pre-commit building and
//! installing the wheel from pyproject.toml.

mod common;

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
fn hooks_are_declared_for_each_language() {
    assert_eq!(
        values("id:"),
        [
            "wazo-plugin-lint",
            "wazo-plugin-lint-python",
            "wazo-plugin-lint-system"
        ]
    );
    assert_eq!(values("language:"), ["rust", "python", "system"]);
    for files in values("files:") {
        assert_eq!(files, r"(^|/)wazo/(plugin\.yml|rules)$");
    }
    assert_eq!(values("require_serial:"), ["true", "true", "true"]);
}

#[test]
fn entry_lints_each_plugin_of_the_files_once() {
    let entries = values("entry:");
    assert!(entries.iter().all(|e| *e == entries[0]), "{entries:?}");
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

fn run(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    run(std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args))
}

/// pre-commit, in a fresh virtualenv, installs the `language: python` hook from a throwaway
/// copy of this repository (pip builds the wheel with maturin, reusing this checkout's target
/// folder and the dev profile to stay fast) and runs it on a plugin repository.
#[test]
fn python_hook_runs_under_pre_commit() {
    if common::missing_tool("git")
        || common::missing_tool("python3")
        || common::missing_tool("cargo")
    {
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let venv = tmp.path().join("venv");
    let made = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .unwrap();
    if !made.status.success() {
        assert!(
            !common::strict(),
            "python3 -m venv failed: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        eprintln!("skipped: python3 -m venv does not work here");
        return;
    }
    let pip = run(std::process::Command::new(venv.join("bin/python")).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "pre-commit",
    ]));
    drop(pip);

    // The hook repository: this checkout's files (tracked and new, not ignored), committed.
    let hooks = tmp.path().join("hooks");
    let listed = git(manifest, &["ls-files", "-co", "--exclude-standard", "-z"]);
    for rel in listed.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let rel = Path::new(std::str::from_utf8(rel).unwrap());
        let from = manifest.join(rel);
        if !from.is_file() {
            continue;
        }
        let to = hooks.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "-A"]);
    git(&hooks, &["commit", "-qm", "hooks"]);
    let rev = String::from_utf8(git(&hooks, &["rev-parse", "HEAD"]).stdout).unwrap();

    let plugins = tmp.path().join("plugins");
    write_plugin(&plugins.join("good"), "good");
    write_plugin(&plugins.join("bad"), "bad_name");
    std::fs::write(
        plugins.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: wazo-plugin-lint-python\n",
            hooks.display(),
            rev.trim()
        ),
    )
    .unwrap();
    git(&plugins, &["init", "-q"]);
    git(&plugins, &["add", "-A"]);
    let pre_commit = |dir: &Path| {
        std::process::Command::new(venv.join("bin/pre-commit"))
            .current_dir(dir)
            .args(["run", "--all-files", "--color", "never"])
            .env("PRE_COMMIT_HOME", tmp.path().join("cache"))
            .env("CARGO_TARGET_DIR", manifest.join("target"))
            .env("MATURIN_PEP517_ARGS", "--profile dev")
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap()
    };
    let out = pre_commit(&plugins);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("bad/wazo/plugin.yml:1:10: error: name `bad_name` contains `_`"),
        "{stdout}"
    );
    assert!(stdout.contains("2 plugins checked: 1 error"), "{stdout}");
    // Fixed: the hook passes.
    write_plugin(&plugins.join("bad"), "bad-name");
    git(&plugins, &["add", "-A"]);
    let out = pre_commit(&plugins);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
