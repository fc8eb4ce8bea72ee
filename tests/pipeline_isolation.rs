//! The isolation fallbacks (bubblewrap, Landlock, none), forced with WAZO_PLUGIN_ISOLATION, and
//! the non-root path: the binary run as user nobody.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wazo_plugin::pipeline::isolation;

fn strict() -> bool {
    std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() == Ok("1")
}

/// Skips (false) with a reason, or fails under WAZO_PLUGIN_TEST_STRICT=1.
fn need(ok: bool, what: &str) -> bool {
    if !ok {
        assert!(!strict(), "{what} is required (WAZO_PLUGIN_TEST_STRICT=1)");
        eprintln!("skipped: {what} is not available");
    }
    ok
}

fn have_bwrap() -> bool {
    need(which::which("dpkg").is_ok(), "dpkg")
        && need(isolation::bwrap_usable(), "a working bwrap (bubblewrap)")
}

/// Landlock missing from the kernel is a fact of the machine, not of the setup: skipped even
/// under strict mode, with the reason printed.
fn have_landlock() -> bool {
    match isolation::landlock_abi() {
        Some(_) => need(which::which("dpkg").is_ok(), "dpkg"),
        None => {
            eprintln!("skipped: this kernel has no Landlock (ABI probe: unsupported)");
            false
        }
    }
}

/// A plugin folder readable and writable by everyone (for the runs as nobody).
fn plugin(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::create_dir(dir.path().join("wazo")).unwrap();
    std::fs::write(
        dir.path().join("wazo/plugin.yml"),
        "name: iso\nnamespace: test\nversion: '1.0'\nplugin_format_version: 1\n",
    )
    .unwrap();
    let r = dir.path().join("wazo/rules");
    std::fs::write(&r, rules).unwrap();
    std::fs::set_permissions(&r, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

const LEAKS: &str = "#!/bin/sh\n[ \"$1\" = package ] && mkdir -p /etc/wazo-plugin-iso-leak && touch /etc/wazo-plugin-iso-leak/x\nexit 0\n";

const WRITES_ETC: &str = "#!/bin/sh\ncase \"$1\" in\n  package) mkdir -p \"$pkgdir/usr/share/iso\"; echo x > \"$pkgdir/usr/share/iso/f\";;\n  install) mkdir -p /etc/wazo-plugin-iso; echo on > /etc/wazo-plugin-iso/enabled; systemctl restart wazo-calld;;\n  uninstall) rm -f /etc/wazo-plugin-iso/enabled;;\n  postrm) rmdir /etc/wazo-plugin-iso;;\nesac\n";

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wazo-plugin"))
}

fn run(cmd: &mut Command) -> (i32, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    (status.code().unwrap_or(-1), text)
}

fn forced(mode: &str, args: &[&str], path: &Path) -> (i32, String) {
    run(Command::new(bin())
        .env("WAZO_PLUGIN_ISOLATION", mode)
        .args(args)
        .arg(path)
        .arg("--no-lint"))
}

fn host_unchanged() {
    for p in ["/etc/wazo-plugin-iso-leak", "/etc/wazo-plugin-iso"] {
        assert!(!Path::new(p).exists(), "{p} was written on the host");
    }
}

fn package_leak_is_denied(mode: &str) {
    let p = plugin(LEAKS);
    let out = tempfile::tempdir().unwrap();
    let (code, text) = forced(
        mode,
        &["package", "--output", out.path().to_str().unwrap()],
        p.path(),
    );
    host_unchanged();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("denied by") && text.contains("/etc/wazo-plugin-iso-leak"),
        "{text}"
    );
}

#[test]
fn bubblewrap_confines_build_and_redirects_the_maintainer_steps() {
    if !have_bwrap() {
        return;
    }
    package_leak_is_denied("bwrap");
    let p = plugin(WRITES_ETC);
    let (code, text) = forced("bwrap", &["test"], p.path());
    host_unchanged();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("isolation: bubblewrap"), "{text}");
    assert!(
        text.contains("installing: changed /etc/wazo-plugin-iso/enabled"),
        "{text}"
    );
    assert!(
        text.contains("installing: would have run: systemctl restart wazo-calld"),
        "{text}"
    );
    assert!(
        text.contains("left behind after removal: nothing"),
        "{text}"
    );
}

#[test]
fn landlock_denies_writes_outside_and_names_them() {
    if !have_landlock() {
        return;
    }
    package_leak_is_denied("landlock");
    let p = plugin(WRITES_ETC);
    // Landlock alone shares processes, hostname, sysctls and the terminal with the host: the
    // maintainer steps are refused without --unsafe-host.
    let (code, text) = forced("landlock", &["test"], p.path());
    host_unchanged();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("isolation: Landlock only"), "{text}");
    assert!(text.contains("maintainer scripts NOT run"), "{text}");
    assert!(!text.contains("would have run"), "{text}");
    let (code, text) = forced("landlock", &["test", "--unsafe-host"], p.path());
    host_unchanged();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("Landlock denied writes"), "{text}");
    assert!(text.contains("/etc/wazo-plugin-iso"), "{text}");
    let hello = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline/helloworld");
    let (code, text) = forced("landlock", &["test", "--unsafe-host"], &hello);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("isolation: Landlock"), "{text}");
    assert!(
        text.contains("installing: would have run: asterisk -x 'dialplan reload'"),
        "{text}"
    );
}

