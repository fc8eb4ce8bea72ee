//! How long linting takes: in process (the library call) and for the whole process, as a user
//! or a pre-commit hook runs it. `cargo bench --bench lint` prints the figures.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use wazo_plugin::lint::{LintOptions, lint_paths};

fn per_run(total: Duration, runs: u32) -> String {
    let micros = total.as_secs_f64() * 1e6 / f64::from(runs);
    if micros >= 1000.0 {
        format!("{:.2} ms", micros / 1000.0)
    } else {
        format!("{micros:.1} µs")
    }
}

fn main() {
    let example = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/helloworld"));
    let paths = vec![example.clone()];
    let options = LintOptions::default();

    let runs = 2000;
    let start = Instant::now();
    for _ in 0..runs {
        let report = lint_paths(&paths, &options).expect("lint");
        std::hint::black_box(report);
    }
    println!(
        "lint helloworld, in process:   {} per plugin ({runs} runs)",
        per_run(start.elapsed(), runs)
    );

    let exe = env!("CARGO_BIN_EXE_wazo-plugin");
    let runs = 200;
    let start = Instant::now();
    for _ in 0..runs {
        let status = std::process::Command::new(exe)
            .args(["lint", "--format", "short"])
            .arg(&example)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run wazo-plugin");
        assert!(status.success());
    }
    println!(
        "lint helloworld, whole process: {} per run ({runs} runs)",
        per_run(start.elapsed(), runs)
    );
}
