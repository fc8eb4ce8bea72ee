//! The pipeline commands through the binary: exit codes and what they print.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;

fn failing_plugin() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wazo")).unwrap();
    std::fs::write(
        dir.path().join("wazo/plugin.yml"),
        "name: a\nnamespace: b\nversion: '1'\n",
    )
    .unwrap();
    let rules = dir.path().join("wazo/rules");
    std::fs::write(
        &rules,
        "#!/bin/sh\ncase \"$1\" in\n    build)\n        echo 'make: *** [all] Error 2'\n        exit 2\n        ;;\n    package|install|uninstall)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("755")
        .arg(&rules)
        .status()
        .unwrap();
    dir
}

#[test]
fn failed_build_exits_1_with_the_output_tail() {
    let p = failing_plugin();
    let out = cargo_bin_cmd!("wazo-plugin")
        .arg("build")
        .arg(p.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("building: `wazo/rules build` failed (exit status 2)"),
        "{err}"
    );
    assert!(err.contains("| make: *** [all] Error 2"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let prefix = tempfile::tempdir().unwrap();
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["uninstall", "Bad/x", "--prefix"])
        .arg(prefix.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["build", "/nonexistent-plugin"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["install"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--prefix is required");
}

#[test]
fn package_writes_the_deb_into_output() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline/helloworld");
    let out_dir = tempfile::tempdir().unwrap();
    let out = cargo_bin_cmd!("wazo-plugin")
        .arg("package")
        .arg(&fixture)
        .arg("--output")
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out_dir
            .path()
            .join("wazo-plugind-helloworld-demo_0.0.1_all.deb")
            .is_file()
    );
    let err = String::from_utf8_lossy(&out.stderr);
    for step in ["extracting", "validating", "building", "packaging"] {
        assert!(err.contains(step), "{err}");
    }
}
