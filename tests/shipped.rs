//! What a plugin ships and how Wazo loads it (WP4xx-WP7xx): each fixture plugin with one seeded
//! fault gets exactly one finding, and the plugins following the patterns real plugins use
//! (entry point, conf.d enabling it, restart; a dialplan with its reload) get none.

use std::path::{Path, PathBuf};

use wazo_plugin::lint::{LintOptions, lint_paths, shellcheck::Mode};

fn options(version: Option<&str>) -> LintOptions {
    LintOptions {
        shellcheck: Mode::Never,
        wazo_version: version.map(String::from),
        since: None,
        ..LintOptions::default()
    }
}

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

#[test]
fn each_seeded_fault_gives_exactly_one_finding() {
    let mut seen = 0;
    for dir in fixtures("checks") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let code = name.split('-').next().unwrap().to_string();
        let n: u16 = code[2..].parse().unwrap();
        if !(400..800).contains(&n) {
            continue;
        }
        seen += 1;
        let report = lint_paths(std::slice::from_ref(&dir), &options(None)).unwrap();
        let codes: Vec<_> = report.plugins[0]
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        assert_eq!(codes, [code], "{name}");
    }
    assert!(seen >= 25, "{seen} fixtures");
}

#[test]
fn the_patterns_of_real_plugins_lint_clean() {
    let dirs = fixtures("shipped");
    assert!(dirs.len() >= 5);
    for dir in dirs {
        let report = lint_paths(std::slice::from_ref(&dir), &options(None)).unwrap();
        assert!(
            report.plugins[0].diagnostics.is_empty(),
            "{}: {:#?}",
            dir.display(),
            report.plugins[0].diagnostics
        );
    }
}

#[test]
fn the_target_release_decides_version_bounds_and_legacy_groups() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks");
    let codes = |dir: &str, version: Option<&str>| -> Vec<String> {
        let report = lint_paths(&[root.join(dir)], &options(version)).unwrap();
        report.plugins[0]
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    };
    // max_wazo_version "25.17": refused on the newest release, accepted on 25.17 itself.
    assert_eq!(codes("WP700-wazo-version-excluded", None), ["WP700"]);
    assert!(codes("WP700-wazo-version-excluded", Some("25.17")).is_empty());
    // xivo_ctid_ng.plugins still loads on a release before the 19.12 rename.
    assert_eq!(codes("WP401-entry-point-group-legacy", None), ["WP401"]);
    assert!(!codes("WP401-entry-point-group-legacy", Some("19.10")).contains(&"WP401".to_string()));
}

#[test]
fn string_comparison_is_what_refuses_25_10() {
    // A plugin declaring min_wazo_version "25.9": wazo-plugind refuses 25.10 ("25.10" < "25.9"
    // as strings) though 25.9 < 25.10 as numbers; the message says so.
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shipped/good-dialplan");
    copy(&fixture, dir.path());
    let manifest = dir.path().join("wazo/plugin.yml");
    let text = std::fs::read_to_string(&manifest).unwrap() + "min_wazo_version: \"25.9\"\n";
    std::fs::write(&manifest, text).unwrap();
    let report = lint_paths(&[dir.path().to_path_buf()], &options(Some("25.10"))).unwrap();
    let d = report.plugins[0]
        .diagnostics
        .iter()
        .find(|d| d.code == "WP700")
        .expect("WP700");
    assert!(
        d.message.contains("as numbers it would be accepted"),
        "{}",
        d.message
    );
    // "25.09" < "25.9" too: Wazo 25.09 itself refuses it; "26.01" > "25.9" installs.
    let codes = |v: &str| -> Vec<String> {
        let report = lint_paths(&[dir.path().to_path_buf()], &options(Some(v))).unwrap();
        report.plugins[0]
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    };
    assert!(codes("25.09").contains(&"WP700".to_string()));
    assert!(!codes("26.01").contains(&"WP700".to_string()));
}

fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn a_staged_package_is_checked_exactly() {
    use wazo_plugin::plugin::load::Plugin;
    use wazo_plugin::plugin::shipped::Shipped;
    let plugin_dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shipped/good-python-calld");
    let staged = tempfile::tempdir().unwrap();
    let confd = staged.path().join("etc/wazo-calld/conf.d");
    std::fs::create_dir_all(&confd).unwrap();
    // The staged package holds a .yaml file the rules script did not show.
    std::fs::write(
        confd.join("50-acme-x.yaml"),
        "enabled_plugins:\n  x: true\n",
    )
    .unwrap();
    let shipped = Shipped::from_staged(staged.path());
    let plugin = Plugin::load(&plugin_dir, &plugin_dir);
    let mut out = Vec::new();
    wazo_plugin::lint::shipped::lint(&plugin, &options(None), Some(&shipped), &mut out);
    let codes: Vec<_> = out.iter().map(|d| d.code.to_string()).collect();
    assert!(codes.contains(&"WP501".to_string()), "{codes:?}");
    assert!(codes.contains(&"WP405".to_string()), "{codes:?}");
}

#[test]
fn the_python_plugin_template_exercises_entry_point_confd_and_restart_checks() {
    use wazo_plugin::scaffold::{Options, generate_to};
    let generate = || {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("myplugin");
        let options = Options {
            template: "python-plugin".into(),
            values: vec![
                ("name".into(), "myplugin".into()),
                ("namespace".into(), "acme".into()),
            ],
            git: false,
            ..Default::default()
        };
        generate_to(&dir, &options).unwrap();
        (tmp, dir)
    };
    let codes = |dir: &Path| -> Vec<String> {
        let report = lint_paths(&[dir.to_path_buf()], &options(None)).unwrap();
        report.plugins[0]
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    };
    let (_tmp, dir) = generate();
    assert!(codes(&dir).is_empty(), "{:?}", codes(&dir));
    // The conf.d file is what enables the entry point: without it, WP405.
    let confd = dir.join("etc/wazo-calld/conf.d/50-acme-myplugin.yml");
    let text = std::fs::read_to_string(&confd).unwrap();
    std::fs::write(&confd, text.replace("myplugin: true", "myplugin: false")).unwrap();
    assert_eq!(codes(&dir), ["WP405"]);
    std::fs::write(&confd, &text).unwrap();
    // The restart is what makes it take effect: without it, WP407.
    let rules = dir.join("wazo/rules");
    let script = std::fs::read_to_string(&rules).unwrap();
    let once = script.replacen("systemctl restart wazo-calld", "true", 1);
    std::fs::write(&rules, once).unwrap();
    assert_eq!(codes(&dir), ["WP407"]);
    std::fs::write(&rules, &script).unwrap();
    // The entry point's group is what the service loads: a typo, WP400 (and nothing enables
    // the misfiled entry point any more).
    let pyproject = dir.join("pyproject.toml");
    let toml = std::fs::read_to_string(&pyproject).unwrap();
    std::fs::write(
        &pyproject,
        toml.replace("wazo_calld.plugins", "wazo_calld.plugin"),
    )
    .unwrap();
    assert_eq!(codes(&dir), ["WP400"]);
}

mod common;

#[test]
fn since_ref_reports_a_changed_plugin_whose_version_did_not_change() {
    if common::missing_tool("git") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("WP702-version-not-bumped");
    std::fs::create_dir_all(&dir).unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shipped/good-dialplan"),
        &dir,
    );
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "1.0.0"]);
    git(&["tag", "v1"]);
    let since = |r: &str| LintOptions {
        since: Some(r.to_string()),
        ..options(None)
    };
    let codes = |o: &LintOptions| -> Vec<String> {
        let report = lint_paths(std::slice::from_ref(&dir), o).unwrap();
        report.plugins[0]
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    };
    // Unchanged since v1: nothing to say.
    assert!(codes(&since("v1")).is_empty());
    // The dialplan changes, the version does not: WP702.
    let conf = dir.join("etc/asterisk/extensions_extra.d/acme-x.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(&conf, text.replace("Wait(1)", "Wait(2)") + "; v2\n").unwrap();
    assert_eq!(codes(&since("v1")), ["WP702"]);
    let mut report = lint_paths(std::slice::from_ref(&dir), &since("v1")).unwrap();
    report.plugins[0].display = PathBuf::from("WP702-version-not-bumped");
    let report = common::only(report.plugins.remove(0), "WP702");
    insta::assert_snapshot!(
        "fixture-WP702-version-not-bumped",
        common::renderings(&report)
    );
    // Committed or not makes no difference; a bumped version does.
    git(&["commit", "-qam", "wait longer"]);
    assert_eq!(codes(&since("v1")), ["WP702"]);
    let manifest = dir.join("wazo/plugin.yml");
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, m.replace("\"1.0.0\"", "\"1.0.1\"")).unwrap();
    assert!(codes(&since("v1")).is_empty());
    // A revision git does not know is said, as a warning.
    assert_eq!(codes(&since("no-such-tag")), ["WP702"]);
}

