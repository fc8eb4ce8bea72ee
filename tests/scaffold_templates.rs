//! Every shipped template, generated for real: snapshot of the tree, executable rules, valid
//! plugin.yml fields, and shellcheck clean.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use wazo_plugin::plugin::names::{check_name, check_namespace};
use wazo_plugin::scaffold::{Generated, Options, builtin_names, generate_to};

const SCHEMA_MODELINE: &str = "# yaml-language-server: $schema=https://raw.githubusercontent.com/wazo-plugin/wazo-plugin/main/docs/plugin.schema.json";

fn generate(dir: &Path, template: &str, format_version: &str) -> Generated {
    let values = [
        ("name", "call-logger"),
        ("namespace", "acme"),
        ("author", "Ada Lovelace"),
        ("plugin_format_version", format_version),
    ];
    let options = Options {
        template: template.to_string(),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        git: false,
        ..Options::default()
    };
    generate_to(dir, &options).unwrap_or_else(|e| panic!("{template}: {e}"))
}

/// The generated tree as text: each file's path, mode and contents, sorted by path.
fn tree(dir: &Path) -> String {
    let mut out = String::new();
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    paths.sort();
    for path in paths {
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        let rel = path.strip_prefix(dir).unwrap().display().to_string();
        out.push_str(&format!("==> {rel} ({mode:o})\n"));
        out.push_str(&fs::read_to_string(&path).unwrap());
        out.push('\n');
    }
    out
}

fn field<'a>(yaml: &'a str, key: &str) -> Option<&'a str> {
    yaml.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(": "))
}

#[test]
fn snapshot_of_every_template() {
    for name in builtin_names() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("call-logger");
        generate(&dir, &name, "1");
        insta::assert_snapshot!(format!("template_{name}"), tree(&dir));
    }
}

#[test]
fn format_version_0_has_no_postrm() {
    for name in builtin_names() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("p");
        generate(&dir, &name, "0");
        let rules = fs::read_to_string(dir.join("wazo/rules")).unwrap();
        assert!(!rules.contains("postrm)"), "{name}");
        let yml = fs::read_to_string(dir.join("wazo/plugin.yml")).unwrap();
        assert_eq!(field(&yml, "plugin_format_version"), Some("0"), "{name}");
    }
}

#[test]
fn rules_executable_and_plugin_yml_valid() {
    for name in builtin_names() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("p");
        let generated = generate(&dir, &name, "1");
        let mode = fs::metadata(dir.join("wazo/rules"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755, "{name}");
        assert!(generated.files.iter().any(|f| f.executable));
        let rules = fs::read_to_string(dir.join("wazo/rules")).unwrap();
        assert!(rules.starts_with("#!/bin/sh\n"), "{name}");
        for arm in [
            "build)",
            "package)",
            "install)",
            "uninstall)",
            "postrm)",
            "*)",
        ] {
            assert!(rules.contains(arm), "{name}: no {arm} arm");
        }
        let yml = fs::read_to_string(dir.join("wazo/plugin.yml")).unwrap();
        // No schema modeline unless asked (`new --schema-modeline`).
        assert!(!yml.contains(SCHEMA_MODELINE), "{name}");
        assert!(yml.ends_with('\n') && !yml.contains('\r'), "{name}");
        assert_eq!(check_name(field(&yml, "name").unwrap()), None, "{name}");
        assert_eq!(check_namespace(field(&yml, "namespace").unwrap()), None);
        assert_eq!(field(&yml, "version"), Some("\"0.1.0\""), "{name}");
        assert_eq!(field(&yml, "plugin_format_version"), Some("1"), "{name}");
        assert!(field(&yml, "description").is_some_and(|d| d.starts_with('"')));
        for file in &generated.files {
            let text = fs::read_to_string(dir.join(&file.path)).unwrap();
            assert!(
                text.is_ascii(),
                "{name}: {} is not ASCII",
                file.path.display()
            );
            assert!(
                !text.contains('\t'),
                "{name}: tab in {}",
                file.path.display()
            );
        }
    }
}

/// Runs shellcheck on every generated rules, in both format versions. Skipped without
/// shellcheck unless WAZO_PLUGIN_TEST_STRICT=1.
#[test]
fn shellcheck_is_clean() {
    if which::which("shellcheck").is_err() {
        if std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() == Ok("1") {
            panic!("shellcheck not found and WAZO_PLUGIN_TEST_STRICT=1");
        }
        eprintln!("skipped: shellcheck not found");
        return;
    }
    for name in builtin_names() {
        for fv in ["0", "1"] {
            let root = tempfile::tempdir().unwrap();
            let dir = root.path().join("p");
            generate(&dir, &name, fv);
            let out = Command::new("shellcheck")
                .args(["--norc", "-s", "sh"])
                .arg(dir.join("wazo/rules"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name} (format {fv}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

/// docs/templates.md has a section for every shipped template and names every variable.
#[test]
fn docs_cover_every_template_and_variable() {
    let docs = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"))
        .unwrap();
    for name in builtin_names() {
        assert!(
            docs.contains(&format!("### `{name}`")),
            "no section for {name}"
        );
        let template = wazo_plugin::scaffold::load_builtin(&name).unwrap();
        for var in &template.variables {
            assert!(
                docs.contains(&format!("| `{}` |", var.name)),
                "{name}: variable {} undocumented",
                var.name
            );
        }
    }
}
