//! Linting 300 plugins' rules scripts, against shellcheck alone on the same files.
//! `cargo bench --bench rules` prints the figures (whole processes, median of 5 runs).
//!
//! Targets (issue 3): lint with shellcheck at most 1.3 times shellcheck alone; lint without
//! shellcheck under 5% of shellcheck alone.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PLUGINS: usize = 300;

/// Writes PLUGINS plugins, cycling through the complete scripts of tests/fixtures/good and the
/// helloworld example, each with its own name.
fn corpus(dir: &Path) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/good"))
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let rules = std::fs::read_to_string(p.join("wazo/rules")).unwrap_or_default();
            rules.starts_with("#!/bin/sh") || rules.contains("bash")
        })
        .collect();
    sources.push(root.join("examples/helloworld"));
    sources.sort();
    let mut rules_files = Vec::new();
    for i in 0..PLUGINS {
        let from = &sources[i % sources.len()];
        let to = dir.join(format!("plugin{i:03}/wazo"));
        std::fs::create_dir_all(&to).expect("mkdir");
        let manifest = std::fs::read_to_string(from.join("wazo/plugin.yml")).expect("read");
        let manifest = manifest
            .lines()
            .map(|l| {
                if l.starts_with("name:") {
                    format!("name: plugin{i:03}")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(to.join("plugin.yml"), manifest + "\n").expect("write");
        std::fs::copy(from.join("wazo/rules"), to.join("rules")).expect("copy");
        rules_files.push(to.join("rules"));
    }
    rules_files
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time(mut command: impl FnMut() -> Command) -> Duration {
    let runs = (0..5)
        .map(|_| {
            let start = Instant::now();
            let status = command()
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run");
            assert!(status.code().is_some_and(|c| c <= 1), "{status}");
            start.elapsed()
        })
        .collect();
    median(runs)
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let files = corpus(tmp.path());
    let exe = env!("CARGO_BIN_EXE_wazo-plugin");
    let lint = |shellcheck: &'static str| {
        let dir = tmp.path().to_path_buf();
        move || {
            let mut c = Command::new(exe);
            c.args(["lint", "--format", "json", "--shellcheck", shellcheck])
                .arg(&dir);
            c
        }
    };
    let without = time(lint("never"));
    println!("{PLUGINS} plugins, median of 5 runs, whole processes:");
    println!("  wazo-plugin lint --shellcheck never  {}", ms(without));
    let Ok(shellcheck) = which::which("shellcheck") else {
        println!("  shellcheck not on PATH: the comparison with shellcheck is skipped");
        return;
    };
    let alone = time(|| {
        let mut c = Command::new(&shellcheck);
        c.args(["-f", "json1"]).args(&files);
        c
    });
    let with = time(lint("auto"));
    println!("  shellcheck -f json1 (alone)          {}", ms(alone));
    println!("  wazo-plugin lint (with shellcheck)   {}", ms(with));
    println!(
        "  with shellcheck / shellcheck alone:    {:.2}  (target <= 1.30)",
        with.as_secs_f64() / alone.as_secs_f64()
    );
    println!(
        "  without shellcheck / shellcheck alone: {:.1}%  (target < 5%)",
        100.0 * without.as_secs_f64() / alone.as_secs_f64()
    );
}
