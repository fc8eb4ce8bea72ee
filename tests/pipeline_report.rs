//! What the `test` report tells (issue 15, host mode): commands that failed in a step that
//! exited 0, the failed step's last commands, the debian_depends the host lacks, /tmp across the
//! lifecycle, the purge quirk, --keep-work, prefixes refused, JSON and GitHub formats, the
//! stubs' answers, the host tools, and the .deb's modes and mtimes.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;

fn strict() -> bool {
    std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() == Ok("1")
}

fn have(tool: &str) -> bool {
    if which::which(tool).is_ok() {
        return true;
    }
    assert!(!strict(), "{tool} is required (WAZO_PLUGIN_TEST_STRICT=1)");
    eprintln!("skipped: {tool} not found");
    false
}

/// True when the maintainer steps run with the prefix standing in for `/` (bubblewrap or the
/// built-in namespaces); skips (or fails under strict) otherwise.
fn rooted() -> bool {
    if !have("dpkg") {
        return false;
    }
    let dir = tempfile::tempdir().unwrap();
    let isolation = wazo_plugin::pipeline::isolation::probe(dir.path());
    if isolation.prefix_is_root() {
        return true;
    }
    assert!(
        !strict(),
        "an isolation where the prefix stands in for / is required (WAZO_PLUGIN_TEST_STRICT=1); here: {isolation:?}"
    );
    eprintln!("skipped: the prefix cannot stand in for / here ({isolation:?})");
    false
}

