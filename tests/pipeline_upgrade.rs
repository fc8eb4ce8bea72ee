//! `test --upgrade-from REF` (a git ref, a .deb) and the same-tree `depends` that `test`
//! installs first, through the command line, on small plugins made here.
//!
//! They need git, dpkg and dpkg-deb; what the maintainer scripts did is checked where a
//! namespace sandbox runs them. A missing tool skips, and fails under
//! WAZO_PLUGIN_TEST_STRICT=1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;

fn missing(tools: &[&str]) -> bool {
    tools.iter().any(|t| common::missing_tool(t))
}

/// Whether the maintainer scripts run here (a namespace sandbox); skips that part otherwise,
/// and fails under WAZO_PLUGIN_TEST_STRICT=1.
fn scripts_run() -> bool {
    if wazo_plugin::pipeline::isolation::probe(Path::new("/")).namespaces() {
        return true;
    }
    assert!(
        !common::strict(),
        "a namespace sandbox is required (WAZO_PLUGIN_TEST_STRICT=1)"
    );
    eprintln!("skipped: no namespace sandbox, the maintainer scripts do not run");
    false
}

/// A plugin `demo/<name>` at `version`: its package ships `/etc/<name>/<conf>`, its install
/// appends `install of <version>` to /var/lib/<name>.log and, when `sees` names a plugin,
/// whether that plugin's file is there.
fn write_plugin(dir: &Path, name: &str, version: &str, conf: &str, depends: &[&str], sees: &str) {
    std::fs::create_dir_all(dir.join("wazo")).unwrap();
    let mut yml = format!("name: {name}\nnamespace: demo\nversion: '{version}'\n");
    if !depends.is_empty() {
        yml.push_str("depends:\n");
        for d in depends {
            yml.push_str(&format!("  - name: {d}\n    namespace: demo\n"));
        }
    }
    std::fs::write(dir.join("wazo/plugin.yml"), yml).unwrap();
    let check = if sees.is_empty() {
        String::new()
    } else {
        format!(
            "        if [ -f /etc/{sees}/x.conf ]; then echo \"{sees} was there\" >> /var/lib/order.log; fi\n"
        )
    };
    let rules = format!(
        r#"#!/bin/sh
set -e
case "$1" in
    build)
        ;;
    package)
        mkdir -p "$pkgdir/etc/{name}"
        echo "{version}" > "$pkgdir/etc/{name}/{conf}"
        ;;
    install)
{check}        echo "install of {name} {version}" >> /var/lib/order.log
        ;;
    uninstall)
        ;;
    *)
        echo "usage: $0 {{build|package|install|uninstall}}" >&2
        exit 1
        ;;
esac
"#
    );
    let r = dir.join("wazo/rules");
    std::fs::write(&r, rules).unwrap();
    Command::new("chmod").arg("755").arg(&r).status().unwrap();
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A git repository with `plugins/hello` committed at 0.0.1 (tagged v1, shipping one.conf),
/// then at `second` (shipping two.conf), and a working tree equal to the second commit.
fn repo(second: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("repo");
    let plugin = top.join("plugins/hello");
    write_plugin(&plugin, "hello", "0.0.1", "one.conf", &[], "");
    git(tmp.path(), &["init", "-q", "repo"]);
    git(&top, &["add", "."]);
    git(&top, &["commit", "-qm", "first"]);
    git(&top, &["tag", "v1"]);
    std::fs::remove_dir_all(&plugin).unwrap();
    write_plugin(&plugin, "hello", second, "two.conf", &[], "");
    git(&top, &["add", "-A"]);
    git(&top, &["commit", "-qm", "second"]);
    (tmp, plugin)
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn test_cmd(dir: &Path, args: &[&str]) -> Run {
    test_cmd_env(dir, args, &[])
}

fn test_cmd_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = cargo_bin_cmd!("wazo-plugin")
        .current_dir(dir)
        .envs(env.iter().copied())
        .arg("test")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n--- stderr ---\n{}", self.stdout, self.stderr)
    }

    /// Every work dir `--keep-work` printed (the plugin's, its dependencies', the old
    /// version's), to remove at the end.
    fn kept(&self) -> Vec<Kept> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with("work dir"))
            .filter_map(|l| l.split_once(": "))
            .map(|(_, p)| Kept(PathBuf::from(p)))
            .collect()
    }

    /// The work dir `--keep-work` printed.
    fn work_dir(&self) -> PathBuf {
        let line = self
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("work dir: "))
            .unwrap_or_else(|| panic!("no work dir in {}", self.all()));
        PathBuf::from(line)
    }
}

