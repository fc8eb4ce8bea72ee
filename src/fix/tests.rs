use std::path::PathBuf;

use super::*;
use crate::diagnostic::{Diagnostic, Fix, Safety, Severity};

fn diag(code: &'static str, actions: Vec<FixAction>) -> Diagnostic {
    Diagnostic {
        code: code.into(),
        severity: Severity::Warning,
        message: String::new(),
        file: "wazo/plugin.yml".into(),
        primary: None,
        secondary: Vec::new(),
        help: None,
        url: None,
        fix: Some(Fix {
            description: format!("fix {code}"),
            actions,
            safety: Safety::Safe,
        }),
    }
}

fn edit(span: std::ops::Range<usize>, text: &str) -> FixAction {
    FixAction::Edit {
        file: "wazo/plugin.yml".into(),
        span,
        replacement: text.into(),
    }
}

#[test]
fn edits_apply_from_the_end() {
    let text = "a: 1.10\nb: 2.0\n";
    let edits = [
        Edit::new(3..7, "\"1.10\"".into()),
        Edit::new(11..14, "\"2.0\"".into()),
    ];
    assert_eq!(
        apply_edits(text, &edits).unwrap(),
        "a: \"1.10\"\nb: \"2.0\"\n"
    );
    // Insertions at the very end and start.
    let edits = [
        Edit::new(0..0, "# x\n".into()),
        Edit::new(15..15, "c: 3\n".into()),
    ];
    assert_eq!(
        apply_edits(text, &edits).unwrap(),
        "# x\na: 1.10\nb: 2.0\nc: 3\n"
    );
}

#[test]
fn bad_spans_are_refused() {
    assert!(apply_edits("é", &[Edit::new(1..2, String::new())]).is_err());
    assert!(apply_edits("ab", &[Edit::new(1..9, String::new())]).is_err());
    assert!(
        apply_edits(
            "abc",
            &[Edit::new(0..2, "x".into()), Edit::new(1..3, "y".into())]
        )
        .is_err()
    );
}

#[test]
fn overlapping_fixes_skip_the_later_one() {
    let ds = [
        diag("WP1", vec![edit(0..4, "x")]),
        diag("WP2", vec![edit(2..6, "y")]),
        diag("WP3", vec![edit(0..4, "x")]),
        diag("WP4", vec![edit(6..6, "z"), edit(8..9, "w")]),
        diag("WP5", vec![edit(6..6, "q")]),
    ];
    let plan = plan(&ds);
    assert_eq!(plan.accepted, vec![0, 2, 3]);
    assert_eq!(plan.overlapping, vec![1, 4]);
    let (file, edits) = &plan.edits[0];
    assert_eq!(file, &PathBuf::from("wazo/plugin.yml"));
    assert_eq!(edits.len(), 3, "the identical edit is kept once: {edits:?}");
}

#[test]
fn applies_to_disk_and_keeps_modes() {
    use crate::lint::{LintOptions, lint_plugin};
    use crate::plugin::load::Plugin;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir(root.join("wazo")).unwrap();
    let manifest = "name: a\nnamespace: b\nversion: 1.10\n";
    std::fs::write(root.join("wazo/plugin.yml"), manifest).unwrap();
    std::fs::write(root.join("wazo/rules"), "#!/bin/sh\n").unwrap();
    let report = lint_plugin(&Plugin::load(root, root), &LintOptions::default());
    let outcome = apply(root, &report, |d| d.code == "WP108");
    assert_eq!(outcome.applied.len(), 1, "{outcome:?}");
    assert_eq!(outcome.applied[0].code, "WP108");
    assert_eq!(
        std::fs::read_to_string(root.join("wazo/plugin.yml")).unwrap(),
        "name: a\nnamespace: b\nversion: \"1.10\"\n"
    );
    // Applying the same report again: the file changed since, nothing is touched.
    let again = apply(root, &report, |d| d.code == "WP108");
    assert!(again.applied.is_empty());
    assert!(
        again.skipped[0].reason.contains("changed since"),
        "{again:?}"
    );
}

#[cfg(unix)]
#[test]
fn make_executable_adds_x_where_r() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("rules");
    std::fs::write(&f, "").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    make_executable(&f).unwrap();
    let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o750);
}
