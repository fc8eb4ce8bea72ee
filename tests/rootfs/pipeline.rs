//! `--rootfs`: build, package, install and test run in a copy of the Wazo-like root, through
//! the confinement. The root is the one `super::root()` makes once for the whole run; the CLI
//! finds it in the same cache folder.

use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;

use super::{root, shared_cache, text};

fn namespaces_usable() -> bool {
    if wazo_plugin::pipeline::isolation::resolve(wazo_plugin::pipeline::isolation::Choice::Auto)
        .namespaces()
    {
        return true;
    }
    super::skip("no namespace sandbox here (bubblewrap or user namespaces): --rootfs needs one");
    false
}

fn wazo(args: &[&str]) -> Output {
    Command::cargo_bin("wazo-plugin")
        .expect("bin")
        .args(args)
        .env("XDG_CACHE_HOME", shared_cache())
        .env_remove("WAZO_PLUGIN_ISOLATION")
        .output()
        .expect("run wazo-plugin")
}

/// A plugin `name` in `parent` whose rules run `arms` (`build`, `install`... to shell code).
fn plugin(parent: &Path, name: &str, extra_yml: &str, arms: &[(&str, &str)]) -> String {
    let dir = parent.join(name);
    std::fs::create_dir_all(dir.join("wazo")).expect("mkdir");
    std::fs::write(
        dir.join("wazo/plugin.yml"),
        format!(
            "name: {name}\nnamespace: demo\nversion: 0.1.0\nplugin_format_version: 1\ndisplay_name: {name}\nauthor: Demo\n{extra_yml}"
        ),
    )
    .expect("write plugin.yml");
    let mut rules = String::from("#!/bin/sh\nset -e\ncase \"$1\" in\n");
    for step in ["build", "package", "install", "uninstall", "postrm"] {
        let body = arms
            .iter()
            .find(|(s, _)| *s == step)
            .map_or(":", |(_, b)| b);
        rules.push_str(&format!("  {step})\n    {body}\n    ;;\n"));
    }
    rules.push_str("  *)\n    echo \"unknown $1\" >&2\n    exit 1\n    ;;\nesac\n");
    let path = dir.join("wazo/rules");
    std::fs::write(&path, rules).expect("write rules");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    dir.display().to_string()
}

/// The root ready and the steps confinable, or a skip.
fn ready() -> bool {
    root().is_some() && namespaces_usable()
}

#[test]
fn a_build_calling_python_fails_even_where_the_host_has_one() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(tmp.path(), "py", "", &[("build", "python -c 'print(42)'")]);
    let out = wazo(&["build", "--rootfs", "--no-lint", &p]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("python: not found"), "{}", text(&out));
    // python3 is there, the release's own.
    let p3 = plugin(
        tmp.path(),
        "py3",
        "",
        &[(
            "build",
            // The release's own, with what wazo-plugind's runtime brings (setup.py files
            // import yaml).
            "python3 -c 'import sys, yaml, requests; assert sys.version_info[:2] == (3, 11), sys.version'",
        )],
    );
    let out = wazo(&["build", "--rootfs", "--no-lint", &p3]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("rootfs: Wazo "),
        "{}",
        text(&out)
    );
}

#[test]
fn a_depends_plugin_missing_from_the_tree_is_stood_in() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(
        tmp.path(),
        "needy",
        "depends:\n  - name: absent\n    namespace: acme\n",
        &[],
    );
    let out = wazo(&["test", "--rootfs", "--no-lint", &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("an empty package wazo-plugind-absent-acme stands in for it"),
        "{}",
        text(&out)
    );
}