/// Removes a kept work dir at the end of a test.
struct Kept(PathBuf);

impl Drop for Kept {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn upgrade_from_a_git_ref_installs_the_old_version_then_the_new_over_it() {
    if missing(&["git", "dpkg", "dpkg-deb"]) {
        return;
    }
    let (tmp, plugin) = repo("0.0.2");
    let top = tmp.path().join("repo");
    let status_before = git(&top, &["status", "--porcelain"]);
    let run = test_cmd(
        &top,
        &["plugins/hello", "--upgrade-from", "v1", "--keep-work"],
    );
    let _kept = run.kept();
    assert_eq!(run.code, Some(0), "{}", run.all());
    assert!(
        run.stdout.contains("work dir of the old version: "),
        "{}",
        run.all()
    );
    let text = run.all();
    assert!(
        text.contains("upgrade: from 0.0.1 (git ref v1 at commit "),
        "{text}"
    );
    assert!(text.contains(") to 0.0.2 (the working tree)"), "{text}");
    // dpkg's own log of the upgrade step: an upgrade from the old version, then configure.
    assert!(
        text.contains("dpkg.log: upgrade wazo-plugind-hello-demo:all 0.0.1 0.0.2"),
        "{text}"
    );
    assert!(
        text.contains("dpkg.log: configure wazo-plugind-hello-demo:all 0.0.2"),
        "{text}"
    );
    assert!(
        text.contains(
            "deleted by the upgrade (in the old package, not the new): /etc/hello/one.conf"
        ),
        "{text}"
    );
    let steps: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| ["installing", "upgrading", "removing"].contains(w))
        .collect();
    assert_eq!(steps, ["installing", "upgrading", "removing"], "{text}");
    // The repository is left as it was: no index, work tree or worktree change.
    assert_eq!(git(&top, &["status", "--porcelain"]), status_before);
    assert_eq!(git(&top, &["worktree", "list"]).lines().count(), 1);
    assert!(plugin.join("wazo/plugin.yml").is_file());
    if scripts_run() {
        // The old postinst ran rules install of 0.0.1, then the new one of 0.0.2.
        let log = std::fs::read_to_string(run.work_dir().join("prefix/var/lib/order.log"))
            .unwrap_or_default();
        assert_eq!(
            log, "install of hello 0.0.1\ninstall of hello 0.0.2\n",
            "{text}"
        );
        assert!(
            text.contains("installing: changed /var/lib/order.log"),
            "{text}"
        );
    }
}

#[test]
fn equal_versions_fail_as_wazo_plugind_would_skip_the_upgrade() {
    if missing(&["git"]) {
        return;
    }
    let (tmp, _) = repo("0.0.1");
    let run = test_cmd(
        &tmp.path().join("repo"),
        &["plugins/hello", "--upgrade-from", "v1"],
    );
    assert_eq!(run.code, Some(1), "{}", run.all());
    assert!(
        run.stderr.contains("are both version 0.0.1: wazo-plugind would skip the upgrade (\"already installed\": its validating step completes without doing anything)"),
        "{}",
        run.all()
    );
    // Refused before anything was built.
    assert!(!run.stderr.contains("building"), "{}", run.all());
}

#[test]
fn a_ref_that_does_not_exist_is_a_usage_error() {
    if missing(&["git"]) {
        return;
    }
    let (tmp, _) = repo("0.0.2");
    let top = tmp.path().join("repo");
    let run = test_cmd(&top, &["plugins/hello", "--upgrade-from", "v9"]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.stderr
            .contains("--upgrade-from v9: no such branch, tag or commit in"),
        "{}",
        run.all()
    );
    // An option-looking ref is not passed to git as an option.
    let run = test_cmd(&top, &["plugins/hello", "--upgrade-from=--help"]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("not a git ref"), "{}", run.all());
    // A ref at which the plugin folder did not exist.
    git(&top, &["checkout", "-q", "--orphan", "empty"]);
    git(&top, &["rm", "-rq", "--cached", "plugins"]);
    git(&top, &["commit", "-q", "--allow-empty", "-m", "empty"]);
    let run = test_cmd(&top, &["plugins/hello", "--upgrade-from", "empty"]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.stderr.contains("has no wazo/plugin.yml at that ref"),
        "{}",
        run.all()
    );
    // A plugin outside git.
    let loose = tempfile::tempdir().unwrap();
    write_plugin(
        &loose.path().join("p"),
        "hello",
        "0.0.2",
        "two.conf",
        &[],
        "",
    );
    let run = test_cmd(loose.path(), &["p", "--upgrade-from", "v1"]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.stderr.contains("is not in a git repository"),
        "{}",
        run.all()
    );
}

