//! No input makes lint panic: each bad input gets a coded diagnostic and exit status 1.

use std::path::Path;

use assert_cmd::Command;

fn lint_short(dir: &Path) -> (i32, String) {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .env("NO_COLOR", "1")
        .args(["lint", "--format", "short"])
        .arg(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn plugin_with(manifest: &[u8]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("wazo")).unwrap();
    std::fs::write(tmp.path().join("wazo/plugin.yml"), manifest).unwrap();
    tmp
}

fn assert_code(dir: &Path, code: &str) {
    let (status, out) = lint_short(dir);
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains(&format!("[{code}]")),
        "expected {code}:\n{out}"
    );
}

#[test]
fn malformed_yaml() {
    let cases: &[&[u8]] = &[
        b"name: [a, b\n",
        b"name: 'unterminated\n",
        b"a:\n  - b\n c: d\n",
        b"{{{{",
        b"- a\n: b\n",
        b"key: value\n\tbad: tab\n",
        b"a: &x 1\nb: *y\n",
        b"a: 1\n---\nb: 2\n",
    ];
    for case in cases {
        let tmp = plugin_with(case);
        assert_code(tmp.path(), "WP100");
    }
}

#[test]
fn binary_and_non_utf8() {
    let tmp = plugin_with(&[0x00, 0xff, 0xfe, 0x01, b'\n', 0x80, 0x81]);
    assert_code(tmp.path(), "WP206");
    let tmp = plugin_with(b"name: caf\xe9\nnamespace: demo\nversion: 1.0.0\n");
    let (_, out) = lint_short(tmp.path());
    assert!(
        out.contains("plugin.yml:1:10: error: plugin.yml is not valid UTF-8 [WP206]"),
        "{out}"
    );
    let tmp = plugin_with(b"name: \x00\x01\x02\nnamespace: \x7f\n");
    let (status, _) = lint_short(tmp.path());
    assert_eq!(status, 1);
}

#[test]
fn ten_megabyte_file() {
    let big = "a: b\n".repeat(2 * 1024 * 1024);
    let tmp = plugin_with(big.as_bytes());
    assert_code(tmp.path(), "WP207");
}

#[test]
fn deep_nesting_and_alias_bombs() {
    let tmp = plugin_with("[".repeat(100_000).as_bytes());
    assert_code(tmp.path(), "WP100");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9u8 {
        let (p, n) = ((b'a' + i) as char, (b'a' + i + 1) as char);
        bomb.push_str(&format!(
            "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    let tmp = plugin_with(bomb.as_bytes());
    assert_code(tmp.path(), "WP100");
}

#[test]
fn directory_named_plugin_yml() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("wazo/plugin.yml")).unwrap();
    assert_code(tmp.path(), "WP205");
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_dangling_link() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("wazo")).unwrap();
    std::os::unix::fs::symlink("plugin.yml", tmp.path().join("wazo/plugin.yml")).unwrap();
    std::os::unix::fs::symlink("nowhere", tmp.path().join("wazo/rules")).unwrap();
    let (status, out) = lint_short(tmp.path());
    assert_eq!(status, 1);
    assert_eq!(out.matches("[WP205]").count(), 2, "{out}");
    // A loop of folders under a searched folder.
    let outer = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outer.path(), outer.path().join("loop")).unwrap();
    let (status, out) = lint_short(outer.path());
    assert_eq!(status, 1);
    assert!(out.contains("[WP201]"), "{out}");
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = plugin_with(b"name: a\nnamespace: demo\nversion: 1.0.0\n");
    let manifest = tmp.path().join("wazo/plugin.yml");
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&manifest).is_ok() {
        // Running as root: permissions do not stop us, so read as an unprivileged user.
        if which::which("setpriv").is_err() {
            assert!(
                std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
                "setpriv is required when WAZO_PLUGIN_TEST_STRICT=1"
            );
            eprintln!("skipped: running as root and setpriv is not on PATH");
            return;
        }
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(
            tmp.path().join("wazo"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
            .args(["lint", "--format", "short"])
            .arg(tmp.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("cannot be read") && stdout.contains("[WP205]"),
            "{stdout}"
        );
        return;
    }
    assert_code(tmp.path(), "WP205");
}
