//! What the checks say on the forms real plugins use: noise that must stay silent, severities by
//! consequence, and command coverage for every common dispatch style.

mod common;

use common::lint_text;
use wazo_plugin::diagnostic::Severity;

const FORMAT_0: &str = "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\n";
const FORMAT_1: &str =
    "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\nplugin_format_version: 1\n";

/// The (code, severity) of every finding, shellcheck aside.
fn findings(manifest: &str, rules: &str) -> Vec<(String, Severity)> {
    lint_text(Some(manifest), Some(rules))
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("WP") && d.code != "WP900")
        .map(|d| (d.code.to_string(), d.severity))
        .collect()
}

fn codes(manifest: &str, rules: &str) -> Vec<String> {
    findings(manifest, rules)
        .into_iter()
        .map(|(c, _)| c)
        .collect()
}

#[test]
fn an_empty_postrm_arm_under_format_0_is_not_reported() {
    let empty = "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall)\n        ;;\n    postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    assert!(
        codes(FORMAT_0, empty).is_empty(),
        "{:?}",
        codes(FORMAT_0, empty)
    );
    let colon = empty.replace(
        "    postrm)\n        ;;",
        "    postrm)\n        :\n        ;;",
    );
    assert!(codes(FORMAT_0, &colon).is_empty());
    let working = empty.replace(
        "    postrm)\n        ;;",
        "    postrm)\n        rm -f /etc/acme.conf\n        ;;",
    );
    assert_eq!(codes(FORMAT_0, &working), ["WP302"]);
}

#[test]
fn a_mangled_min_wazo_version_is_silent_and_max_at_x_y0_is_not() {
    let base = "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\n";
    let lint = |extra: &str| {
        lint_text(Some(&format!("{base}{extra}")), None)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == "WP108")
            .map(|d| d.message)
            .collect::<Vec<_>>()
    };
    assert!(lint("min_wazo_version: 20.10\n").is_empty());
    assert!(lint("min_wazo_version: 24.00\n").is_empty());
    let max = lint("max_wazo_version: 25.10\n");
    assert_eq!(max.len(), 1);
    assert!(
        max[0].contains("refuses the plugin on Wazo 25.10"),
        "{}",
        max[0]
    );
    assert_eq!(lint("version: 1.10\n").len(), 1);
}

#[test]
fn severities_follow_the_consequence() {
    let core = "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\ndepends:\n  - name: wazo-calld\n    namespace: wazo\n";
    let report = lint_text(Some(core), None);
    let d = report.diagnostics.iter().find(|d| d.code == "WP116");
    assert_eq!(d.map(|d| d.severity), Some(Severity::Error));
    let two = "name: myplugin\nnamespace: acme\nversion: \"1.0.0\"\nplugin_format_version: 2\n";
    let report = lint_text(Some(two), None);
    let d = report.diagnostics.iter().find(|d| d.code == "WP112");
    assert_eq!(d.map(|d| d.severity), Some(Severity::Info));

    // ${pkgdir} in uninstall: right by accident before a path, wrong alone; wrong in build.
    let script = |uninstall: &str, build: &str| {
        format!(
            "#!/bin/sh\ncase \"$1\" in\n    build)\n        {build}\n        ;;\n    package|install|postrm)\n        ;;\n    uninstall)\n        {uninstall}\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n"
        )
    };
    let wp312 = |text: &str| -> Vec<Severity> {
        findings(FORMAT_1, text)
            .into_iter()
            .filter(|(c, _)| c == "WP312")
            .map(|(_, s)| s)
            .collect()
    };
    assert_eq!(
        wp312(&script("rm -f ${pkgdir}/etc/acme.conf", ":")),
        [Severity::Warning]
    );
    assert_eq!(wp312(&script("rm -rf \"$pkgdir\"", ":")), [Severity::Error]);
    assert_eq!(
        wp312(&script(":", "cp acme.conf ${pkgdir}/etc/acme.conf")),
        [Severity::Error]
    );
    // $DESTDIR: right by accident in install, wrong in package.
    let destdir = "#!/bin/sh\ncase \"$1\" in\n    build|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"$DESTDIR/usr/share/acme\"\n        ;;\n    install)\n        rm -f \"$DESTDIR/etc/acme.conf\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    let wp315: Vec<Severity> = findings(FORMAT_1, destdir)
        .into_iter()
        .filter(|(c, _)| c == "WP315")
        .map(|(_, s)| s)
        .collect();
    assert_eq!(wp315, [Severity::Error, Severity::Warning]);
}

