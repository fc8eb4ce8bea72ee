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
            Family::Shipped | Family::Confd | Family::Dialplan | Family::Release => "shipped",
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

/// A check is one declaration in one file: a file declaring a check that the registry does not
/// list would never run, so it fails here; so does a registered check without a fixture plugin
/// or a snapshot of its output.
#[test]
fn every_declared_check_is_registered_with_a_fixture_or_snapshot() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut declared = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src/lint")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        if !text.contains("pub const CHECK: Check") {
            continue;
        }
        let code = text
            .split("code: \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{}: a CHECK without a code", entry.path().display()));
        declared.push((code.to_string(), entry.path().to_path_buf()));
    }
    assert!(declared.len() >= registry::checks().count());
    for (code, file) in &declared {
        assert!(
            registry::find(code).is_some(),
            "{} declares {code}, which src/lint/registry.rs does not list: it never runs",
            file.display()
        );
    }
    for c in registry::checks() {
        let name = format!("{}-{}", c.code, c.slug);
        let fixture = root.join("tests/fixtures/checks").join(&name).is_dir();
        // Any test file's snapshot: `<test>__<code>-<slug>.snap` or `<test>__fixture-...`.
        let snapshot = std::fs::read_dir(root.join("tests/snapshots"))
            .unwrap()
            .flatten()
            .any(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                file.ends_with(&format!("__{name}.snap"))
                    || file.ends_with(&format!("__fixture-{name}.snap"))
            });
        assert!(
            fixture || snapshot,
            "{name} has neither a fixture plugin (tests/fixtures/checks/{name}) nor a snapshot"
        );
    }
}
/// Release checks whose example is not one plugin.yml: WP702 compares with a git revision,
/// WP703 reads several plugins (tests/shipped.rs and their fixtures test them).
const NOT_MANIFEST_EXAMPLES: &[&str] = &["WP702", "WP703"];

#[test]
fn manifest_examples_trigger_their_check_and_fixes_do_not() {
    let manifest_checks = registry::checks().filter(|c| {
        matches!(c.family, Family::Manifest | Family::Release)
            && !NOT_MANIFEST_EXAMPLES.contains(&c.code)
    });
    for c in manifest_checks {
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
            .filter(|d| d.file.ends_with("plugin.yml") && same_kind(c.code, &d.code))
            .collect();
        assert!(
            manifest_findings.is_empty(),
            "{}: its fixed example still has findings: {manifest_findings:#?}",
            c.code
        );
    }
}

/// Whether a finding may count against another check's fixed example: the checks of what the
/// plugin ships and of the target release (WP4xx-WP7xx) judge a whole plugin, which the
/// examples of the other families are not.
fn same_kind(check: &str, finding: &str) -> bool {
    let shipped = |code: &str| {
        code[2..]
            .parse::<u16>()
            .is_ok_and(|n| (400..800).contains(&n))
    };
    !shipped(finding) || shipped(check)
}

/// Checks of what the plugin ships whose example is a rules script.
const SHIPPED_SCRIPT_EXAMPLES: &[&str] = &["WP407", "WP408", "WP409"];

/// A plugin.yml for the rules examples: format 1, unless the example says otherwise.
fn manifest_for(rules_example: &str) -> &'static str {
    if rules_example.contains("# plugin.yml has no plugin_format_version") {
        "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\n"
    } else {
        "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\nplugin_format_version: 1\n"
    }
}

/// The documented example as bytes: `^M` stands for a carriage return, `<BOM>` for the BOM.
fn as_written(example: &str) -> String {
    example.replace("^M", "\r").replace("<BOM>", "\u{feff}")
}

/// Checks whose example is not a script: file modes (WP306), the presence of shellcheck
/// (WP900, WP901), the paths given to lint (WP904, WP905), what shellcheck finds (WP906, in
/// tests/shellcheck_directives.rs). They have fixtures and CLI tests of their own.
const NOT_SCRIPT_EXAMPLES: &[&str] = &["WP306", "WP900", "WP901", "WP904", "WP905", "WP906"];

#[test]
fn rules_examples_trigger_their_check_and_fixes_do_not() {
    let script_checks = registry::checks().filter(|c| {
        matches!(c.family, Family::Rules | Family::Meta) && !NOT_SCRIPT_EXAMPLES.contains(&c.code)
            || SHIPPED_SCRIPT_EXAMPLES.contains(&c.code)
    });
    for c in script_checks {
        let lint = |rules: &str| {
            let plugin = wazo_plugin::plugin::load::Plugin::from_text(
                std::path::Path::new("myplugin"),
                Some(manifest_for(rules).to_string()),
                Some(as_written(rules)),
            );
            let options = wazo_plugin::lint::LintOptions::default();
            wazo_plugin::lint::lint_plugins(&[plugin], &options, None)
        };
        let bad = lint(c.example);
        let codes: Vec<_> = bad.plugins[0]
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect();
        assert!(
            codes.iter().any(|code| code == c.code),
            "{}: its example does not trigger it: {codes:?}",
            c.code
        );
        let good = lint(c.fixed);
        let findings: Vec<_> = good.plugins[0]
            .diagnostics
            .iter()
            .filter(|d| {
                d.severity > wazo_plugin::diagnostic::Severity::Info && same_kind(c.code, &d.code)
            })
            .collect();
        assert!(
            findings.is_empty(),
            "{}: its fixed example has findings: {findings:#?}",
            c.code
        );
    }
}

