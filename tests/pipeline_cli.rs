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

fn plugin_with(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wazo")).unwrap();
    std::fs::write(
        dir.path().join("wazo/plugin.yml"),
        "name: a\nnamespace: b\nversion: '1'\n",
    )
    .unwrap();
    let r = dir.path().join("wazo/rules");
    std::fs::write(&r, rules).unwrap();
    std::process::Command::new("chmod")
        .arg("755")
        .arg(&r)
        .status()
        .unwrap();
    dir
}

fn survivors(tag: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(tag))
        .collect()
}

#[test]
fn sigint_kills_the_step_and_its_setsid_children_and_exits_130() {
    // The build forks a sleeper that leaves the process group and session with setsid: only
    // the PID namespace (or nothing, unconfined) stops it.
    let mut runs = vec![("auto", nix::sys::signal::Signal::SIGINT)];
    runs.push(("auto", nix::sys::signal::Signal::SIGTERM));
    runs.push(("auto", nix::sys::signal::Signal::SIGHUP));
    if wazo_plugin::pipeline::isolation::namespaces_usable() {
        runs.push(("ns", nix::sys::signal::Signal::SIGINT));
    }
    for (mechanism, sig) in runs {
        let p = plugin_with(
            "#!/bin/sh\nsetsid sh -c 'sleep 599.4343' &\necho started\nsleep 599.4343\n",
        );
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_wazo-plugin"))
            .args(["build", "--no-lint"])
            .arg(p.path())
            .env("WAZO_PLUGIN_ISOLATION", mechanism)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while survivors("599.4343").len() < 2 && start.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
        let out = child.wait_with_output().unwrap();
        let expected = 128 + sig as i32;
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
        let isolation = wazo_plugin::pipeline::isolation::probe(Path::new("/"));
        let left = survivors("599.4343");
        if isolation.namespaces() {
            assert!(left.is_empty(), "left running: {left:?}");
        } else {
            // Without a PID namespace a setsid child escapes the process group: documented.
            for l in &left {
                eprintln!("escaped without namespaces: {l}");
            }
            let _ = std::process::Command::new("pkill")
                .args(["-f", "599.4343"])
                .status();
        }
    }
}

#[test]
fn control_characters_in_step_output_are_escaped() {
    let p = plugin_with("#!/bin/sh\nprintf 'evil \\033]0;title\\007 \\033[2J done\\n'\nexit 3\n");
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["build", "--no-lint"])
        .arg(p.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(
        err.contains("evil \\x1b]0;title\\x07 \\x1b[2J done"),
        "{err}"
    );
}

#[test]
fn a_fifo_in_the_plugin_folder_is_refused() {
    let p = plugin_with("#!/bin/sh\nexit 0\n");
    nix::unistd::mkfifo(
        &p.path().join("pipe"),
        nix::sys::stat::Mode::from_bits_truncate(0o644),
    )
    .unwrap();
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["build", "--no-lint", "--timeout", "20"])
        .arg(p.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is a FIFO"), "{err}");
}

#[test]
fn a_second_run_on_a_locked_prefix_fails_at_once() {
    if which::which("dpkg").is_err() {
        assert!(
            std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
            "dpkg is required (WAZO_PLUGIN_TEST_STRICT=1)"
        );
        eprintln!("skipped: dpkg not found");
        return;
    }
    let prefix = tempfile::tempdir().unwrap();
    let lock = wazo_plugin::pipeline::install::lock_prefix(prefix.path()).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline/helloworld");
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["install", "--no-lint", "--prefix"])
        .arg(prefix.path())
        .arg(&fixture)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("in use by another wazo-plugin run"), "{err}");
    drop(lock);
    // A half-installed package (a run killed inside dpkg) is refused by the next run.
    let db = prefix.path().join("var/lib/dpkg");
    std::fs::create_dir_all(db.join("info")).unwrap();
    std::fs::create_dir_all(db.join("updates")).unwrap();
    std::fs::write(
        db.join("status"),
        "Package: wazo-plugind-x-y\nStatus: install ok half-installed\nPriority: extra\nSection: wazo-plugind-plugin\nMaintainer: x <x@example.com>\nArchitecture: all\nVersion: 1\nDescription: x\n\n",
    )
    .unwrap();
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["install", "--no-lint", "--prefix"])
        .arg(prefix.path())
        .arg(&fixture)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("half-done"), "{err}");
}

