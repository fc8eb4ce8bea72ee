//! Symlinks never lead the pipeline out of the work dir or the prefix: links are copied as
//! links, stored as symlink entries, and a link on a path we write to is refused by name.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;

use wazo_plugin::pipeline::{NoProgress, Options, lifecycle};

fn plugin(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wazo")).unwrap();
    std::fs::write(
        dir.path().join("wazo/plugin.yml"),
        "name: links\nnamespace: test\nversion: '1.0'\n",
    )
    .unwrap();
    let r = dir.path().join("wazo/rules");
    std::fs::write(&r, rules).unwrap();
    std::fs::set_permissions(&r, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// `dpkg-deb -c` of the package, or None (skip) when dpkg-deb is missing outside strict mode.
fn contents(deb: &Path) -> Option<String> {
    if which::which("dpkg-deb").is_err() {
        assert!(
            std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
            "dpkg-deb is required (WAZO_PLUGIN_TEST_STRICT=1)"
        );
        eprintln!("skipped: dpkg-deb not found");
        return None;
    }
    let out = Command::new("dpkg-deb")
        .arg("-c")
        .arg(deb)
        .output()
        .unwrap();
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn links_out_of_the_plugin_are_copied_and_packaged_as_links() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "SECRET-CONTENT").unwrap();
    // The build proves the copy holds links, not the files they point to; the package step
    // stages a link to a host file, which must stay a link in the .deb.
    let p = plugin(
        "#!/bin/sh\ncase \"$1\" in\n  build) [ -L wazo/abs ] && [ -L rel ] || { echo 'not links'; exit 3; };;\n  package) mkdir -p \"$pkgdir/etc/links\"; ln -s /etc/passwd \"$pkgdir/etc/links/passwd\";;\nesac\n",
    );
    symlink(outside.path().join("secret"), p.path().join("wazo/abs")).unwrap();
    let rel = pathdiff(p.path(), &outside.path().join("secret"));
    symlink(&rel, p.path().join("rel")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report =
        lifecycle::package(p.path(), out.path(), &Options::default(), &mut NoProgress).unwrap();
    let deb = std::fs::read(&report.deb).unwrap();
    assert!(
        !deb.windows(14).any(|w| w == b"SECRET-CONTENT"),
        "a link target's content was packaged"
    );
    let Some(list) = contents(&report.deb) else {
        return;
    };
    assert!(list.contains("./etc/links/passwd -> /etc/passwd"), "{list}");
    let abs = format!("wazo/abs -> {}", outside.path().join("secret").display());
    assert!(list.contains(&abs), "{list}");
}

/// `to` relative to `from` (`../../x/secret`).
fn pathdiff(from: &Path, to: &Path) -> String {
    let up = from.components().count() - 1;
    format!(
        "{}{}",
        "../".repeat(up),
        to.strip_prefix("/").unwrap().display()
    )
}

#[test]
fn package_step_linking_pkg_dirs_out_is_refused_by_name() {
    let outside = tempfile::tempdir().unwrap();
    let rules = format!(
        "#!/bin/sh\n[ \"$1\" = package ] && ln -s {} \"$pkgdir/usr\"\nexit 0\n",
        outside.path().display()
    );
    let p = plugin(&rules);
    let out = tempfile::tempdir().unwrap();
    let err =
        lifecycle::package(p.path(), out.path(), &Options::default(), &mut NoProgress).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("symlink at _pkg/usr"), "{text}");
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "staging wrote through the link"
    );
}

#[test]
fn rules_linking_out_of_the_plugin_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let script = outside.path().join("rules");
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let p = plugin("");
    std::fs::remove_file(p.path().join("wazo/rules")).unwrap();
    symlink(&script, p.path().join("wazo/rules")).unwrap();
    let err = lifecycle::build(p.path(), &Options::default(), &mut NoProgress).unwrap_err();
    assert!(
        err.to_string()
            .contains("wazo/rules is a symlink pointing outside the plugin"),
        "{err}"
    );
}

