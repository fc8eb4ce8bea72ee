//! SARIF as GitHub code scanning ingests it: the requirements of the SARIF Multitool's GitHub
//! rule set (GH1001-GH1018, GH2012) checked on a real run, fingerprints that survive moved
//! lines, `..` resolved in URIs, the log read back by sarif-tools (`sarif summary`) when it is
//! installed, and `lint --write-baseline` / `--baseline` end to end.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const RULES: &str =
    "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n";

fn write_plugin(dir: &Path, manifest: &str) {
    std::fs::create_dir_all(dir.join("wazo")).unwrap();
    std::fs::write(dir.join("wazo/plugin.yml"), manifest).unwrap();
    let rules = dir.join("wazo/rules");
    std::fs::write(&rules, RULES).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&rules, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn lint(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(["lint", "--shellcheck", "never"])
        .args(args)
        .output()
        .unwrap()
}

fn sarif(dir: &Path, path: &str) -> Value {
    let out = lint(dir, &["--format", "sarif", path]);
    serde_json::from_slice(&out.stdout).unwrap()
}

const BAD: &str = "name: bad_name\nnamespace: demo\nversion: 1.10\n";

/// The GitHub rule set's requirements, on one log.
fn check_github_rules(log: &Value) {
    // GH1011, GH1013: the final 2.1.0 schema, a version, runs.
    assert!(
        log["$schema"]
            .as_str()
            .unwrap()
            .ends_with("sarif-2.1.0.json")
    );
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    for run in runs {
        // GH1014, GH1018: a tool with a driver that has a name and rules, a results array.
        let driver = &run["tool"]["driver"];
        assert!(!driver["name"].as_str().unwrap().is_empty());
        let rules = driver["rules"].as_array().unwrap();
        // GH2012: every rule has an id.
        assert!(rules.iter().all(|r| !r["id"].as_str().unwrap().is_empty()));
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for r in results {
            // GH1015: message text, locations, partialFingerprints.
            assert!(!r["message"]["text"].as_str().unwrap().is_empty(), "{r}");
            let fp = r["partialFingerprints"].as_object().unwrap();
            assert!(!fp.is_empty(), "{r}");
            let locations = r["locations"].as_array().unwrap();
            assert!(!locations.is_empty());
            for l in locations {
                // GH1001, GH1016, GH1017: a physical location with an artifact URI and a region.
                let physical = &l["physicalLocation"];
                let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
                // GH1005: relative, or file:; no `.` or `..` segment.
                assert!(!uri.contains("://") || uri.starts_with("file://"), "{uri}");
                assert!(uri.split('/').all(|s| s != ".." && s != "."), "{uri}");
                // GH1003 / SARIF1007: startLine, consistent ends.
                let region = &physical["region"];
                let (sl, el) = (
                    region["startLine"].as_u64().unwrap(),
                    region["endLine"].as_u64().unwrap(),
                );
                assert!(sl >= 1 && el >= sl, "{region}");
                if sl == el {
                    assert!(
                        region["endColumn"].as_u64() >= region["startColumn"].as_u64(),
                        "{region}"
                    );
                }
            }
        }
    }
}

#[test]
fn sarif_meets_github_ingestion_rules_and_fingerprints_survive_moved_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    write_plugin(&repo.join("p"), BAD);
    std::fs::create_dir_all(repo.join("other")).unwrap();
    // A path with `..` in it, from the repository root.
    let log = sarif(&repo, "other/../p");
    check_github_rules(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.iter().all(|u| *u == "p/wazo/plugin.yml"), "{uris:?}");
    let base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with("/repo/"),
        "{base}"
    );

    let prints = |log: &Value| -> Vec<(String, String)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let fp = r["partialFingerprints"].as_object().unwrap();
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    fp.values().next().unwrap().as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = prints(&log);
    let codes: Vec<&str> = before.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["WP105", "WP108"]);
    // Lines added above: the same fingerprints; the same path named without `..`: the same.
    write_plugin(&repo.join("p"), &format!("# a comment\n\n{BAD}"));
    assert_eq!(prints(&sarif(&repo, "p")), before);
    // The line's text changed: that finding's fingerprint changes, not the other's.
    write_plugin(
        &repo.join("p"),
        "name: bad_name2\nnamespace: demo\nversion: 1.10\n",
    );
    let after = prints(&sarif(&repo, "p"));
    assert_ne!(after[0].1, before[0].1);
    assert_eq!(after[1], before[1]);
}

#[test]
fn sarif_tools_reads_the_log() {
    if common::missing_tool("sarif") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(&tmp.path().join("p"), BAD);
    let out = lint(
        tmp.path(),
        &["--format", "sarif", "--output-file", "out.sarif", "p"],
    );
    assert_eq!(out.status.code(), Some(1));
    let summary = std::process::Command::new("sarif")
        .current_dir(tmp.path())
        .args(["summary", "out.sarif"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(
        summary.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&summary.stderr)
    );
    // One error (WP105) and one warning (WP108).
    assert!(
        text.contains("error: 1") && text.contains("warning: 1"),
        "{text}"
    );
}

#[test]
fn baseline_reports_only_new_findings() {
    let tmp = tempfile::tempdir().unwrap();
    write_plugin(&tmp.path().join("p"), BAD);
    let out = lint(tmp.path(), &["--write-baseline", "baseline.json", "p"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "recorded 2 findings in baseline.json\n"
    );
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(recorded["findings"][0]["code"], "WP105");
    assert_eq!(recorded["findings"][0]["file"], "p/wazo/plugin.yml");

    // Lines moved: nothing new, exit 0.
    write_plugin(&tmp.path().join("p"), &format!("# moved\n{BAD}"));
    let out = lint(
        tmp.path(),
        &["--baseline", "baseline.json", "--format", "short", "p"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1 plugin checked: no problems found\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "baseline baseline.json: 2 known findings not reported, 0 recorded findings are gone\n"
    );

    // WP108 fixed, a new error (namespace): only the new one, one recorded gone.
    write_plugin(
        &tmp.path().join("p"),
        "name: bad_name\nnamespace: de_mo\nversion: \"1.10\"\n",
    );
    let out = lint(
        tmp.path(),
        &["--baseline", "baseline.json", "--format", "short", "p"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("[WP106]") && !stdout.contains("WP105"),
        "{stdout}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "baseline baseline.json: 1 known finding not reported, 1 recorded finding is gone\n"
    );

    // A file that is not a baseline is a usage error.
    std::fs::write(tmp.path().join("bad.json"), "{}").unwrap();
    let out = lint(tmp.path(), &["--baseline", "bad.json", "p"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn github_annotations_name_files_as_the_repository_has_them() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    write_plugin(&repo.join("p"), BAD);
    std::fs::create_dir_all(repo.join("other")).unwrap();
    for path in [
        "other/../p".to_string(),
        repo.join("p").display().to_string(),
    ] {
        let out = lint(&repo, &["--format", "github", &path]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let files: Vec<&str> = stdout
            .lines()
            .filter_map(|l| l.split("file=").nth(1))
            .map(|rest| rest.split(',').next().unwrap())
            .collect();
        assert_eq!(
            files,
            ["p/wazo/plugin.yml", "p/wazo/plugin.yml"],
            "{path}: {stdout}"
        );
    }
}
