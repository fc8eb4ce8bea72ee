//! Replays every input the fuzzers (fuzz/, see docs/fuzzing.md) ever found a problem with:
//! tests/fuzz/<target>/<name>, through the same code the fuzz target runs.

#[path = "common/deb_fuzz.rs"]
mod deb_fuzz;
#[path = "common/deb_reader.rs"]
mod deb_reader;
#[path = "common/fuzz_lint.rs"]
mod fuzz_lint;

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn manifest_inputs() {
    for (path, bytes) in inputs("manifest") {
        eprintln!("{}", path.display());
        fuzz_lint::manifest(&bytes);
    }
}

/// Also in bounded time: the parser once backtracked exponentially on unclosed subshells (3 s
/// for a 734-byte script, doubling with each `(`).
#[test]
fn rules_inputs() {
    for (path, bytes) in inputs("rules") {
        eprintln!("{}", path.display());
        let start = std::time::Instant::now();
        fuzz_lint::rules(&bytes);
        let took = start.elapsed();
        assert!(took.as_secs() < 5, "{}: {took:?}", path.display());
    }
}

#[test]
fn deb_inputs() {
    if which::which("dpkg-deb").is_err() {
        assert!(
            std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
            "dpkg-deb is required when WAZO_PLUGIN_TEST_STRICT=1"
        );
        eprintln!("dpkg-deb is not on PATH: the packages are only checked with our reader");
    }
    let found = inputs("deb");
    assert!(!found.is_empty());
    for (path, bytes) in found {
        eprintln!("{}", path.display());
        deb_fuzz::check(&bytes);
    }
}

/// A link target longer than a tar header's 100 bytes is written with a GNU long-link record
/// (the fuzzer's first find: `build_deb` failed on it), and dpkg-deb lists it whole.
#[test]
fn long_link_target_survives_dpkg_deb() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("pkg");
    std::fs::create_dir_all(pkg.join("DEBIAN")).unwrap();
    std::fs::write(
        pkg.join("DEBIAN/control"),
        "Package: x\nVersion: 1\nArchitecture: all\nMaintainer: x <x@example.com>\nDescription: x\n",
    )
    .unwrap();
    let target = format!("/usr/share/{}/{}", "d".repeat(80), "f".repeat(80));
    std::os::unix::fs::symlink(&target, pkg.join("link")).unwrap();
    let out = tmp.path().join("x.deb");
    wazo_plugin::pipeline::deb::build_deb(&pkg, &out, 0).unwrap();
    let deb = deb_reader::read_deb(&std::fs::read(&out).unwrap()).unwrap();
    let link = deb.data.iter().find(|e| e.name == b"./link").unwrap();
    assert_eq!(link.link.as_deref(), Some(target.as_bytes()));
    if which::which("dpkg-deb").is_err() {
        return;
    }
    let listing = std::process::Command::new("dpkg-deb")
        .arg("-c")
        .arg(&out)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing.contains(&format!("./link -> {target}")),
        "{listing}"
    );
}