#[test]
fn upgrade_from_a_deb_file() {
    if missing(&["dpkg", "dpkg-deb"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let old = tmp.path().join("old/hello");
    let new = tmp.path().join("new/hello");
    write_plugin(&old, "hello", "0.0.1", "one.conf", &[], "");
    write_plugin(&new, "hello", "0.0.2", "two.conf", &[], "");
    let debs = tmp.path().join("debs");
    std::fs::create_dir(&debs).unwrap();
    let out = cargo_bin_cmd!("wazo-plugin")
        .arg("package")
        .arg(&old)
        .arg("--output")
        .arg(&debs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let deb = debs.join("wazo-plugind-hello-demo_0.0.1_all.deb");
    let deb_arg = deb.to_string_lossy().into_owned();
    let run = test_cmd(tmp.path(), &["new/hello", "--upgrade-from", &deb_arg]);
    assert_eq!(run.code, Some(0), "{}", run.all());
    let text = run.all();
    assert!(
        text.contains(&format!("upgrade: from 0.0.1 ({deb_arg}) to 0.0.2")),
        "{text}"
    );
    assert!(
        text.contains("dpkg.log: upgrade wazo-plugind-hello-demo:all 0.0.1 0.0.2"),
        "{text}"
    );
    // The same version as a .deb: refused as wazo-plugind would skip it.
    let run = test_cmd(tmp.path(), &["old/hello", "--upgrade-from", &deb_arg]);
    assert_eq!(run.code, Some(1), "{}", run.all());
    assert!(run.stderr.contains("wazo-plugind would skip the upgrade"));
    // A newer .deb: dpkg downgrades, and the report warns.
    let newer = tmp.path().join("newer/hello");
    write_plugin(&newer, "hello", "0.0.3", "three.conf", &[], "");
    let out = cargo_bin_cmd!("wazo-plugin")
        .arg("package")
        .arg(&newer)
        .arg("--output")
        .arg(&debs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let newer_deb = debs.join("wazo-plugind-hello-demo_0.0.3_all.deb");
    let run = test_cmd(
        tmp.path(),
        &["new/hello", "--upgrade-from", &newer_deb.to_string_lossy()],
    );
    assert_eq!(run.code, Some(0), "{}", run.all());
    assert!(
        run.stdout.contains("warning: 0.0.2 is older than 0.0.3: dpkg downgrades (wazo-plugind only refuses the exact same version)"),
        "{}",
        run.all()
    );
    assert!(
        run.stdout
            .contains("dpkg.log: upgrade wazo-plugind-hello-demo:all 0.0.3 0.0.2"),
        "{}",
        run.all()
    );
    // Another plugin's .deb is not an upgrade; a missing one is named.
    let other = tmp.path().join("other/bye");
    write_plugin(&other, "bye", "0.0.2", "two.conf", &[], "");
    let run = test_cmd(tmp.path(), &["other/bye", "--upgrade-from", &deb_arg]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(run.stderr.contains("is not an upgrade"), "{}", run.all());
    let run = test_cmd(tmp.path(), &["new/hello", "--upgrade-from", "gone.deb"]);
    assert_eq!(run.code, Some(2), "{}", run.all());
    assert!(
        run.stderr.contains("--upgrade-from gone.deb: no such file"),
        "{}",
        run.all()
    );
}

/// `app` depends on `mid` and `base` (and `market`, not in the tree); `mid` on `base`.
fn tree(root: &Path) {
    write_plugin(
        &root.join("app"),
        "app",
        "1.0",
        "x.conf",
        &["mid", "base", "market"],
        "mid",
    );
    write_plugin(
        &root.join("libs/mid"),
        "mid",
        "1.0",
        "x.conf",
        &["base"],
        "base",
    );
    write_plugin(&root.join("libs/base"), "base", "2.0", "x.conf", &[], "");
    write_plugin(
        &root.join("unrelated"),
        "unrelated",
        "1.0",
        "x.conf",
        &[],
        "",
    );
}

fn check_tree_run(run: &Run, tree_dir: &str) {
    let text = run.all();
    assert_eq!(run.code, Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "dependencies from {tree_dir} (built and installed first, in this order"
        )),
        "{text}"
    );
    let base = text.find("  demo/base 2.0 (libs/base): wazo-plugind-base-demo_2.0_all.deb");
    let mid = text.find("  demo/mid 1.0 (libs/mid): wazo-plugind-mid-demo_1.0_all.deb");
    assert!(base.is_some() && mid.is_some() && base < mid, "{text}");
    assert!(!text.contains("demo/unrelated"), "{text}");
    assert!(
        text.contains(&format!("dependency demo/market (of demo/app): not in {tree_dir}; not installed (wazo-plugind would fetch it from the market or git; where neither has it, the install fails there, its Depends unmet)")),
        "{text}"
    );
    // The Depends line only names what was not installed.
    assert!(
        text.contains("dpkg ran with --force-depends): wazo-plugind-market-demo\n"),
        "{text}"
    );
    // The dependencies stay installed, as wazo-plugind leaves them; the plugin is purged.
    let admin = run.work_dir().join("prefix/var/lib/dpkg");
    let out = Command::new("dpkg-query")
        .arg(format!("--admindir={}", admin.display()))
        .args(["-W", "-f", "${Package} ${db:Status-Abbrev}\n"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("wazo-plugind-base-demo ii"), "{listed}");
    assert!(listed.contains("wazo-plugind-mid-demo ii"), "{listed}");
    assert!(!listed.contains("wazo-plugind-app-demo ii"), "{listed}");
    if scripts_run() {
        let log = std::fs::read_to_string(run.work_dir().join("prefix/var/lib/order.log"))
            .unwrap_or_default();
        assert_eq!(
            log,
            "install of base 2.0\nbase was there\ninstall of mid 1.0\nmid was there\ninstall of app 1.0\nmid was there\ninstall of app 1.0\n",
            "{text}"
        );
    }
}

#[test]
fn dependencies_in_the_same_folder_are_installed_first_in_order() {
    if missing(&["dpkg", "dpkg-deb", "dpkg-query"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    tree(&root);
    let run = test_cmd(&root, &["app", "--keep-work"]);
    let _kept = run.kept();
    let shown = root.canonicalize().unwrap();
    check_tree_run(&run, &shown.to_string_lossy());
}

#[test]
fn dependencies_elsewhere_in_the_git_repository_are_installed_first() {
    if missing(&["git", "dpkg", "dpkg-deb", "dpkg-query"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("repo");
    tree(&top.join("plugins"));
    git(tmp.path(), &["init", "-q", "repo"]);
    // `libs/base` moved under the repository, next to `plugins/`: found from the repository's top.
    std::fs::rename(top.join("plugins/libs"), top.join("libs")).unwrap();
    let run = test_cmd(&top.join("plugins"), &["app", "--keep-work"]);
    let _kept = run.kept();
    let shown = top.canonicalize().unwrap();
    check_tree_run(&run, &shown.to_string_lossy());
}

#[test]
fn a_dependency_cycle_is_named_and_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    write_plugin(&root.join("a"), "a", "1.0", "x.conf", &["b"], "");
    write_plugin(&root.join("b"), "b", "1.0", "x.conf", &["a"], "");
    let run = test_cmd(&root, &["a"]);
    assert_eq!(run.code, Some(1), "{}", run.all());
    assert!(
        run.stderr.contains(
            "validating: dependency cycle in the plugin's tree: demo/a -> demo/b -> demo/a"
        ),
        "{}",
        run.all()
    );
    assert!(
        run.stderr.contains("has no cycle detection"),
        "{}",
        run.all()
    );
    assert!(!run.stderr.contains("building"), "{}", run.all());
}

#[test]
fn a_dependency_that_fails_to_build_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    write_plugin(&root.join("app"), "app", "1.0", "x.conf", &["base"], "");
    write_plugin(&root.join("base"), "base", "1.0", "x.conf", &[], "");
    let rules = root.join("base/wazo/rules");
    let text = std::fs::read_to_string(&rules).unwrap().replacen(
        "    build)\n",
        "    build)\n        echo broken >&2; exit 4\n",
        1,
    );
    std::fs::write(&rules, text).unwrap();
    let run = test_cmd(&root, &["app"]);
    assert_eq!(run.code, Some(1), "{}", run.all());
    assert!(
        run.stderr
            .contains("-- dependency demo/base (base): building"),
        "{}",
        run.all()
    );
    assert!(
        run.stderr
            .contains("help: in dependency demo/base (base), which wazo-plugind installs first"),
        "{}",
        run.all()
    );
    assert!(run.stderr.contains("| broken"), "{}", run.all());
}