#[test]
fn install_never_writes_through_a_link_out_of_the_prefix() {
    if which::which("dpkg").is_err() {
        assert!(
            std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
            "dpkg is required (WAZO_PLUGIN_TEST_STRICT=1)"
        );
        eprintln!("skipped: dpkg not found");
        return;
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pipeline/helloworld");
    let outside = tempfile::tempdir().unwrap();
    let prefix = tempfile::tempdir().unwrap();
    symlink(outside.path(), prefix.path().join("etc")).unwrap();
    let err = lifecycle::install(
        &fixture,
        prefix.path(),
        &Options::default(),
        &mut NoProgress,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "{} is a symlink",
            prefix.path().join("etc").display()
        )),
        "{text}"
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // Our own writes into the prefix (dpkg's database) are checked too.
    let prefix = tempfile::tempdir().unwrap();
    symlink(outside.path(), prefix.path().join("var")).unwrap();
    let err = lifecycle::install(
        &fixture,
        prefix.path(),
        &Options::default(),
        &mut NoProgress,
    )
    .unwrap_err();
    assert!(err.to_string().contains("is a symlink"), "{err}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn stubs_are_never_written_through_a_symlinked_prefix_dir() {
    let outside = tempfile::tempdir().unwrap();
    let prefix = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(prefix.path().join("usr")).unwrap();
    symlink(outside.path(), prefix.path().join("usr/sbin")).unwrap();
    let stubs = wazo_plugin::pipeline::stubs::Stubs::create(work.path()).unwrap();
    let err = stubs
        .place_absolute(
            prefix.path(),
            &["/nonexistent-wzp/sbin/asterisk", "/usr/sbin/wzp-stub-test"],
        )
        .unwrap_err();
    assert!(err.to_string().contains("symlink"), "{err}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // A link planted where the stubs themselves go is refused too.
    let work2 = tempfile::tempdir().unwrap();
    symlink(outside.path(), work2.path().join("stubs")).unwrap();
    assert!(wazo_plugin::pipeline::stubs::Stubs::create(work2.path()).is_err());
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn cleanup_never_deletes_through_a_dir_a_maintainer_script_replaced_with_a_link() {
    if which::which("dpkg").is_err() {
        assert!(
            std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
            "dpkg is required (WAZO_PLUGIN_TEST_STRICT=1)"
        );
        eprintln!("skipped: dpkg not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    if wazo_plugin::pipeline::isolation::probe(dir.path())
        != wazo_plugin::pipeline::isolation::Isolation::Bubblewrap
    {
        assert!(
            std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
            "bubblewrap is required (WAZO_PLUGIN_TEST_STRICT=1)"
        );
        eprintln!("skipped: no bubblewrap");
        return;
    }
    // The user's files, named like host entries of /usr/lib: the links we make in
    // PREFIX/usr/lib for the step have the same names.
    let outside = tempfile::tempdir().unwrap();
    let names: Vec<_> = std::fs::read_dir("/usr/lib")
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != "wazo-plugind")
        .take(8)
        .collect();
    for n in &names {
        std::fs::write(outside.path().join(n), "").unwrap();
    }
    let rules = format!(
        "#!/bin/sh\ncase \"$1\" in\n  package) mkdir -p \"$pkgdir/etc/x\"; touch \"$pkgdir/etc/x/f\";;\n  install) perl -e 'rename \"/usr/lib\", \"/usr/lib.orig\" and symlink \"{}\", \"/usr/lib\"';;\nesac\nexit 0\n",
        outside.path().display()
    );
    let p = plugin(&rules);
    let prefix = tempfile::tempdir().unwrap();
    let _ = lifecycle::install(
        p.path(),
        prefix.path(),
        &Options::default(),
        &mut NoProgress,
    );
    for n in &names {
        assert!(
            outside.path().join(n).exists(),
            "{n:?} was deleted through the link"
        );
    }
}

#[test]
fn a_plugin_folder_named_through_a_symlink_is_built_from_its_target() {
    // `wazo-plugin build ~/plugins/current` where `current` links to the plugin: the folder's
    // contents are copied, links inside it stay links.
    let p = plugin(
        "#!/bin/sh\ncase \"$1\" in\n  build) [ -f wazo/plugin.yml ] && [ -L inner ] || { echo 'not copied'; exit 3; };;\nesac\n",
    );
    symlink("wazo/plugin.yml", p.path().join("inner")).unwrap();
    let links = tempfile::tempdir().unwrap();
    let named = links.path().join("current");
    symlink(p.path(), &named).unwrap();
    let report = lifecycle::build(&named, &Options::default(), &mut NoProgress);
    assert!(report.is_ok(), "{:?}", report.err());
}
