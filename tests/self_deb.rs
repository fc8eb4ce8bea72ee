//! The .deb of wazo-plugin itself, written by `cargo run --example self-deb` with the
//! project's own .deb writer: read back by dpkg-deb (-I, -c), then, as root, installed with
//! dpkg into a throwaway root (`dpkg --root`), run from there, and removed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn example() -> PathBuf {
    // cargo test builds the examples next to the test binaries' folder.
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    dir.join("examples/self-deb")
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn self_deb_installs_runs_and_removes() {
    if common::missing_tool("dpkg-deb") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let printed = run(Command::new(example())
        .arg("--binary")
        .arg(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .arg("--out")
        .arg(&out_dir));
    let deb = PathBuf::from(printed.trim());
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        deb.file_name().unwrap().to_string_lossy(),
        format!("wazo-plugin_{version}_amd64.deb")
    );
    let info = run(Command::new("dpkg-deb").arg("-I").arg(&deb));
    for field in [
        "Package: wazo-plugin".to_string(),
        format!("Version: {version}"),
        "Architecture: amd64".into(),
        "Depends: libc6 (>= 2.".into(),
    ] {
        assert!(info.contains(&field), "{field} not in:\n{info}");
    }
    let list = run(Command::new("dpkg-deb").arg("-c").arg(&deb));
    for path in [
        "./usr/bin/wazo-plugin",
        "./usr/share/bash-completion/completions/wazo-plugin",
        "./usr/share/zsh/vendor-completions/_wazo-plugin",
        "./usr/share/fish/vendor_completions.d/wazo-plugin.fish",
        "./usr/share/man/man1/wazo-plugin.1.gz",
        "./usr/share/man/man1/wazo-plugin-lint.1.gz",
        "./usr/share/doc/wazo-plugin/copyright",
    ] {
        assert!(
            list.lines().any(|l| l.ends_with(&format!(" {path}"))),
            "{path} not in:\n{list}"
        );
    }
    assert!(list.contains("-rwxr-xr-x root/root"), "{list}");

    if !nix::unistd::geteuid().is_root() {
        assert!(
            !common::strict(),
            "installing the .deb with dpkg --root needs root"
        );
        eprintln!("skipped: installing with dpkg --root needs root");
        return;
    }
    if common::missing_tool("dpkg") {
        return;
    }
    let root = tmp.path().join("root");
    for dir in [
        "var/lib/dpkg/info",
        "var/lib/dpkg/updates",
        "var/lib/dpkg/triggers",
    ] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::write(root.join("var/lib/dpkg/status"), "").unwrap();
    std::fs::write(root.join("var/lib/dpkg/available"), "").unwrap();
    let dpkg = |args: &[&str]| {
        run(Command::new("dpkg")
            .arg(format!("--root={}", root.display()))
            .args([
                "--force-depends",
                "--force-script-chrootless",
                "--log=/dev/null",
            ])
            .args(args))
    };
    dpkg(&["-i", &deb.to_string_lossy()]);
    let installed = root.join("usr/bin/wazo-plugin");
    let version_line = run(Command::new(&installed).arg("--version"));
    assert_eq!(version_line.trim(), format!("wazo-plugin {version}"));
    let files = dpkg(&["-L", "wazo-plugin"]);
    assert!(
        files.contains("/usr/share/man/man1/wazo-plugin.1.gz"),
        "{files}"
    );
    dpkg(&["-r", "wazo-plugin"]);
    assert!(!installed.exists());
    assert!(!Path::new(&root.join("usr/share/man/man1/wazo-plugin.1.gz")).exists());
}