#[test]
fn stale_work_dirs_of_killed_runs_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let stale = tmp.path().join("wazo-plugin-work-stale");
    std::fs::create_dir_all(stale.join("plugin")).unwrap();
    // pid 0 is never a live process.
    std::fs::write(stale.join(".wazo-plugin-owner"), "0 1").unwrap();
    let foreign = tmp.path().join("wazo-plugin-work-foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    let p = plugin_with("#!/bin/sh\nexit 0\n");
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["build", "--no-lint"])
        .arg(p.path())
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!stale.exists(), "the stale work dir is still there");
    assert!(foreign.exists(), "a dir without our owner file was removed");
}

#[test]
fn after_sigkill_inside_dpkg_the_next_run_refuses_the_half_done_prefix() {
    if which::which("dpkg").is_err()
        || wazo_plugin::pipeline::isolation::probe(Path::new("/"))
            != wazo_plugin::pipeline::isolation::Isolation::Bubblewrap
    {
        assert!(
            std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
            "dpkg and bubblewrap are required (WAZO_PLUGIN_TEST_STRICT=1)"
        );
        eprintln!("skipped: needs dpkg and bubblewrap");
        return;
    }
    let p = plugin_with(
        "#!/bin/sh\ncase \"$1\" in\n  package) mkdir -p \"$pkgdir/etc/k\"; touch \"$pkgdir/etc/k/f\";;\n  install) echo in-postinst; sleep 588.4343;;\nesac\nexit 0\n",
    );
    let prefix = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wazo-plugin"))
        .args(["install", "--no-lint", "--prefix"])
        .arg(prefix.path())
        .arg(p.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while survivors("588.4343").is_empty() && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        !survivors("588.4343").is_empty(),
        "the install step never started"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // The step dies with wazo-plugin (--die-with-parent, PID namespace).
    let start = std::time::Instant::now();
    while !survivors("588.4343").is_empty() && start.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        survivors("588.4343").is_empty(),
        "the step outlived a SIGKILLed wazo-plugin"
    );
    let out = cargo_bin_cmd!("wazo-plugin")
        .args(["install", "--no-lint", "--prefix"])
        .arg(prefix.path())
        .arg(p.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("half-done"), "{err}");
}

#[test]
fn no_network_gives_the_steps_only_a_loopback() {
    if !wazo_plugin::pipeline::isolation::probe(Path::new("/")).namespaces() {
        assert!(
            std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
            "a namespace sandbox is required (WAZO_PLUGIN_TEST_STRICT=1)"
        );
        eprintln!("skipped: no namespace sandbox");
        return;
    }
    // /proc/net/dev lists the interfaces of the step's network namespace.
    let p = plugin_with(
        "#!/bin/sh\necho \"interfaces: $(grep -c : /proc/net/dev)\"\n[ \"$(grep -c : /proc/net/dev)\" = 1 ] || exit 5\n",
    );
    let mut mechanisms = vec!["bwrap"];
    if wazo_plugin::pipeline::isolation::namespaces_usable() {
        mechanisms.push("ns");
    }
    for m in mechanisms {
        let out = cargo_bin_cmd!("wazo-plugin")
            .args(["build", "--no-lint", "--no-network"])
            .arg(p.path())
            .env("WAZO_PLUGIN_ISOLATION", m)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{m}: {text}");
        assert!(text.contains("no network"), "{m}: {text}");
        assert!(
            !text.contains("shared with the host: the network"),
            "{text}"
        );
    }
    // The probe tells the two apart: with the network shared, the host's interfaces show.
    let host = std::fs::read_to_string("/proc/net/dev").unwrap_or_default();
    if host.matches(':').count() > 1 {
        let out = cargo_bin_cmd!("wazo-plugin")
            .args(["build", "--no-lint"])
            .arg(p.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
    }
}