#[test]
fn without_isolation_maintainer_steps_need_unsafe_host() {
    if !need(which::which("dpkg").is_ok(), "dpkg") {
        return;
    }
    let hello = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline/helloworld");
    let (code, text) = forced("none", &["test"], &hello);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("isolation: UNCONFINED"), "{text}");
    assert!(text.contains("maintainer scripts NOT run"), "{text}");
    assert!(text.contains("--unsafe-host"), "{text}");
    assert!(!text.contains("would have run"), "{text}");
    // helloworld's rules install only calls asterisk, a stub on PATH: safe to run for real.
    let (code, text) = forced("none", &["test", "--unsafe-host"], &hello);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("installing: would have run: asterisk -x 'dialplan reload'"),
        "{text}"
    );
    assert!(
        text.contains("the maintainer steps ran on this host"),
        "{text}"
    );
}

/// Runs the binary as user nobody (a copy of it, so its directory need not be readable).
fn as_nobody(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> (i32, String) {
    let copy = dir.join("wazo-plugin");
    if !copy.exists() {
        std::fs::copy(bin(), &copy).unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&copy)
        .args(args)
        .env("HOME", dir)
        .env("TMPDIR", dir);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

fn can_become_nobody() -> bool {
    need(which::which("setpriv").is_ok(), "setpriv (util-linux)")
        && need(
            nix::unistd::Uid::effective().is_root(),
            "root (to run the binary as nobody with setpriv)",
        )
        && need(which::which("dpkg").is_ok(), "dpkg")
}

#[test]
fn as_nobody_bubblewrap_is_used_and_the_host_is_untouched() {
    if !can_become_nobody() || !have_bwrap() {
        return;
    }
    let p = plugin(WRITES_ETC);
    let scratch = tempfile::tempdir().unwrap();
    std::fs::set_permissions(scratch.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let dir = p.path().to_str().unwrap();
    let (code, text) = as_nobody(scratch.path(), &["test", dir, "--no-lint"], &[]);
    host_unchanged();
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("isolation: bubblewrap"), "{text}");
    assert!(
        text.contains("installing: changed /etc/wazo-plugin-iso/enabled"),
        "{text}"
    );
    let leak = plugin(LEAKS);
    let (code, text) = as_nobody(
        scratch.path(),
        &["build", leak.path().to_str().unwrap(), "--no-lint"],
        &[],
    );
    assert_eq!(code, 0, "build does not write: {text}");
    if have_landlock() {
        let out = scratch.path().join("out");
        let (code, text) = as_nobody(
            scratch.path(),
            &[
                "package",
                leak.path().to_str().unwrap(),
                "--no-lint",
                "--output",
                out.to_str().unwrap(),
            ],
            &[("WAZO_PLUGIN_ISOLATION", "landlock")],
        );
        host_unchanged();
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("/etc/wazo-plugin-iso-leak"), "{text}");
    }
}

#[test]
fn builtin_namespaces_confine_build_and_redirect_the_maintainer_steps() {
    if !need(which::which("dpkg").is_ok(), "dpkg")
        || !need(
            isolation::namespaces_usable(),
            "unprivileged user namespaces (for the built-in sandbox)",
        )
    {
        return;
    }
    package_leak_is_denied("ns");
    // With lint first too: lint leaves signal handlers behind (wait-timeout's SIGCHLD), which
    // the sandbox's middle process must not run.
    let hello = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline/helloworld");
    let (code, text) = run(Command::new(bin())
        .env("WAZO_PLUGIN_ISOLATION", "ns")
        .arg("test")
        .arg(&hello));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("isolation: namespaces"), "{text}");
    let p = plugin(WRITES_ETC);
    let (code, text) = forced("ns", &["test"], p.path());
    host_unchanged();
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("isolation: namespaces (built in, no bubblewrap)"),
        "{text}"
    );
    assert!(
        text.contains("installing: changed /etc/wazo-plugin-iso/enabled"),
        "{text}"
    );
    assert!(
        text.contains("installing: would have run: systemctl restart wazo-calld"),
        "{text}"
    );
    assert!(
        text.contains("left behind after removal: nothing"),
        "{text}"
    );
    if can_become_nobody() {
        let scratch = tempfile::tempdir().unwrap();
        std::fs::set_permissions(scratch.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let dir = p.path().to_str().unwrap();
        let (code, text) = as_nobody(
            scratch.path(),
            &["test", dir, "--no-lint"],
            &[("WAZO_PLUGIN_ISOLATION", "ns")],
        );
        host_unchanged();
        assert_eq!(code, 0, "{text}");
        assert!(text.contains("isolation: namespaces"), "{text}");
        assert!(
            text.contains("installing: changed /etc/wazo-plugin-iso/enabled"),
            "{text}"
        );
    }
}