/// A complete script in a dispatch style: no coverage finding; without `package`: WP301.
fn style_is_covered(text: &str) {
    let found = codes(FORMAT_1, text);
    assert!(
        !found
            .iter()
            .any(|c| matches!(c.as_str(), "WP301" | "WP305" | "WP317")),
        "{found:?} for\n{text}"
    );
    let broken = text.replace("package", "packag");
    let found = codes(FORMAT_1, &broken);
    assert!(
        found.contains(&"WP301".to_string()),
        "{found:?} for\n{broken}"
    );
}

#[test]
fn every_common_dispatch_style_has_its_coverage_checked() {
    let arms = "build) ;;\n    package) ;;\n    install|postrm) ;;\n    uninstall) ;;\n    *) exit 1 ;;\nesac\n";
    for head in [
        "case \"$1\" in\n    ",
        "case \"${1:-}\" in\n    ",
        "CMD=\"$1\"\ncase \"$CMD\" in\n    ",
        "ACTION=${1:-}\ncase $ACTION in\n    ",
        "cmd=$1; shift\ncase \"$cmd\" in\n    ",
        "readonly CMD=\"$1\"\ncase \"$CMD\" in\n    ",
    ] {
        style_is_covered(&format!("#!/bin/sh\n{head}{arms}"));
    }
    style_is_covered(&format!(
        "#!/bin/sh\nmain() {{\n    local action=\"$1\"\n    case \"$action\" in\n    {arms}}}\nmain \"$@\"\n"
    ));
    style_is_covered(
        "#!/bin/sh\ncase \"$1\" in\n    build|package)\n        case \"$1\" in\n            build) ;;\n            package) ;;\n        esac\n        ;;\n    install|uninstall|postrm) ;;\n    *) exit 1 ;;\nesac\n",
    );
    let functions =
        "build() { :; }\npackage() { :; }\ninstall() { :; }\nuninstall() { :; }\npostrm() { :; }\n";
    for call in [
        "\"$1\"\n",
        "$1 \"$@\"\n",
        "CMD=$1\nshift\n\"$CMD\" \"$@\"\n",
    ] {
        style_is_covered(&format!("#!/bin/sh\nset -e\n{functions}{call}"));
    }
    style_is_covered(&format!(
        "#!/bin/sh\n{functions}case \"$1\" in\n    build|package|install|uninstall|postrm) \"$1\" ;;\n    *) exit 1 ;;\nesac\n"
    ));
    style_is_covered(
        "#!/bin/sh\nCMD=$1\nif [ \"$CMD\" = build ]; then :\nelif [ \"$CMD\" = package ]; then :\nelif [ \"$CMD\" = install ] || [ \"$CMD\" = uninstall ] || [ \"$CMD\" = postrm ]; then :\nelse exit 1\nfi\n",
    );
}

#[test]
fn scripts_that_ignore_the_command_are_errors_and_only_dynamic_dispatch_is_unknown() {
    for text in [
        "#!/bin/sh\ncp acme.conf /etc/asterisk/extensions_extra.d/\n",
        "#!/bin/sh\nDESTDIR=\"$1\"\nmkdir -p \"$DESTDIR/etc/acme\"\n",
    ] {
        let found = findings(FORMAT_1, text);
        assert!(
            found.contains(&("WP317".to_string(), Severity::Error)),
            "{found:?}"
        );
        assert!(!found.iter().any(|(c, _)| c == "WP305"));
    }
    for text in [
        "#!/bin/sh\ndo_build() { :; }\n\"do_$1\"\n",
        "#!/bin/bash\neval \"cmd_$1\"\n",
        "#!/usr/bin/env python3\nimport sys\n",
    ] {
        assert_eq!(codes(FORMAT_1, text), ["WP305"], "{text}");
    }
}

#[test]
fn a_bashism_is_an_error_where_it_runs_and_a_warning_elsewhere() {
    let text = "#!/bin/sh\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        [ \"$x\" == y ] && echo same\n        ;;\n    status)\n        [ \"$x\" == y ] && echo same\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    let found: Vec<Severity> = findings(FORMAT_1, text)
        .into_iter()
        .filter(|(c, _)| c == "WP318")
        .map(|(_, s)| s)
        .collect();
    assert_eq!(found, [Severity::Error, Severity::Warning]);
    // The same script under bash: nothing.
    let bash = text.replace("#!/bin/sh", "#!/bin/bash");
    assert!(!codes(FORMAT_1, &bash).contains(&"WP318".to_string()));
    // Only bash can parse it: the bashism is reported, not a syntax error.
    let arrays = "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        files=(a b)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    let found = codes(FORMAT_1, arrays);
    assert!(found.contains(&"WP318".to_string()), "{found:?}");
    assert!(!found.contains(&"WP300".to_string()), "{found:?}");
}

