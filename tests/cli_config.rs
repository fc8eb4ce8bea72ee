//! `lint` configuration and output: wazo-plugin.toml and the options that select codes, the
//! closing line, --statistics, --diff, --unsafe-fixes, --quiet, --color, --list-rules as
//! JSON, wrapping at 80 columns, and the shellcheck cache.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The command run in `dir`, with its own cache folder, no colour, out of GitHub Actions.
fn wazo_plugin(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env_remove("GITHUB_ACTIONS")
        .env_remove("SHELLCHECK_OPTS");
    cmd
}

/// Handles postrm, with plugin_format_version 0: WP302, whose fix is unsafe.
const RULES: &str = "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall) ;;\n  postrm) rm -f /etc/wazo-calld/conf.d/50-x.yml ;;\n  *) exit 1 ;;\nesac\n";

/// WP105 (error), WP108 (safe fix).
const MANIFEST: &str = "name: a_very_long_plugin_name_written_with_underscores_everywhere\nnamespace: demo\nversion: 1.10\n";

fn write_plugin(dir: &Path, manifest: &str, rules: &str) {
    std::fs::create_dir_all(dir.join("wazo")).unwrap();
    std::fs::write(dir.join("wazo/plugin.yml"), manifest).unwrap();
    let path = dir.join("wazo/rules");
    std::fs::write(&path, rules).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// A folder that is a repository root (no configuration above it is read) with one plugin `p`.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
    let p = tmp.path().join("p");
    write_plugin(&p, MANIFEST, RULES);
    (tmp, p)
}

fn run(cmd: &mut Command, code: i32) -> (String, String) {
    let out = cmd.assert().code(code);
    let o = out.get_output();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn closing_line_counts_fixable_findings() {
    let (tmp, _) = repo();
    let (out, _) = run(
        wazo_plugin(tmp.path()).args(["lint", "--shellcheck", "never", "--format", "short", "p"]),
        1,
    );
    insta::assert_snapshot!("closing_line", out);
}

#[test]
fn human_output_wraps_at_80_columns() {
    let (tmp, _) = repo();
    let (out, _) = run(
        wazo_plugin(tmp.path()).args(["lint", "--shellcheck", "never", "p"]),
        1,
    );
    for line in out.lines() {
        // The snippet repeats the source line as is; the documentation footer holds URLs.
        if line.contains(" │ ") || line.contains("https://") {
            continue;
        }
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    assert!(
        !out.contains("(https://"),
        "no URL beside each code:\n{out}"
    );
    insta::assert_snapshot!("human_80_columns", out);
}

#[test]
fn statistics_count_each_code() {
    let (tmp, _) = repo();
    write_plugin(&tmp.path().join("q"), MANIFEST, RULES);
    let (out, _) = run(
        wazo_plugin(tmp.path()).args(["lint", "--shellcheck", "never", "--statistics", "."]),
        1,
    );
    insta::assert_snapshot!("statistics", out);
    let (out, _) = run(
        wazo_plugin(tmp.path()).args([
            "lint",
            "--shellcheck",
            "never",
            "--statistics",
            "--format",
            "json",
            ".",
        ]),
        1,
    );
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let wp302 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "WP302")
        .unwrap();
    assert_eq!(wp302["count"], 2);
    assert_eq!(wp302["fix"], "unsafe");
}

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let (tmp, p) = repo();
    let before = std::fs::read_to_string(p.join("wazo/plugin.yml")).unwrap();
    let (out, err) = run(
        wazo_plugin(tmp.path()).args(["lint", "--shellcheck", "never", "--diff", "p"]),
        1,
    );
    insta::assert_snapshot!("diff_safe", out);
    assert!(err.contains("1 fix would be applied (1 unsafe"), "{err}");
    let (out, _) = run(
        wazo_plugin(tmp.path()).args([
            "lint",
            "--shellcheck",
            "never",
            "--diff",
            "--unsafe-fixes",
            "p",
        ]),
        1,
    );
    insta::assert_snapshot!("diff_unsafe", out);
    assert_eq!(
        std::fs::read_to_string(p.join("wazo/plugin.yml")).unwrap(),
        before
    );
    // Nothing to fix: an empty diff and exit 0.
    let clean = tmp.path().join("clean");
    write_plugin(
        &clean,
        "name: clean\nnamespace: demo\nversion: \"1.0.0\"\n",
        "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n",
    );
    let (out, _) = run(
        wazo_plugin(tmp.path()).args(["lint", "--shellcheck", "never", "--diff", "clean"]),
        0,
    );
    assert_eq!(out, "");
}