fn plugin(yml: &str, rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wazo")).unwrap();
    std::fs::write(dir.path().join("wazo/plugin.yml"), yml).unwrap();
    let r = dir.path().join("wazo/rules");
    std::fs::write(&r, rules).unwrap();
    std::fs::set_permissions(&r, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

const V1: &str = "name: rep\nnamespace: test\nversion: '1.0'\nplugin_format_version: 1\n";

/// `rules` with one arm per action; `package` ships /usr/share/rep/f.
fn rules(build: &str, install: &str, uninstall: &str, postrm: &str) -> String {
    format!(
        "#!/bin/sh\ncase \"$1\" in\n  build) {build}\n  ;;\n  package) mkdir -p \"$pkgdir/usr/share/rep\"; echo x > \"$pkgdir/usr/share/rep/f\"\n  ;;\n  install) {install}\n  ;;\n  uninstall) {uninstall}\n  ;;\n  postrm) {postrm}\n  ;;\nesac\n"
    )
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn wazo_plugin(args: &[&str], dir: &Path) -> Run {
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_step_that_exits_0_after_a_failed_command_gets_a_warning_with_its_lines() {
    if !rooted() {
        return;
    }
    let p = plugin(
        V1,
        &rules(
            "sed -i s/a/b/ build-missing.txt; echo built",
            "sed -i s/a/b/ /etc/wazo-dird/conf.d/missing.yml; echo 'wazo-plugin: not ours, cannot'",
            ":",
            ":",
        ),
    );
    let r = wazo_plugin(&["test", "--no-lint"], p.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let warns: Vec<&str> = r
        .stdout
        .split("warning: ")
        .filter(|w| w.contains("exited 0, but commands in it failed"))
        .collect();
    assert!(
        warns
            .iter()
            .any(|w| w.starts_with("building: `wazo/rules build`")
                && w.contains("| sed: can't read build-missing.txt: No such file or directory")),
        "{}",
        r.stdout
    );
    for step in ["installing", "upgrading"] {
        assert!(
            warns.iter().any(|w| w.starts_with(step)
                && w.contains("/etc/wazo-dird/conf.d/missing.yml: No such file or directory")),
            "{step}: {}",
            r.stdout
        );
    }
    assert!(
        !r.stdout.contains("| wazo-plugin: not ours"),
        "{}",
        r.stdout
    );
    assert!(
        !warns.iter().any(|w| w.starts_with("removing")),
        "{}",
        r.stdout
    );
}

#[test]
fn a_failed_step_names_its_last_commands_and_the_depends_the_host_lacks() {
    if !rooted() {
        return;
    }
    let yml = format!("{V1}debian_depends:\n  - wazo-plugin-no-such-package-r15\n");
    let p = plugin(
        &yml,
        &rules(
            ":",
            "systemctl restart wazo-calld; asterisk -rx 'module reload'; cp conf.yml /etc/wazo-calld/conf.d/ || exit 3",
            ":",
            ":",
        ),
    );
    let r = wazo_plugin(&["test", "--no-lint"], p.path());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let e = &r.stderr;
    assert!(e.contains("error: installing: `dpkg"), "{e}");
    assert!(
        e.contains("last command reporting a failure in that output: cp"),
        "{e}"
    );
    assert!(
        e.contains("last stubbed command it ran: asterisk -rx 'module reload'\n  stubbed commands it ran before:\n  | systemctl restart wazo-calld"),
        "{e}"
    );
    assert!(
        e.contains(
            "note: debian_depends not installed on this host: wazo-plugin-no-such-package-r15"
        ),
        "{e}"
    );
}

#[test]
fn tmp_survives_from_install_to_uninstall_and_postrm() {
    if !rooted() {
        return;
    }
    let p = plugin(
        V1,
        &rules(
            ":",
            "[ -e /tmp/rep-state ] || echo installed > /tmp/rep-state",
            "grep -q installed /tmp/rep-state",
            "grep -q installed /tmp/rep-state && rm /tmp/rep-state",
        ),
    );
    let r = wazo_plugin(&["test", "--no-lint"], p.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("rep-state"), "{}", r.stdout);
    // The built-in namespaces bind the same directory.
    if wazo_plugin::pipeline::isolation::namespaces_usable() {
        let out = cargo_bin_cmd!("wazo-plugin")
            .env("WAZO_PLUGIN_ISOLATION", "ns")
            .args(["test", "--no-lint"])
            .arg(p.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(text.contains("isolation: namespaces"), "{text}");
    }
}

#[test]
fn the_first_test_of_a_new_plugin_passes_with_a_note_on_the_purge() {
    if !rooted() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["new", "fresh", "--namespace", "me", "--no-git", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let r = wazo_plugin(&["test"], &dir.path().join("fresh"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("purging      note"), "{}", r.stderr);
    assert!(!r.stderr.contains("FAILED"), "{}", r.stderr);
    assert!(!r.stdout.contains("purge failed"), "{}", r.stdout);
    assert!(
        r.stdout.contains("note: purging: `dpkg -P` failed, as it does for every plugin with plugin_format_version >= 1"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_purge_failing_for_another_reason_stays_a_warning() {
    if !rooted() {
        return;
    }
    // Format 0: postrm does not run the rules backup, so its purge does not hit the quirk; a
    // postrm of its own making cannot fail there either: the purge passes.
    let p = plugin(
        "name: rep\nnamespace: test\nversion: '1.0'\n",
        &rules(":", ":", ":", "exit 1"),
    );
    let r = wazo_plugin(&["test", "--no-lint"], p.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("purging      ok"), "{}", r.stderr);
    assert!(!r.stdout.contains("note: purging"), "{}", r.stdout);
}

fn work_dir_of(text: &str) -> PathBuf {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("work dir: "))
        .unwrap_or_else(|| panic!("no work dir in {text}"));
    PathBuf::from(line)
}

#[test]
fn keep_work_shows_the_folder_on_success_and_on_failure() {
    let ok = plugin(V1, &rules(":", ":", ":", ":"));
    let r = wazo_plugin(&["build", "--no-lint", "--keep-work"], ok.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kept = work_dir_of(&r.stdout);
    assert!(
        kept.join("plugin/wazo/rules").is_file(),
        "{}",
        kept.display()
    );
    // The next run leaves it alone (it cleans up only the work dirs of killed runs).
    let r = wazo_plugin(&["build", "--no-lint"], ok.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        kept.join("plugin/wazo/rules").is_file(),
        "{}",
        kept.display()
    );
    std::fs::remove_dir_all(&kept).unwrap();

    let bad = plugin(V1, &rules("echo broken; exit 4", ":", ":", ":"));
    let r = wazo_plugin(&["build", "--no-lint", "--keep-work"], bad.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let kept = work_dir_of(&r.stderr);
    assert!(
        kept.join("plugin/wazo/rules").is_file(),
        "{}",
        kept.display()
    );
    std::fs::remove_dir_all(&kept).unwrap();

    let r = wazo_plugin(&["test", "--no-lint", "--keep-work"], bad.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let kept = work_dir_of(&r.stderr);
    assert!(kept.is_dir());
    std::fs::remove_dir_all(&kept).unwrap();
}

#[test]
fn uninstall_of_a_plugin_not_installed_exits_1() {
    if !have("dpkg") {
        return;
    }
    let prefix = tempfile::tempdir().unwrap();
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["uninstall", "test/rep", "--prefix"])
        .arg(prefix.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("wazo-plugind-rep-test is not installed in"),
        "{err}"
    );
}

#[test]
fn a_prefix_inside_the_plugin_or_the_current_directory_is_refused() {
    let p = plugin(V1, &rules(":", ":", ":", ":"));
    for (cwd, prefix) in [
        (Path::new("/"), p.path().join("prefix")),
        (p.path(), PathBuf::from(".")),
        (p.path(), PathBuf::from("sub/prefix")),
    ] {
        let out = cargo_bin_cmd!("wazo-plugin")
            .current_dir(cwd)
            .args(["install", "--no-lint", "--prefix"])
            .arg(&prefix)
            .arg(p.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", prefix.display());
        assert!(
            err.contains("current directory cannot be the prefix")
                || err.contains("inside the plugin folder"),
            "{err}"
        );
        assert!(!p.path().join("prefix").exists());
        assert!(!p.path().join("sub").exists());
    }
    // Through a symlink too.
    let outside = tempfile::tempdir().unwrap();
    let link = outside.path().join("link");
    std::os::unix::fs::symlink(p.path(), &link).unwrap();
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["uninstall", "--prefix"])
        .arg(link.join("prefix"))
        .arg(p.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn stubs_answer_from_the_configuration_file_and_the_report_shows_unanswered_calls() {
    if !rooted() {
        return;
    }
    let p = plugin(
        V1,
        &rules(
            ":",
            "v=$(asterisk -rx 'core show version'); [ \"$v\" = 'Asterisk 20.5.0 built by wazo' ] || { echo \"got: $v\"; exit 1; }; wazo-auth-keys service update",
            ":",
            ":",
        ),
    );
    std::fs::write(
        p.path().join("wazo-plugin.toml"),
        "[test.stubs]\n\"asterisk -rx 'core show version'\" = \"Asterisk 20.5.0 built by wazo\"\n\"systemctl * wazo-*\" = \"\"\n",
    )
    .unwrap();
    let r = wazo_plugin(&["test", "--no-lint"], p.path());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("installing: would have run: asterisk -rx 'core show version' (answered: asterisk -rx 'core show version')"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "installing: would have run: wazo-auth-keys service update (no answer: printed nothing)"
        ),
        "{}",
        r.stdout
    );
    // A bad table is a usage error.
    std::fs::write(p.path().join("wazo-plugin.toml"), "[test]\nstub = 1\n").unwrap();
    let r = wazo_plugin(&["test", "--no-lint"], p.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unknown field `stub`"), "{}", r.stderr);
}

#[test]
fn host_mode_names_its_python_and_warns_when_it_is_not_the_targets() {
    let bin = tempfile::tempdir().unwrap();
    let py = bin.path().join("python3");
    std::fs::write(&py, "#!/bin/sh\necho 'Python 3.13.1'\n").unwrap();
    std::fs::set_permissions(&py, std::fs::Permissions::from_mode(0o755)).unwrap();
    let p = plugin(V1, &rules("exit 7", ":", ":", ":"));
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = cargo_bin_cmd!("wazo-plugin")
        .env("PATH", &path)
        .args(["test", "--no-lint", "--wazo-version", "23.06"])
        .arg(p.path())
        .output()
        .unwrap();
    let err = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "warning: host mode: rules build and package use {} (Python 3.13.1), Wazo 23.06 has Python 3.9 (Debian 11)",
            py.display()
        )),
        "{err}"
    );
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["test", "--no-lint", "--wazo-version", "99.01"])
        .arg(p.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // The machine formats still print a result.
    let out = cargo_bin_cmd!("wazo-plugin")
        .args([
            "test",
            "--no-lint",
            "--format",
            "json",
            "--wazo-version",
            "99.01",
        ])
        .arg(p.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"], "failed");
    assert_eq!(v["error"]["kind"], "usage");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a known Wazo release"),
        "{v}"
    );
}

/// The JSON report with what changes from run to run (durations, paths, the host) replaced.
fn stable_json(text: &str) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    for step in v["steps"].as_array_mut().unwrap() {
        step["duration_ms"] = 0.into();
    }
    v["host"] = "[host]".into();
    // The host's own warnings (another python3, /bin/sh) depend on the machine.
    if let Some(w) = v["warnings"].as_array_mut() {
        w.retain(|w| !w.as_str().is_some_and(|w| w.starts_with("host mode:")));
    }
    if !v["isolation"].is_null() {
        v["isolation"]["description"] = "[description]".into();
    }
    if let Some(m) = v["error"]["message"].as_str() {
        let m = regex_lite(m);
        v["error"]["message"] = m.into();
    }
    v
}

/// Work dir paths in a message replaced by `[work]`.
fn regex_lite(text: &str) -> String {
    const WORK: &str = "wazo-plugin-work-";
    let tmp = format!("{}/", std::env::temp_dir().display());
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(WORK) {
        let head = &rest[..i];
        out.push_str(head.strip_suffix(tmp.as_str()).unwrap_or(head));
        out.push_str("[work]");
        let tail = &rest[i + WORK.len()..];
        let n = tail
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(tail.len());
        rest = &tail[n..];
    }
    out.push_str(rest);
    out
}

#[test]
fn json_and_github_reports() {
    if !rooted() {
        return;
    }
    let p = plugin(
        V1,
        &rules(
            ":",
            "systemctl restart wazo-calld; sed -i s/a/b/ /etc/missing.conf || true",
            ":",
            ":",
        ),
    );
    let r = wazo_plugin(&["test", "--no-lint", "--format", "json"], p.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_json_snapshot!("test_json_passed", stable_json(&r.stdout));
    let r = wazo_plugin(&["test", "--no-lint", "--format", "github"], p.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let github: String = r
        .stdout
        .lines()
        .filter(|l| !l.contains("host mode:"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("test_github_passed", github);

    let bad = plugin(
        V1,
        &rules(":", "systemctl restart wazo-calld; exit 3", ":", ":"),
    );
    let r = wazo_plugin(&["test", "--no-lint", "--format", "json"], bad.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_json_snapshot!("test_json_failed", stable_json(&r.stdout));
    let r = wazo_plugin(&["test", "--no-lint", "--format", "github"], bad.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let github: String = r
        .stdout
        .lines()
        .filter(|l| !l.contains("host mode:"))
        .map(|l| format!("{}\n", regex_lite(l)))
        .collect();
    insta::assert_snapshot!("test_github_failed", github);
}

fn deb_listing(deb: &Path) -> String {
    let out = Command::new("dpkg-deb")
        .args(["--fsys-tarfile"])
        .arg(deb)
        .output()
        .unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let tar = dir.path().join("data.tar");
    std::fs::write(&tar, &out.stdout).unwrap();
    let out = Command::new("tar")
        .args(["--numeric-owner", "--full-time", "-tvf"])
        .arg(&tar)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn package_with(umask: &str, epoch: Option<&str>, p: &Path, out: &Path) {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "umask {umask}; exec \"$0\" package --no-lint --output \"$1\" \"$2\""
        ))
        .arg(env!("CARGO_BIN_EXE_wazo-plugin"))
        .arg(out)
        .arg(p);
    match epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{o:?}");
}

#[test]
fn deb_modes_ignore_the_callers_umask_and_mtimes_are_the_files_own_clamped() {
    if !have("dpkg-deb") || !have("tar") {
        return;
    }
    // As helloworld: `cp` of a file of the plugin into ${pkgdir}, plus a file with a known mtime.
    let p = plugin(
        "name: rep\nnamespace: test\nversion: '1.0'\n",
        "#!/bin/sh\ncase \"$1\" in\n  package) mkdir -p \"$pkgdir/etc/asterisk/extensions_extra.d\"; cp rep.conf \"$pkgdir/etc/asterisk/extensions_extra.d/\"; touch -d @1600000000 \"$pkgdir/etc/asterisk/extensions_extra.d/rep.conf\";;\nesac\n",
    );
    std::fs::write(p.path().join("rep.conf"), "[rep]\n").unwrap();
    std::fs::set_permissions(
        p.path().join("rep.conf"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let deb = out.path().join("wazo-plugind-rep-test_1.0_all.deb");

    package_with("077", None, p.path(), out.path());
    let listing = deb_listing(&deb);
    let conf = listing
        .lines()
        .find(|l| l.ends_with("/rep.conf"))
        .unwrap_or_else(|| panic!("{listing}"));
    assert!(conf.starts_with("-rw-r--r-- 0/0"), "{listing}");
    assert!(
        conf.contains("2020-09-13 12:26:40"),
        "its own mtime: {listing}"
    );
    for l in listing.lines().filter(|l| l.starts_with('d')) {
        assert!(l.starts_with("drwxr-xr-x 0/0"), "{listing}");
        assert!(!l.contains(" 1970-01-01 "), "not 1970: {listing}");
    }

    // A working tree checked out under umask 077 (0700 folders, 0600 files) is packaged as
    // a git clone would give it to wazo-plugind.
    for (rel, mode) in [
        ("wazo", 0o700),
        ("wazo/plugin.yml", 0o600),
        ("rep.conf", 0o600),
    ] {
        std::fs::set_permissions(p.path().join(rel), std::fs::Permissions::from_mode(mode))
            .unwrap();
    }
    package_with("077", None, p.path(), out.path());
    let listing = deb_listing(&deb);
    for (name, mode) in [
        ("/wazo/", "drwxr-xr-x"),
        ("/wazo/plugin.yml", "-rw-r--r--"),
        ("/wazo/rules", "-rwxr-xr-x"),
        ("/rep.conf", "-rw-r--r--"),
    ] {
        assert!(
            listing
                .lines()
                .any(|l| l.ends_with(name) && l.starts_with(mode)),
            "{name} {mode}: {listing}"
        );
    }

    // Clamped to SOURCE_DATE_EPOCH, and reproducible with it.
    package_with("022", Some("1500000000"), p.path(), out.path());
    let listing = deb_listing(&deb);
    let first = std::fs::read(&deb).unwrap();
    assert!(
        listing.lines().all(|l| l.contains("2017-07-14 02:40:00")),
        "{listing}"
    );
    package_with("022", Some("1500000000"), p.path(), out.path());
    assert_eq!(first, std::fs::read(&deb).unwrap(), "reproducible");
    // A later SOURCE_DATE_EPOCH keeps the older file's own mtime.
    package_with("022", Some("1700000000"), p.path(), out.path());
    let listing = deb_listing(&deb);
    assert!(
        listing
            .lines()
            .any(|l| l.ends_with("/rep.conf") && l.contains("2020-09-13 12:26:40")),
        "{listing}"
    );
}