#[test]
fn an_interpreter_the_server_lacks_is_named() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(tmp.path(), "mk", "", &[]);
    let rules = Path::new(&p).join("wazo/rules");
    let original = std::fs::read_to_string(&rules).expect("rules");
    std::fs::write(
        &rules,
        original.replacen("#!/bin/sh", "#!/usr/bin/make -f", 1),
    )
    .expect("write");
    let out = wazo(&["build", "--rootfs", "--no-lint", &p]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("/usr/bin/make is not on a Wazo server of this release"),
        "{}",
        text(&out)
    );
}

#[test]
fn pipefail_under_bin_sh_fails_as_on_dash() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(tmp.path(), "pf", "", &[("build", "set -o pipefail")]);
    let out = wazo(&["build", "--rootfs", "--no-lint", &p]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("Illegal option -o pipefail"),
        "{}",
        text(&out)
    );
}

#[test]
fn debian_depends_are_installed_for_real_and_usable_by_install() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(
        tmp.path(),
        "jwtuse",
        "debian_depends:\n  - python3-jwt\n",
        &[
            (
                "install",
                "python3 -c 'import jwt; print(\"jwt\", jwt.__version__)' > /var/lib/jwt-version",
            ),
            ("uninstall", "rm -f /var/lib/jwt-version"),
        ],
    );
    let out = wazo(&["test", "--rootfs", "--no-lint", &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "depends (installed in the root by gdebi, with apt, as on a server): python3-jwt"
        ),
        "{stdout}"
    );
    // What python3-jwt installed stays (apt-get remove leaves it), and is not the plugin's.
    assert!(
        stdout.contains("left behind after removal: nothing"),
        "{stdout}"
    );
}

#[test]
fn a_debian_depends_package_debian_lacks_is_named() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(
        tmp.path(),
        "oldjwt",
        "debian_depends:\n  - python-jwt\n",
        &[],
    );
    let out = wazo(&["test", "--rootfs", "--no-lint", &p]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("debian_depends not in Debian: python-jwt"),
        "{stderr}"
    );
    assert!(
        stderr.contains("has no package python-jwt: fix debian_depends"),
        "{stderr}"
    );
}

#[test]
fn a_conf_d_file_for_wazo_calld_finds_its_folder_and_a_restart_is_recorded() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(
        tmp.path(),
        "calldconf",
        "",
        &[
            (
                "package",
                "mkdir -p \"$pkgdir/etc/wazo-calld/conf.d\" && echo 'enabled_plugins: {x: true}' > \"$pkgdir/etc/wazo-calld/conf.d/50-x.yml\"",
            ),
            (
                "install",
                "test -d /etc/wazo-calld/conf.d && test -f /etc/wazo-calld/conf.d/50-x.yml && systemctl restart wazo-calld",
            ),
            // Run by apt-get remove: found on apt's DPkg::Path, as on a server.
            ("postrm", "systemctl restart wazo-calld"),
        ],
    );
    let out = wazo(&["test", "--rootfs", "--no-lint", &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("installing: would have run: systemctl restart wazo-calld"),
        "{stdout}"
    );
    assert!(
        stdout.contains("removing: would have run: systemctl restart wazo-calld"),
        "{stdout}"
    );
}

