//! One source for the project's public URLs: Cargo.toml's `repository`. The docs links, the
//! schema URL, the SARIF informationUri and every `repo:`/URL written in the docs, the hooks
//! file and the templates must agree with it; `cargo package` must accept the manifest.

mod common;

use std::path::Path;

const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

fn raw_base() -> String {
    let path = REPOSITORY
        .strip_prefix("https://github.com/")
        .expect("a GitHub repository");
    format!("https://raw.githubusercontent.com/{path}/main")
}

#[test]
fn code_urls_come_from_cargo_toml() {
    assert_eq!(wazo_plugin::urls::REPOSITORY, REPOSITORY);
    assert_eq!(
        wazo_plugin::lint::check::DOCS_URL,
        format!("{REPOSITORY}/blob/main/docs/checks.md")
    );
    assert_eq!(
        wazo_plugin::schema::SCHEMA_URL,
        format!("{}/docs/plugin.schema.json", raw_base())
    );
}

/// Every URL of the project named in `text`: the ones under github.com/<owner> or
/// raw.githubusercontent.com/<owner> for the repository's owner.
fn project_urls(text: &str) -> Vec<String> {
    let owner = REPOSITORY
        .trim_start_matches("https://github.com/")
        .split('/')
        .next()
        .unwrap();
    let mut out = Vec::new();
    for prefix in [
        format!("https://github.com/{owner}/"),
        format!("https://raw.githubusercontent.com/{owner}/"),
    ] {
        for (i, _) in text.match_indices(&prefix) {
            let url: String = text[i..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"\"'`)>],".contains(*c))
                .collect();
            out.push(url);
        }
    }
    out
}

#[test]
fn docs_hooks_and_templates_name_the_same_urls() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("README.md"),
        root.join(".pre-commit-hooks.yaml"),
        root.join("pyproject.toml"),
        root.join("docs/plugin.schema.json"),
    ];
    for dir in ["docs", "templates", "editors", ".github/workflows"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            let p = entry.path();
            if entry.file_type().is_file()
                && !p.components().any(|c| c.as_os_str() == "node_modules")
                && p.extension().is_some_and(|e| {
                    ["md", "yml", "yaml", "json", "toml", "lua"].contains(&e.to_str().unwrap_or(""))
                })
            {
                files.push(p.to_path_buf());
            }
        }
    }
    let raw = raw_base();
    let mut checked = 0;
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for url in project_urls(&text) {
            checked += 1;
            assert!(
                url == REPOSITORY
                    || url.starts_with(&format!("{REPOSITORY}/"))
                    || url.starts_with(&format!("{raw}/")),
                "{}: {url} is not under {REPOSITORY}",
                file.display()
            );
        }
    }
    assert!(checked >= 5, "only {checked} URLs found");
}

#[test]
fn the_crate_packages() {
    if common::missing_tool("cargo") {
        return;
    }
    let package = std::process::Command::new("cargo")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["package", "--allow-dirty", "--no-verify", "--quiet"])
        .output()
        .unwrap();
    assert!(
        package.status.success(),
        "{}",
        String::from_utf8_lossy(&package.stderr)
    );
    let out = std::process::Command::new("cargo")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["package", "--allow-dirty", "--list"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needed in [
        "Cargo.toml",
        "src/main.rs",
        "templates/helloworld/wazo/plugin.yml",
        "README.md",
    ] {
        assert!(
            list.lines().any(|l| l == needed),
            "{needed} not packaged:\n{list}"
        );
    }
    assert!(!list.lines().any(|l| l.starts_with("tests/")), "{list}");
}
