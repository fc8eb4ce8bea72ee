//! `--fix` on every check that offers one: each check's documented example is written into a
//! plugin folder; when its diagnostics carry a fix, applying only those fixes must leave a plugin
//! that lints clean for that code, with nothing new found, and nothing else changed.

#![cfg(unix)]

mod common;

use std::path::Path;

use wazo_plugin::diagnostic::FixAction;
use wazo_plugin::fix;
use wazo_plugin::lint::check::{Check, Family};
use wazo_plugin::lint::registry;

const GOOD_MANIFEST: &str = include_str!("../examples/helloworld/wazo/plugin.yml");
const GOOD_RULES: &str = include_str!("../examples/helloworld/wazo/rules");

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file of the plugin folder with its bytes and mode.
fn snapshot(root: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap(), mode(e.path()))
        })
        .collect();
    files.sort();
    files
}

/// Writes the example of `check` into a plugin folder, lints it, applies the fixes of that
/// check's findings and checks the result. Returns whether a fix was found.
fn check_fix(check: &Check, rules_mode: u32) -> bool {
    // The documented examples write a carriage return as `^M` and a BOM as `<BOM>`.
    let example = check
        .example
        .replace("^M", "\r")
        .replace("<BOM>", "\u{feff}");
    let (manifest, rules) = match check.family {
        Family::Manifest => (example.as_str(), GOOD_RULES),
        Family::Rules => (GOOD_MANIFEST, example.as_str()),
        _ => return false,
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir(root.join("wazo")).unwrap();
    std::fs::write(root.join("wazo/plugin.yml"), manifest).unwrap();
    std::fs::write(root.join("wazo/rules"), rules).unwrap();
    set_mode(&root.join("wazo/rules"), rules_mode);
    let before = common::lint_dir(root);
    let has_fix =
        |d: &&wazo_plugin::diagnostic::Diagnostic| d.code == check.code && d.fix.is_some();
    let fixable: Vec<_> = before.diagnostics.iter().filter(has_fix).collect();
    if fixable.is_empty() {
        return false;
    }
    let files_before = snapshot(root);
    // Fixes that overlap wait for the next pass, as with `lint --fix`.
    let mut after = before.clone();
    let mut applied = 0;
    for _ in 0..10 {
        let outcome = fix::apply(root, &after, |d| d.code == check.code);
        after = common::lint_dir(root);
        if outcome.applied.is_empty() {
            assert!(outcome.skipped.is_empty(), "{}: {outcome:?}", check.code);
            break;
        }
        applied += outcome.applied.len();
    }
    assert!(applied >= fixable.len(), "{}", check.code);

    let left: Vec<_> = after
        .diagnostics
        .iter()
        .filter(|d| d.code == check.code)
        .collect();
    assert!(
        left.is_empty(),
        "{}: still found after --fix: {left:#?}",
        check.code
    );
    for d in &after.diagnostics {
        assert!(
            before.diagnostics.iter().any(|b| b.code == d.code),
            "{}: the fix introduced {}: {d:#?}",
            check.code,
            d.code
        );
    }
    // Only the files the fixes name changed, and only as they say.
    let touched: Vec<String> = fixable
        .iter()
        .flat_map(|d| &d.fix.as_ref().unwrap().actions)
        .map(|a| match a {
            FixAction::Edit { file, .. } | FixAction::MakeExecutable { file } => {
                file.to_string_lossy().into_owned()
            }
        })
        .collect();
    let chmod = fixable
        .iter()
        .flat_map(|d| &d.fix.as_ref().unwrap().actions)
        .any(|a| matches!(a, FixAction::MakeExecutable { .. }));
    let files_after = snapshot(root);
    assert_eq!(
        files_before.len(),
        files_after.len(),
        "{}: files added or removed",
        check.code
    );
    for (b, a) in files_before.iter().zip(&files_after) {
        assert_eq!(b.0, a.0);
        if !touched.contains(&b.0) {
            assert_eq!(b, a, "{}: {} changed", check.code, b.0);
        } else if !chmod {
            assert_eq!(b.2, a.2, "{}: the mode of {} changed", check.code, b.0);
        }
    }
    true
}

#[test]
fn every_fix_leaves_its_check_clean_and_nothing_else_changed() {
    let mut fixed = Vec::new();
    for check in registry::checks() {
        // Executable and not: a chmod fix shows only on the second.
        if check_fix(check, 0o755) | check_fix(check, 0o644) {
            fixed.push(check.code);
        }
    }
    eprintln!("checks with a fix, checked: {fixed:?}");
    for code in ["WP108", "WP301", "WP302", "WP306", "WP309", "WP310"] {
        assert!(fixed.contains(&code), "{code} offers a fix: {fixed:?}");
    }
}
