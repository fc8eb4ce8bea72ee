//! Registry-wide tests: every check is declared well, its documented example triggers it, its
//! fixed example does not, and its diagnostic is snapshot in every format.

mod common;

use std::collections::HashSet;

use common::{lint_text, only, renderings};
use wazo_plugin::lint::check::Family;
use wazo_plugin::lint::registry;

#[test]
fn codes_are_unique_and_in_their_family_range() {
    let mut codes = HashSet::new();
    let mut slugs = HashSet::new();
    for c in registry::checks() {
        assert!(codes.insert(c.code), "{} declared twice", c.code);
        assert!(slugs.insert(c.slug), "{} declared twice", c.slug);
        let n: u16 = c.code[2..].parse().expect("WPnnn");
        assert!(c.code.starts_with("WP"), "{}", c.code);
        assert_eq!(
            n / 100,
            c.family.base() / 100,
            "{} outside its family",
            c.code
        );
        assert!(
            c.slug
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "{} slug {}",
            c.code,
            c.slug
        );
        assert!(
            !c.summary.ends_with('.'),
            "{} summary ends with a period",
            c.code
        );
        assert!(!c.why.is_empty() && !c.example.is_empty() && !c.fixed.is_empty());
        assert_ne!(c.example, c.fixed, "{}", c.code);
    }
    let codes: Vec<_> = registry::checks().map(|c| c.code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "RULES must stay in code order");
}

#[test]
fn each_check_lives_in_a_file_named_after_it() {
    let root = env!("CARGO_MANIFEST_DIR");
    for c in registry::checks() {
        let family = match c.family {
            Family::Manifest => "manifest",
            Family::Layout => "layout",
            Family::Rules => "rules_script",
            Family::Meta => "meta",
        };
        let file = format!("{root}/src/lint/{family}/{}.rs", c.slug.replace('-', "_"));
        let text = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("{file} missing"));
        assert!(
            text.contains(&format!("code: \"{}\"", c.code)),
            "{file} does not declare {}",
            c.code
        );
    }
}

#[test]
fn manifest_examples_trigger_their_check_and_fixes_do_not() {
    for c in registry::checks().filter(|c| c.family == Family::Manifest) {
        let bad = lint_text(Some(c.example), None);
        assert!(
            bad.diagnostics.iter().any(|d| d.code == c.code),
            "{}: its example does not trigger it: {:#?}",
            c.code,
            bad.diagnostics
        );
        let good = lint_text(Some(c.fixed), None);
        let manifest_findings: Vec<_> = good
            .diagnostics
            .iter()
            .filter(|d| d.file.ends_with("plugin.yml"))
            .collect();
        assert!(
            manifest_findings.is_empty(),
            "{}: its fixed example still has findings: {manifest_findings:#?}",
            c.code
        );
    }
}

#[test]
fn manifest_diagnostics_snapshots() {
    for c in registry::checks().filter(|c| c.family == Family::Manifest) {
        let report = only(lint_text(Some(c.example), None), c.code);
        insta::assert_snapshot!(format!("{}-{}", c.code, c.slug), renderings(&report));
    }
}

#[test]
fn catalogue_in_docs_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checks.md");
    let expected = wazo_plugin::lint::catalogue::markdown();
    if std::env::var_os("WAZO_PLUGIN_UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).expect("write docs/checks.md");
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/checks.md is stale: run `cargo run -- explain --all > docs/checks.md`"
    );
}