#[test]
fn fixture_plugins_get_their_check() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks");
    let mut fixtures: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 20);
    for dir in fixtures {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (code, slug) = name.split_once('-').unwrap();
        let check = registry::find(code).unwrap_or_else(|| panic!("{name}: no check {code}"));
        assert_eq!(check.slug, slug, "{name} is named after its check");
        let options = wazo_plugin::lint::LintOptions {
            shellcheck: wazo_plugin::lint::shellcheck::Mode::Never,
            ..Default::default()
        };
        let mut report =
            wazo_plugin::lint::lint_paths(std::slice::from_ref(&dir), &options).unwrap();
        let plugin = &mut report.plugins[0];
        plugin.display = std::path::PathBuf::from(&name);
        assert!(
            plugin.diagnostics.iter().any(|d| d.code == code),
            "{name}: {:#?}",
            plugin.diagnostics
        );
        let report = only(report.plugins.remove(0), code);
        insta::assert_snapshot!(format!("fixture-{name}"), renderings(&report));
    }
}

#[test]
fn complete_scripts_in_every_dispatch_style_lint_without_errors() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    if common::missing_tool("shellcheck") {
        // Still check our own findings.
    }
    let report =
        wazo_plugin::lint::lint_paths(&[root], &wazo_plugin::lint::LintOptions::default()).unwrap();
    assert!(report.plugins.len() >= 7);
    for plugin in &report.plugins {
        let findings: Vec<_> = plugin
            .diagnostics
            .iter()
            .filter(|d| d.severity > wazo_plugin::diagnostic::Severity::Info)
            .collect();
        assert!(
            findings.is_empty(),
            "{}: {findings:#?}",
            plugin.display.display()
        );
        let name = plugin.display.file_name().unwrap().to_string_lossy();
        let unverified = plugin.diagnostics.iter().any(|d| d.code == "WP305");
        assert_eq!(
            unverified,
            name == "python" || name == "function-dispatch",
            "{name}: coverage should be verified for every shell dispatch style"
        );
    }
}