#[test]
fn every_template_and_helloworld_pass() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    for template in ["helloworld", "dialplan", "python-plugin", "service-config"] {
        let name = format!("t-{template}");
        let made = wazo(&[
            "new",
            &name,
            "--namespace",
            "demo",
            "--template",
            template,
            "--no-git",
            "--author",
            "Demo",
            "--description",
            "A test",
            "--dir",
            &tmp.path().display().to_string(),
        ]);
        assert_eq!(made.status.code(), Some(0), "{}", text(&made));
        let dir = tmp.path().join(&name).display().to_string();
        let out = wazo(&["test", "--rootfs", &dir]);
        assert_eq!(out.status.code(), Some(0), "{template}: {}", text(&out));
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/helloworld");
    let out = wazo(&["test", "--rootfs", &example.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn install_makes_a_root_in_an_empty_prefix_and_uninstall_finds_it() {
    if !ready() {
        return;
    }
    let Some(r) = root() else { return };
    let status = r.path.join("var/lib/dpkg/status");
    let cached_before = std::fs::read(&status).expect("status");
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(
        tmp.path(),
        "keeper",
        "",
        &[
            ("install", "echo on > /tmp/keeper-state"),
            // /tmp lasts from install to postrm, as on a server.
            ("postrm", "test -f /tmp/keeper-state"),
        ],
    );
    let prefix = tmp.path().join("server").display().to_string();
    let out = wazo(&["install", "--rootfs", "--no-lint", "--prefix", &prefix, &p]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let server = Path::new(&prefix);
    assert!(server.join("etc/debian_version").is_file());
    assert!(
        server
            .join("var/lib/dpkg/info/wazo-plugind-keeper-demo.list")
            .is_file()
    );
    // The cached root is never written.
    assert_eq!(std::fs::read(&status).expect("status"), cached_before);
    // Without --rootfs, install refuses the root rather than mixing host and root.
    let mixed = wazo(&["install", "--no-lint", "--prefix", &prefix, &p]);
    assert_eq!(mixed.status.code(), Some(2), "{}", text(&mixed));
    let out = wazo(&["uninstall", "--prefix", &prefix, "demo/keeper"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("/ is a copy of the Wazo-like root"),
        "{}",
        text(&out)
    );
    // Removed (dpkg keeps the postrm for a purge: "deinstall ok config-files").
    let db = std::fs::read_to_string(server.join("var/lib/dpkg/status")).expect("status");
    let entry = db
        .split("\n\n")
        .find(|p| p.starts_with("Package: wazo-plugind-keeper-demo\n"))
        .expect("entry");
    assert!(
        entry.contains("Status: deinstall ok config-files"),
        "{entry}"
    );
    // A folder of the user's that is not such a root is not written into.
    let mine = tmp.path().join("mine");
    std::fs::create_dir_all(&mine).expect("mkdir");
    std::fs::write(mine.join("notes.txt"), "mine").expect("write");
    let out = wazo(&[
        "install",
        "--rootfs",
        "--no-lint",
        "--prefix",
        &mine.display().to_string(),
        &p,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not empty and not a Wazo-like root made by wazo-plugin"));
    let names: Vec<_> = std::fs::read_dir(&mine)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["notes.txt"]);
}

#[test]
fn the_built_in_namespaces_run_it_too_and_landlock_alone_is_refused() {
    if !ready() {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let p = plugin(
        tmp.path(),
        "nsrun",
        "",
        &[("install", "test -d /etc/asterisk/extensions_extra.d")],
    );
    let run = |mechanism: &str| {
        Command::cargo_bin("wazo-plugin")
            .expect("bin")
            .args(["test", "--rootfs", "--no-lint", &p])
            .env("XDG_CACHE_HOME", shared_cache())
            .env("WAZO_PLUGIN_ISOLATION", mechanism)
            .output()
            .expect("run wazo-plugin")
    };
    let ns = run("ns");
    if wazo_plugin::pipeline::isolation::resolve(wazo_plugin::pipeline::isolation::Choice::Only(
        wazo_plugin::pipeline::sandbox::Isolation::Namespaces,
    )) == wazo_plugin::pipeline::sandbox::Isolation::Namespaces
    {
        assert_eq!(ns.status.code(), Some(0), "{}", text(&ns));
        assert!(
            String::from_utf8_lossy(&ns.stdout).contains("namespaces (built in, no bubblewrap)"),
            "{}",
            text(&ns)
        );
    } else {
        super::skip("the built-in namespaces are not usable here");
    }
    let landlock = run("landlock");
    assert_eq!(landlock.status.code(), Some(2), "{}", text(&landlock));
    assert!(
        text(&landlock)
            .contains("--rootfs runs the steps in a Debian root, which needs namespaces"),
        "{}",
        text(&landlock)
    );
}
