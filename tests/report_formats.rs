//! The machine formats: SARIF validated against the SARIF 2.1.0 schema, GitHub workflow
//! commands with their escaping and annotation limits.

mod common;

use std::path::PathBuf;

use common::lint_text;
use serde_json::Value;
use wazo_plugin::diagnostic::{Diagnostic, Severity};
use wazo_plugin::lint::check::{Check, Family};
use wazo_plugin::lint::{PluginReport, Report};
use wazo_plugin::report::{self, Format, Style};
use wazo_plugin::source::SourceFile;

/// A plugin.yml with many kinds of findings: secondary labels, a fix, a missing rules file.
const BAD: &str = "\
name: Hello_World
namespace: demo
namespace: démo
version: v1.0
max_wazo_version: 25.10
display_name: yes
namspace: x
";

fn bad_report() -> Report {
    Report {
        plugins: vec![lint_text(Some(BAD), None)],
    }
}

fn sarif_validator() -> (boon::Schemas, boon::SchemaIndex) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let id = schema["$id"].as_str().unwrap().to_string();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(&id, schema).unwrap();
    let index = compiler.compile(&id, &mut schemas).unwrap();
    (schemas, index)
}

/// Every `...Line` and `...Column` number in the document.
fn positions(v: &Value, out: &mut Vec<(String, u64)>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if let (true, Some(n)) = (k.ends_with("Line") || k.ends_with("Column"), v.as_u64())
                {
                    out.push((k.clone(), n));
                }
                positions(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| positions(i, out)),
        _ => {}
    }
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let (schemas, index) = sarif_validator();
    let report = bad_report();
    assert!(report.plugins[0].diagnostics.len() >= 6);
    let text = report::render(&report, Format::Sarif, Style::PLAIN);
    let log: Value = serde_json::from_str(&text).unwrap();
    if let Err(e) = schemas.validate(&log, index) {
        panic!("invalid SARIF: {e:#}\n{text}");
    }
    // An empty report is valid too.
    let empty = report::render(&Report::default(), Format::Sarif, Style::PLAIN);
    let empty: Value = serde_json::from_str(&empty).unwrap();
    schemas.validate(&empty, index).unwrap();
    assert_eq!(empty["runs"][0]["results"].as_array().unwrap().len(), 0);
}

#[test]
fn sarif_rules_results_and_positions() {
    let report = bad_report();
    let log: Value =
        serde_json::from_str(&report::render(&report, Format::Sarif, Style::PLAIN)).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let registry: Vec<&str> = wazo_plugin::lint::registry::checks()
        .map(|c| c.code)
        .collect();
    assert_eq!(ids, registry, "every check, in code order");
    for rule in rules {
        let uri = rule["helpUri"].as_str().unwrap();
        assert!(
            uri.starts_with("https://") && uri.contains("docs/checks.md#"),
            "{uri}"
        );
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.plugins[0].diagnostics.len());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("myplugin/"), "relative uri: {uri}");
    }
    let mut found = Vec::new();
    positions(&log, &mut found);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|(_, n)| *n >= 1),
        "a 0 line or column: {found:?}"
    );
    // WP105 at 1:7..1:18, as the short format says.
    let wp105 = results.iter().find(|r| r["ruleId"] == "WP105").unwrap();
    let region = &wp105["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["startColumn"], 7);
    // The duplicate key points at the first one too; the WP108 fix is given.
    let wp101 = results.iter().find(|r| r["ruleId"] == "WP101").unwrap();
    assert_eq!(
        wp101["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    let wp108 = results.iter().find(|r| r["ruleId"] == "WP108").unwrap();
    let change = &wp108["fixes"][0]["artifactChanges"][0];
    assert_eq!(
        change["replacements"][0]["insertedContent"]["text"],
        "\"25.10\""
    );
}

static ODD: Check = Check {
    code: "WP999",
    slug: "odd",
    family: Family::Meta,
    severity: Severity::Error,
    summary: "odd",
    why: "odd",
    example: "x",
    fixed: "y",
};

fn odd_report(count: &[(Severity, usize)]) -> Report {
    let text = "name: 100%\r\nnamespace: a,b: c\n".to_string();
    let display = PathBuf::from("odd, dir:1");
    let source = SourceFile::new(
        display.join("wazo/plugin.yml"),
        "wazo/plugin.yml".into(),
        text,
    );
    let mut diagnostics = Vec::new();
    for &(severity, n) in count {
        for i in 0..n {
            diagnostics.push(
                Diagnostic::new(
                    &ODD,
                    "wazo/plugin.yml",
                    format!("{i}: 100% sure,\r\nreally: yes"),
                )
                .severity(severity)
                .at(6..10, None)
                .help("use `a:b`"),
            );
        }
    }
    Report {
        plugins: vec![PluginReport {
            display,
            sources: vec![source],
            diagnostics,
        }],
    }
}

#[test]
fn github_escapes_data_and_properties() {
    let report = odd_report(&[
        (Severity::Error, 1),
        (Severity::Warning, 1),
        (Severity::Info, 1),
    ]);
    insta::assert_snapshot!(report::render(&report, Format::Github, Style::PLAIN));
}

#[test]
fn github_keeps_within_the_annotation_limits() {
    let report = odd_report(&[
        (Severity::Error, 12),
        (Severity::Warning, 3),
        (Severity::Info, 11),
    ]);
    let out = report::render(&report, Format::Github, Style::PLAIN);
    let count = |prefix: &str| out.lines().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("::error "), 10);
    assert_eq!(count("::warning "), 3);
    assert_eq!(count("::notice "), 10, "9 findings and the closing notice");
    assert_eq!(
        count("odd, dir:1/wazo/plugin.yml:1:7: "),
        4,
        "the rest in the log"
    );
    let last_notice = out.lines().rfind(|l| l.starts_with("::notice ")).unwrap();
    assert!(
        last_notice.contains("4 more findings are not shown"),
        "{last_notice}"
    );
    // Under the limits: no closing notice.
    let small = report::render(
        &odd_report(&[(Severity::Info, 10)]),
        Format::Github,
        Style::PLAIN,
    );
    assert_eq!(
        small.lines().filter(|l| l.starts_with("::notice ")).count(),
        10
    );
    assert!(!small.contains("not shown"));
}