/// WP506: a plugin file that sorts after one of Wazo's own conf.d files loses what that file
/// sets; one that sorts first, sets other keys, repeats Wazo's value or adds to a list that
/// wazo-auth accumulates does not.
#[test]
fn wazo_s_own_conf_d_files_win_over_later_plugin_files_only_for_what_they_set() {
    let lint = |service: &str, file: &str, text: &str| -> Vec<(String, String, String)> {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/checks/WP506-confd-shadowed-by-wazo/wazo"),
            &root.join("wazo"),
        );
        let rules = std::fs::read_to_string(root.join("wazo/rules"))
            .unwrap()
            .replace("wazo-phoned", service);
        std::fs::write(root.join("wazo/rules"), rules).unwrap();
        let confd = root.join("etc").join(service).join("conf.d");
        std::fs::create_dir_all(&confd).unwrap();
        std::fs::write(confd.join(file), text).unwrap();
        let report = lint_paths(&[root.to_path_buf()], &options(None)).unwrap();
        report.plugins[0]
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    d.severity.as_str().to_string(),
                    d.message.clone(),
                )
            })
            .collect()
    };
    let subnets = "rest_api:\n  authorized_subnets: [10.0.0.0/8]\n";
    let got = lint("wazo-phoned", "custom.yml", subnets);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("WP506", "error"));
    assert!(got[0].2.contains("50-authorized-subnets.yml"), "{got:?}");
    // Sorting first, it overrides; another key of the same mapping merges.
    assert!(lint("wazo-phoned", "40-x.yml", subnets).is_empty());
    assert!(lint("wazo-phoned", "60-x.yml", "rest_api:\n  listen: 0.0.0.0\n").is_empty());
    // A scalar over Wazo's mapping loses it all: one finding.
    let got = lint("wazo-purge-db", "60-x.yml", "enabled_plugins: null\n");
    assert_eq!(got.len(), 1, "{got:?}");
    // The same value loses nothing; another value does.
    let same = "days_to_keep_per_plugin:\n  webhookd-logs: 30\n  mine: 7\n";
    assert!(lint("wazo-purge-db", "60-x.yml", same).is_empty());
    let other = "days_to_keep_per_plugin:\n  webhookd-logs: 7\n";
    assert_eq!(lint("wazo-purge-db", "60-x.yml", other).len(), 1);
    // wazo-auth appends lists: adding ACLs to Wazo's default user policy works.
    let acl = "default_policies:\n  wazo_default_user_policy:\n    acl: [acme.#]\n";
    assert!(lint("wazo-auth", "60-x.yml", acl).is_empty());
    let got = lint(
        "wazo-auth",
        "60-x.yml",
        "enabled_metadata_plugins:\n  user_admin_status: false\n",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    // A file Wazo writes on some servers only: a warning.
    let got = lint("wazo-chatd", "60-x.yml", "db_uri: postgresql://x\n");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "warning");
}

/// Before 24.13 wazo-phoned's own file was `050-xivo-config.yml`: a `40-` file, which overrides
/// `50-authorized-subnets.yml`, still sorts after it.
#[test]
fn wazo_s_own_conf_d_files_follow_the_target_release() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/checks/WP506-confd-shadowed-by-wazo");
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture, dir.path());
    let confd = dir.path().join("etc/wazo-phoned/conf.d");
    std::fs::rename(
        confd.join("60-acme-directory.yml"),
        confd.join("40-acme-directory.yml"),
    )
    .unwrap();
    let findings = |version: &str| {
        let report = lint_paths(&[dir.path().to_path_buf()], &options(Some(version))).unwrap();
        report.plugins[0]
            .diagnostics
            .iter()
            .map(|d| (d.code.to_string(), d.help.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    assert!(findings("24.13").is_empty());
    let old = findings("24.12");
    assert_eq!(old.len(), 1, "{old:?}");
    assert_eq!(old[0].0, "WP506");
    assert!(old[0].1.contains("e.g. 00-acme-directory.yml"), "{old:?}");
}