#[test]
fn unsafe_fixes_only_when_asked() {
    let (tmp, p) = repo();
    let (_, err) = run(
        wazo_plugin(tmp.path()).args(["lint", "--shellcheck", "never", "--fix", "p"]),
        1,
    );
    let manifest = std::fs::read_to_string(p.join("wazo/plugin.yml")).unwrap();
    assert!(manifest.contains("version: \"1.10\""), "{manifest}");
    assert!(!manifest.contains("plugin_format_version"), "{manifest}");
    assert!(err.contains("1 unsafe fix not applied"), "{err}");
    let (_, err) = run(
        wazo_plugin(tmp.path()).args([
            "lint",
            "--shellcheck",
            "never",
            "--fix",
            "--unsafe-fixes",
            "p",
        ]),
        1,
    );
    let manifest = std::fs::read_to_string(p.join("wazo/plugin.yml")).unwrap();
    assert!(manifest.contains("plugin_format_version: 1"), "{manifest}");
    assert!(err.contains("[WP302]"), "{err}");
}

#[test]
fn quiet_prints_the_findings_only() {
    let (tmp, _) = repo();
    let (out, _) = run(
        wazo_plugin(tmp.path()).args([
            "lint",
            "--shellcheck",
            "never",
            "-q",
            "--format",
            "short",
            "p",
        ]),
        1,
    );
    assert!(!out.contains("checked"), "{out}");
    assert_eq!(out.lines().count(), 3, "{out}");
    let (out, err) = run(
        wazo_plugin(tmp.path()).args(["lint", "--shellcheck", "never", "--quiet", "--fix", "p"]),
        1,
    );
    assert_eq!(err, "");
    assert!(out.contains("WP105") && !out.contains("checked"), "{out}");
}

#[test]
fn color_follows_the_option() {
    let (tmp, _) = repo();
    let lint = |extra: &[&str], no_color: bool| {
        let mut cmd = wazo_plugin(tmp.path());
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        cmd.args(["lint", "--shellcheck", "never", "p"]).args(extra);
        run(&mut cmd, 1).0
    };
    // `always` forces colour, even into a pipe and with NO_COLOR.
    assert!(lint(&["--color", "always"], true).contains("\u{1b}["));
    assert!(lint(&["--color", "always"], false).contains("\u{1b}["));
    // `auto` (the default) colours only a terminal: not this pipe.
    assert!(!lint(&[], false).contains("\u{1b}["));
    assert!(!lint(&["--color", "never"], false).contains("\u{1b}["));
}

#[test]
fn list_rules_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = run(
        wazo_plugin(tmp.path()).args(["lint", "--list-rules", "--format", "json"]),
        0,
    );
    let rules: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules = rules.as_array().unwrap();
    assert!(rules.len() > 40);
    let wp302 = rules.iter().find(|r| r["code"] == "WP302").unwrap();
    assert_eq!(wp302["name"], "postrm-ignored");
    assert_eq!(wp302["severity"], "warning");
    assert!(
        wp302["url"]
            .as_str()
            .unwrap()
            .ends_with("#wp302-postrm-ignored")
    );
}