#[test]
fn manifest_diagnostics_snapshots() {
    let manifest_checks = registry::checks().filter(|c| {
        matches!(c.family, Family::Manifest | Family::Release)
            && !NOT_MANIFEST_EXAMPLES.contains(&c.code)
    });
    for c in manifest_checks {
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

/// The plugin folders that trigger the layout checks, built in a temporary folder.
fn layout_case(code: &str, root: &std::path::Path) {
    let wazo = root.join("wazo");
    let manifest = "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\n";
    let rules = "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    std::fs::create_dir_all(root).unwrap();
    if code != "WP201" {
        std::fs::create_dir_all(&wazo).unwrap();
    }
    let write = |name: &str, bytes: &[u8]| std::fs::write(wazo.join(name), bytes).unwrap();
    match code {
        "WP201" => std::fs::write(root.join("plugin.yml"), manifest).unwrap(),
        "WP202" => write("rules", rules.as_bytes()),
        "WP203" => write("plugin.yml", manifest.as_bytes()),
        "WP204" => {
            write("plugin.yml", manifest.as_bytes());
            write("rules", rules.as_bytes());
            std::fs::create_dir_all(root.join("_pkg/etc")).unwrap();
        }
        "WP205" => {
            std::fs::create_dir_all(wazo.join("plugin.yml")).unwrap();
            write("rules", rules.as_bytes());
        }
        "WP206" => {
            write(
                "plugin.yml",
                b"name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\nauthor: Fran\xe7ois\n",
            );
            write("rules", rules.as_bytes());
        }
        "WP207" => {
            write("plugin.yml", "# padding\n".repeat(120_000).as_bytes());
            write("rules", rules.as_bytes());
        }
        other => panic!("no layout case for {other}"),
    }
    #[cfg(unix)]
    if wazo.join("rules").is_file() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(wazo.join("rules"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }
}

#[test]
fn layout_diagnostics_snapshots() {
    let options = wazo_plugin::lint::LintOptions {
        shellcheck: wazo_plugin::lint::shellcheck::Mode::Never,
        ..Default::default()
    };
    for code in [
        "WP201", "WP202", "WP203", "WP204", "WP205", "WP206", "WP207",
    ] {
        let check = registry::find(code).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("myplugin");
        layout_case(code, &root);
        let mut report =
            wazo_plugin::lint::lint_paths(std::slice::from_ref(&root), &options).unwrap();
        let plugin = report.plugins.remove(0);
        let plugin = wazo_plugin::lint::PluginReport {
            display: "myplugin".into(),
            ..plugin
        };
        assert!(
            plugin.diagnostics.iter().any(|d| d.code == code),
            "{code}: {:#?}",
            plugin.diagnostics
        );
        insta::assert_snapshot!(
            format!("{code}-{}", check.slug),
            renderings(&only(plugin, code))
        );
    }
}

#[test]
fn shellcheck_meta_diagnostics_snapshots() {
    let plugin = wazo_plugin::plugin::load::Plugin::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/helloworld"),
        std::path::Path::new("myplugin"),
    );
    let plugins = [plugin];
    let auto = wazo_plugin::lint::LintOptions::default();
    // WP900: no executable found in auto mode.
    let report = wazo_plugin::lint::lint_plugins(&plugins, &auto, None);
    let missing = only(report.plugins[0].clone(), "WP900");
    assert_eq!(missing.plugins[0].diagnostics.len(), 1);
    insta::assert_snapshot!("WP900-shellcheck-missing", renderings(&missing));
    // WP901: an executable that fails the way a broken shellcheck does.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let fake = tmp.path().join("shellcheck");
        std::fs::write(
            &fake,
            "#!/bin/sh\necho 'shellcheck: bad option' >&2\nexit 3\n",
        )
        .unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let report = wazo_plugin::lint::lint_plugins(&plugins, &auto, Some(&fake));
        let failed = only(report.plugins[0].clone(), "WP901");
        assert_eq!(
            failed.plugins[0].diagnostics.len(),
            1,
            "{:#?}",
            report.plugins[0].diagnostics
        );
        insta::assert_snapshot!("WP901-shellcheck-failed", renderings(&failed));
    }
}

/// WP904 and WP905 are about the paths lint is given, not a plugin: their output, rendered.
#[test]
fn path_diagnostics_snapshots() {
    use wazo_plugin::lint::meta::path_missing::lint_paths_reporting;
    let tmp = tempfile::tempdir().unwrap();
    let loose = tmp.path().join("notes.txt");
    std::fs::write(&loose, "not a plugin\n").unwrap();
    let options = wazo_plugin::lint::LintOptions {
        shellcheck: wazo_plugin::lint::shellcheck::Mode::Never,
        ..Default::default()
    };
    for (code, path) in [
        (
            "WP904-path-missing",
            std::path::PathBuf::from("no/such/plugin"),
        ),
        ("WP905-path-skipped", loose.clone()),
    ] {
        let mut report = lint_paths_reporting(std::slice::from_ref(&path), &options).unwrap();
        for plugin in &mut report.plugins {
            for d in &mut plugin.diagnostics {
                d.message = d.message.replace(&tmp.path().display().to_string(), "TMP");
            }
            plugin.display = std::path::PathBuf::from(
                plugin
                    .display
                    .display()
                    .to_string()
                    .replace(&tmp.path().display().to_string(), "TMP"),
            );
        }
        let codes: Vec<&str> = report
            .plugins
            .iter()
            .flat_map(|p| &p.diagnostics)
            .map(|d| &*d.code)
            .collect();
        assert_eq!(codes, [&code[..5]], "{code}");
        insta::assert_snapshot!(code, renderings(&report));
    }
}

/// A shellcheck that floods its output is stopped at the output limit and reported (WP901 with
/// the reason), instead of filling the memory or hanging the lint; an editor buffer, fed on
/// stdin, is bounded the same way.
#[cfg(unix)]
#[test]
fn a_flooding_shellcheck_is_stopped_and_reported() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let fake = tmp.path().join("shellcheck");
    std::fs::write(
        &fake,
        "#!/bin/sh\nexec yes 'flood flood flood flood flood flood'\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let on_disk = wazo_plugin::plugin::load::Plugin::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/helloworld"),
        std::path::Path::new("myplugin"),
    );
    let buffer = wazo_plugin::plugin::load::Plugin::from_text(
        std::path::Path::new("buffer"),
        None,
        Some("#!/bin/sh\necho $1\n".into()),
    );
    for plugin in [on_disk, buffer] {
        let report = wazo_plugin::lint::lint_plugins(
            std::slice::from_ref(&plugin),
            &wazo_plugin::lint::LintOptions::default(),
            Some(&fake),
        );
        let failed: Vec<&str> = report.plugins[0]
            .diagnostics
            .iter()
            .filter(|d| d.code == "WP901")
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(failed.len(), 1, "{:#?}", report.plugins[0].diagnostics);
        assert!(failed[0].contains("more than 64 MiB"), "{failed:?}");
    }
}
