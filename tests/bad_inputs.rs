//! The bad-input suite: malformed plugins, built in temporary folders from a table. Each must
//! get its coded diagnostic from `wazo-plugin lint`, exit status 1, no panic and no hang.
//! tests/robustness.rs holds the first few cases; these extend them without repeating them.
//!
//! A row is a name, a builder (given an empty folder, it makes the plugin and returns the path
//! to lint) and the code expected. Rows whose check is a warning run with `--strict`.

mod bad_inputs {
    pub mod layout;
    pub mod manifest;
    pub mod rules;
}

use std::path::{Path, PathBuf};
use std::time::Duration;

/// One malformed plugin.
pub struct Case {
    pub name: &'static str,
    pub build: fn(&Path) -> PathBuf,
    pub code: &'static str,
}

/// A plugin.yml that triggers nothing.
pub const GOOD_MANIFEST: &[u8] =
    b"name: demo\nnamespace: acme\nversion: \"1.0.0\"\nplugin_format_version: 1\n";

/// A rules script that triggers nothing.
pub const GOOD_RULES: &[u8] = b"#!/bin/sh\nset -e\n\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        echo \"$0 called with unknown argument '$1'\" >&2\n        exit 1\n        ;;\nesac\n";

/// Writes a plugin (an executable rules script) at `root` and returns `root`.
pub fn plugin(root: &Path, manifest: &[u8], rules: &[u8]) -> PathBuf {
    std::fs::create_dir_all(root.join("wazo")).unwrap();
    std::fs::write(root.join("wazo/plugin.yml"), manifest).unwrap();
    std::fs::write(root.join("wazo/rules"), rules).unwrap();
    set_mode(&root.join("wazo/rules"), 0o755);
    root.to_path_buf()
}

pub fn with_manifest(root: &Path, manifest: &[u8]) -> PathBuf {
    plugin(root, manifest, GOOD_RULES)
}

pub fn with_rules(root: &Path, rules: &[u8]) -> PathBuf {
    plugin(root, GOOD_MANIFEST, rules)
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub fn symlink(target: impl AsRef<Path>, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// A case whose plugin.yml is these bytes (the rules script is good).
#[macro_export]
macro_rules! manifest {
    ($name:expr, $text:expr, $code:expr) => {
        $crate::Case {
            name: $name,
            build: |d| $crate::with_manifest(d, $text),
            code: $code,
        }
    };
}

/// A case whose rules script is these bytes (plugin.yml is good).
#[macro_export]
macro_rules! rules {
    ($name:expr, $text:expr, $code:expr) => {
        $crate::Case {
            name: $name,
            build: |d| $crate::with_rules(d, $text),
            code: $code,
        }
    };
}

/// Runs one case; returns what went wrong, if anything.
fn run(case: &Case) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let target = (case.build)(tmp.path());
    let check = wazo_plugin::lint::registry::find(case.code)
        .ok_or_else(|| format!("no check {}", case.code))?;
    let mut cmd = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"));
    cmd.env("NO_COLOR", "1")
        .args(["lint", "--format", "short", "--shellcheck", "never"])
        .timeout(Duration::from_secs(30));
    if check.severity != wazo_plugin::diagnostic::Severity::Error {
        cmd.arg("--strict");
    }
    let out = cmd.arg(&target).output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut problems = Vec::new();
    if stderr.contains("panicked") || stderr.contains("internal error") {
        problems.push(format!("crashed: {stderr}"));
    }
    // A note (info) alone does not fail the run.
    let expected = match wazo_plugin::lint::registry::find(case.code) {
        Some(c) if c.severity == wazo_plugin::diagnostic::Severity::Info => 0,
        _ => 1,
    };
    if out.status.code() != Some(expected) {
        problems.push(format!("exit status {:?}", out.status.code()));
    }
    if !stdout.contains(&format!("[{}]", case.code)) {
        problems.push(format!("no [{}]", case.code));
    }
    // Leave the folder removable (cases may take permissions away).
    let _ = std::process::Command::new("chmod")
        .args(["-R", "u+rwx"])
        .arg(tmp.path())
        .status();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}\n{stdout}{stderr}",
            case.name,
            problems.join("; ")
        ))
    }
}

fn run_all(cases: &[Case]) {
    let failures: Vec<String> = cases.iter().filter_map(|c| run(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn malformed_manifests() {
    run_all(bad_inputs::manifest::CASES);
}

#[test]
fn malformed_rules_scripts() {
    run_all(bad_inputs::rules::CASES);
}

#[test]
fn malformed_layouts() {
    run_all(&bad_inputs::layout::cases());
}

#[test]
fn at_least_sixty_cases_with_distinct_names() {
    let mut names: Vec<&str> = bad_inputs::manifest::CASES
        .iter()
        .chain(bad_inputs::rules::CASES)
        .chain(&bad_inputs::layout::cases())
        .map(|c| c.name)
        .collect();
    let total = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), total, "two cases share a name");
    assert!(total >= 60, "only {total} cases");
}