#[test]
fn a_function_called_from_an_arm_belongs_to_that_arm() {
    // WP311 sees the write of the package arm made in a function it calls.
    let text = "#!/bin/sh\nstage() {\n    cp acme.conf /etc/asterisk/acme.conf\n}\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        stage\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    assert_eq!(codes(FORMAT_1, text), ["WP311"]);
}

/// Lints a plugin folder with shellcheck (skips without it).
fn with_shellcheck(rules: &str) -> Option<Vec<String>> {
    if common::missing_tool("shellcheck") {
        return None;
    }
    let tmp = tempfile::tempdir().ok()?;
    let wazo = tmp.path().join("myplugin/wazo");
    std::fs::create_dir_all(&wazo).ok()?;
    std::fs::write(wazo.join("plugin.yml"), FORMAT_1).ok()?;
    std::fs::write(wazo.join("rules"), rules).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(wazo.join("rules"), std::fs::Permissions::from_mode(0o755))
            .ok()?;
    }
    let report = wazo_plugin::lint::lint_paths(
        &[tmp.path().join("myplugin")],
        &wazo_plugin::lint::LintOptions::default(),
    )
    .ok()?;
    Some(
        report.plugins[0]
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect(),
    )
}

#[test]
fn shellcheck_says_nothing_about_pkgdir_and_nothing_twice() {
    let unquoted = "#!/bin/sh\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        BIN=${pkgdir}/usr/bin\n        mkdir -p ${pkgdir}/etc/acme $BIN\n        cp acme.conf $pkgdir/etc/acme/\n        cp acme $dest\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    let Some(found) = with_shellcheck(unquoted) else {
        return;
    };
    // One SC2086, on $dest (and SC2154 on dest); nothing on pkgdir or $BIN.
    assert_eq!(
        found.iter().filter(|c| *c == "SC2086").count(),
        1,
        "{found:?}"
    );
    let crlf = "#!/bin/sh\r\ncase \"$1\" in\r\n    build|package|install|uninstall|postrm)\r\n        ;;\r\n    *)\r\n        exit 1\r\n        ;;\r\nesac\r\n";
    let Some(found) = with_shellcheck(crlf) else {
        return;
    };
    assert!(!found.contains(&"SC1017".to_string()), "{found:?}");
    assert_eq!(found.iter().filter(|c| *c == "WP309").count(), 1);
    let bashism = "#!/bin/sh\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        if [[ -f /etc/acme ]]; then echo; fi\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    let Some(found) = with_shellcheck(bashism) else {
        return;
    };
    assert!(found.contains(&"WP318".to_string()), "{found:?}");
    assert!(!found.iter().any(|c| c.starts_with("SC30")), "{found:?}");
}

#[test]
fn scratch_folders_and_looking_for_python_are_not_findings() {
    let text = "#!/bin/sh\ncase \"$1\" in\n    build)\n        command -v python >/dev/null || echo 'no python, fine'\n        ;;\n    package)\n        mkdir -p /tmp/acme-build\n        rm -rf /tmp/acme-build\n        ;;\n    install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n";
    assert!(
        codes(FORMAT_1, text).is_empty(),
        "{:?}",
        codes(FORMAT_1, text)
    );
}

#[test]
fn old_x_prefix_tests_and_case_on_all_arguments_are_read() {
    let x = "#!/bin/sh\nif [ \"x$1\" = xbuild ]; then :\nelif [ \"x$1\" = xpackage ]; then :\nelif [ \"x$1\" = xinstall ] || [ \"x$1\" = xuninstall ] || [ \"x$1\" = xpostrm ]; then :\nelse exit 1\nfi\n";
    style_is_covered(x);
    style_is_covered(
        "#!/bin/sh\ncase \"$@\" in\n    build|package|install|uninstall|postrm) ;;\n    *) exit 1 ;;\nesac\n",
    );
}

#[test]
fn every_good_fixture_loses_its_coverage_without_package() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    let mut seen = 0;
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if matches!(name.as_str(), "python" | "function-dispatch") {
            continue; // WP305: coverage not read, by design.
        }
        let rules = std::fs::read_to_string(entry.path().join("wazo/rules")).unwrap();
        let manifest = std::fs::read_to_string(entry.path().join("wazo/plugin.yml")).unwrap();
        assert!(codes(&manifest, &rules).is_empty(), "{name}");
        let broken = rules.replace("package", "packag");
        let found = codes(&manifest, &broken);
        assert!(found.contains(&"WP301".to_string()), "{name}: {found:?}");
        seen += 1;
    }
    assert!(seen >= 12, "{seen}");
}