#[test]
fn configuration_file_and_options() {
    let (tmp, _) = repo();
    let short = ["lint", "--shellcheck", "never", "--format", "short", "p"];
    std::fs::write(
        tmp.path().join("wazo-plugin.toml"),
        "ignore = [\"WP3\"]\n[severity]\nWP105 = \"warning\"\n",
    )
    .unwrap();
    let (out, _) = run(wazo_plugin(tmp.path()).args(short), 0);
    assert!(out.contains("warning: name `a_very"), "{out}");
    assert!(!out.contains("WP302"), "{out}");
    // The command line over the file.
    let (out, _) = run(
        wazo_plugin(tmp.path())
            .args(short)
            .args(["--select", "WP3"]),
        0,
    );
    assert!(out.contains("[WP302]") && !out.contains("WP105"), "{out}");
    // --isolated: the defaults.
    let (out, _) = run(wazo_plugin(tmp.path()).args(short).arg("--isolated"), 1);
    assert!(
        out.contains("error: name") && out.contains("[WP302]"),
        "{out}"
    );
    // --config FILE.
    std::fs::write(tmp.path().join("other.toml"), "select = [\"WP108\"]\n").unwrap();
    let (out, _) = run(
        wazo_plugin(tmp.path())
            .args(short)
            .args(["--config", "other.toml"]),
        0,
    );
    assert!(
        out.lines().next().unwrap_or("").contains("[WP108]"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    // --show-settings names the file.
    let (out, _) = run(
        wazo_plugin(tmp.path()).args(["lint", "--show-settings", "p"]),
        0,
    );
    assert!(out.contains("wazo-plugin.toml"), "{out}");
    assert!(out.contains("ignore = [\"WP3\"]"), "{out}");
    assert!(out.contains("WP105 = \"warning\""), "{out}");
}

#[test]
fn configuration_errors_are_usage_errors_with_positions() {
    let (tmp, _) = repo();
    std::fs::write(
        tmp.path().join("wazo-plugin.toml"),
        "ignore = [\"WP3\"]\nselect = [\"WP1\", \"WP1999\"]\n",
    )
    .unwrap();
    let (_, err) = run(wazo_plugin(tmp.path()).args(["lint", "p"]), 2);
    assert!(
        err.contains("wazo-plugin.toml:2:18: unknown code `WP1999`"),
        "{err}"
    );
    std::fs::write(tmp.path().join("wazo-plugin.toml"), "\nsevrity = {}\n").unwrap();
    let (_, err) = run(wazo_plugin(tmp.path()).args(["lint", "p"]), 2);
    assert!(
        err.contains("wazo-plugin.toml:2:1: unknown field `sevrity`"),
        "{err}"
    );
    let (_, err) = run(
        wazo_plugin(tmp.path()).args(["lint", "--isolated", "--ignore", "WP8", "p"]),
        2,
    );
    assert!(err.contains("--ignore: unknown code `WP8`"), "{err}");
    // The plugin's own file, found when linting its parent folder.
    std::fs::remove_file(tmp.path().join("wazo-plugin.toml")).unwrap();
    std::fs::write(tmp.path().join("p/.wazo-plugin.toml"), "shellcheck = 3\n").unwrap();
    let (_, err) = run(wazo_plugin(tmp.path()).args(["lint", "."]), 2);
    assert!(err.contains(".wazo-plugin.toml:1:14:"), "{err}");
}

#[test]
fn discovery_skips_gitignored_and_excluded_folders() {
    let (tmp, _) = repo();
    write_plugin(&tmp.path().join("build/copy"), MANIFEST, RULES);
    write_plugin(&tmp.path().join("vendor/v"), MANIFEST, RULES);
    std::fs::write(tmp.path().join(".gitignore"), "build/\n").unwrap();
    let plugins = |args: &[&str]| {
        let (out, _) = run(
            wazo_plugin(tmp.path())
                .args(["lint", "--shellcheck", "never", "--format", "short"])
                .args(args),
            1,
        );
        out.lines().last().unwrap_or("").to_string()
    };
    assert!(plugins(&["."]).starts_with("2 plugins checked"));
    assert!(plugins(&["--exclude", "vendor", "."]).starts_with("1 plugin checked"));
    std::fs::write(
        tmp.path().join("wazo-plugin.toml"),
        "exclude = [\"vendor/*\"]\n",
    )
    .unwrap();
    assert!(plugins(&["."]).starts_with("1 plugin checked"));
    // Named explicitly, a folder is linted.
    assert!(plugins(&["build/copy", "vendor/v"]).starts_with("2 plugins checked"));
}

/// A fake shellcheck that logs each call's arguments and finds SC2250 on line 1 of each file.
fn fake_shellcheck(dir: &Path) -> (PathBuf, PathBuf) {
    let log = dir.join("calls.log");
    let exe = dir.join("fake-shellcheck");
    std::fs::write(
        &exe,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nseen=0; sep=''\nprintf '{{\"comments\":['\nfor a in \"$@\"; do\n  if [ $seen = 1 ]; then\n    printf '%s{{\"file\":\"%s\",\"line\":1,\"endLine\":1,\"column\":1,\"endColumn\":3,\"level\":\"style\",\"code\":2250,\"message\":\"fake finding\"}}' \"$sep\" \"$a\"; sep=','\n  fi\n  [ \"$a\" = -- ] && seen=1\ndone\nprintf ']}}'\nexit 1\n",
            log.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    (exe, log)
}

fn calls(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[cfg(unix)]
#[test]
fn shellcheck_cache_skips_unchanged_scripts() {
    let (tmp, p) = repo();
    write_plugin(&tmp.path().join("q"), MANIFEST, RULES);
    let tools = tempfile::tempdir().unwrap();
    let (exe, log) = fake_shellcheck(tools.path());
    let lint = |extra: &[&str]| {
        let (out, _) = run(
            wazo_plugin(tmp.path())
                .args(["lint", "--format", "short", "--shellcheck"])
                .arg(&exe)
                .args(extra)
                .arg("."),
            1,
        );
        out
    };
    let first = lint(&[]);
    assert_eq!(first.matches("[SC2250]").count(), 2, "{first}");
    assert_eq!(calls(&log).len(), 1);
    // Unchanged: no shellcheck at all, the same findings.
    assert_eq!(lint(&[]), first);
    assert_eq!(calls(&log).len(), 1);
    // One byte changed: only that script goes to shellcheck.
    std::fs::write(p.join("wazo/rules"), RULES.replace("50-x", "50-y")).unwrap();
    assert_eq!(lint(&[]).matches("[SC2250]").count(), 2);
    let log_now = calls(&log);
    assert_eq!(log_now.len(), 2);
    assert!(log_now[1].contains("p/wazo/rules") && !log_now[1].contains("q/wazo/rules"));
    // A .shellcheckrc changes what shellcheck says: the cache misses.
    std::fs::write(p.join(".shellcheckrc"), "disable=SC2250\n").unwrap();
    lint(&[]);
    assert_eq!(calls(&log).len(), 3);
    // --no-cache runs it every time.
    lint(&["--no-cache"]);
    assert_eq!(calls(&log).len(), 4);
}

#[cfg(unix)]
#[test]
fn corrupt_or_unwritable_cache_is_ignored() {
    let (tmp, _) = repo();
    let tools = tempfile::tempdir().unwrap();
    let (exe, log) = fake_shellcheck(tools.path());
    let lint = |cmd: &mut Command| {
        let (out, err) = run(
            cmd.args(["lint", "--format", "short", "--shellcheck"])
                .arg(&exe)
                .arg("p"),
            1,
        );
        assert!(out.contains("[SC2250]"), "{out}{err}");
        assert!(!err.contains("cache"), "{err}");
        out
    };
    let first = lint(&mut wazo_plugin(tmp.path()));
    // Every entry overwritten with garbage: read as a miss, shellcheck runs again.
    let cache = tmp.path().join(".cache/wazo-plugin/shellcheck");
    let mut corrupted = 0;
    for dir in std::fs::read_dir(&cache).unwrap().flatten() {
        for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
            std::fs::write(entry.path(), b"\x00{ not json").unwrap();
            corrupted += 1;
        }
    }
    assert_eq!(corrupted, 1);
    assert_eq!(lint(&mut wazo_plugin(tmp.path())), first);
    assert_eq!(calls(&log).len(), 2);
    // Rewritten by that run: the next one hits.
    lint(&mut wazo_plugin(tmp.path()));
    assert_eq!(calls(&log).len(), 2);
    // A cache folder that cannot be created (a file is in the way).
    let blocked = tmp.path().join("blocked");
    std::fs::write(&blocked, "").unwrap();
    let mut cmd = wazo_plugin(tmp.path());
    cmd.env("XDG_CACHE_HOME", &blocked);
    assert_eq!(lint(&mut cmd), first);
    assert_eq!(calls(&log).len(), 3);
}
