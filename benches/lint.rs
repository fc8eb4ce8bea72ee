//! How long linting one plugin takes: in process (the library call) and for the whole process,
//! as a user or a pre-commit hook runs it. `cargo bench --bench lint` prints the figures.
//!
//! The plugin is a copy of examples/helloworld in a temporary folder (outside any git work
//! tree, where lint would also start `git ls-files`), linted without shellcheck unless said.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wazo_plugin::lint::{LintOptions, lint_paths, shellcheck::Mode};

fn per_run(total: Duration, runs: u32) -> String {
    let micros = total.as_secs_f64() * 1e6 / f64::from(runs);
    if micros >= 1000.0 {
        format!("{:.2} ms", micros / 1000.0)
    } else {
        format!("{micros:.1} µs")
    }
}

fn copy_plugin(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/helloworld");
    for rel in ["wazo/plugin.yml", "wazo/rules", "helloworld.conf"] {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from.join(rel), &target).expect("copy");
    }
}

fn whole_process(args: &[&str], runs: u32) -> Duration {
    let exe = env!("CARGO_BIN_EXE_wazo-plugin");
    let start = Instant::now();
    for _ in 0..runs {
        let status = Command::new(exe)
            .args(args)
            .stdout(Stdio::null())
            .status()
            .expect("run wazo-plugin");
        assert!(status.code().is_some_and(|c| c <= 1), "{status}");
    }
    start.elapsed()
}

fn main() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let plugin = tmp.path().join("helloworld");
    copy_plugin(&plugin);
    let paths = vec![plugin.clone()];
    let options = LintOptions {
        shellcheck: Mode::Never,
        ..Default::default()
    };

    let runs = 2000;
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(lint_paths(&paths, &options).expect("lint"));
    }
    println!(
        "lint helloworld, in process, no shellcheck:      {} ({runs} runs)",
        per_run(start.elapsed(), runs)
    );

    let dir = plugin.to_string_lossy().into_owned();
    let runs = 200;
    let none = whole_process(
        &["lint", "--format", "short", "--shellcheck", "never", &dir],
        runs,
    );
    println!(
        "lint helloworld, whole process, no shellcheck:   {} ({runs} runs)",
        per_run(none, runs)
    );
    let bare = whole_process(&["--version"], runs);
    println!(
        "wazo-plugin --version (process start):           {} ({runs} runs)",
        per_run(bare, runs)
    );
    if which::which("shellcheck").is_ok() {
        let with = whole_process(&["lint", "--format", "short", &dir], runs);
        println!(
            "lint helloworld, whole process, with shellcheck: {} ({runs} runs)",
            per_run(with, runs)
        );
    }
}
