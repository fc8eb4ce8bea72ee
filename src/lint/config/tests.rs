use std::path::{Path, PathBuf};

use super::*;
use crate::diagnostic::Diagnostic;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn discover(overrides: Overrides) -> Config {
    Config::new(Source::Discover, overrides).unwrap()
}

fn finding(code: &'static str, file: &str) -> Diagnostic {
    Diagnostic {
        code: code.into(),
        severity: Severity::Warning,
        message: String::new(),
        file: file.into(),
        primary: None,
        secondary: Vec::new(),
        help: None,
        url: None,
        fix: None,
    }
}

/// The codes (with severities) left of `codes` on the plugin at `root`.
fn kept(config: &Config, root: &Path, codes: &[(&'static str, &str)]) -> Vec<(String, Severity)> {
    let mut report = PluginReport {
        display: root.to_path_buf(),
        sources: Vec::new(),
        diagnostics: codes.iter().map(|(c, f)| finding(c, f)).collect(),
    };
    config.apply(Some(root), &mut report);
    report
        .diagnostics
        .into_iter()
        .map(|d| (d.code.to_string(), d.severity))
        .collect()
}

fn codes(kept: &[(String, Severity)]) -> Vec<&str> {
    kept.iter().map(|(c, _)| c.as_str()).collect()
}

const ALL: &[(&str, &str)] = &[
    ("WP105", "wazo/plugin.yml"),
    ("WP302", "wazo/rules"),
    ("WP303", "wazo/rules"),
    ("SC2086", "wazo/rules"),
];

#[test]
fn nearest_file_up_to_the_repository_root() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    // Above the repository: never read.
    write(&tmp.path().join("wazo-plugin.toml"), "ignore = [\"WP1\"]\n");
    let plugin = repo.join("plugins/a");
    std::fs::create_dir_all(plugin.join("wazo")).unwrap();
    let config = discover(Overrides::default());
    assert_eq!(codes(&kept(&config, &plugin, ALL)).len(), 4);

    write(
        &repo.join("pyproject.toml"),
        "[tool.ruff]\nline-length = 1\n",
    );
    let config = discover(Overrides::default());
    assert!(config.settings_for(&plugin).unwrap().origin.is_none());

    write(
        &repo.join("pyproject.toml"),
        "[tool.wazo-plugin]\nignore = [\"SC\"]\n",
    );
    let config = discover(Overrides::default());
    assert_eq!(
        codes(&kept(&config, &plugin, ALL)),
        ["WP105", "WP302", "WP303"]
    );

    // A file nearer the plugin wins; the dotted name first.
    write(
        &repo.join("plugins/wazo-plugin.toml"),
        "ignore = [\"WP3\"]\n",
    );
    let config = discover(Overrides::default());
    assert_eq!(codes(&kept(&config, &plugin, ALL)), ["WP105", "SC2086"]);
    write(&plugin.join(".wazo-plugin.toml"), "ignore = [\"WP105\"]\n");
    write(&plugin.join("wazo-plugin.toml"), "ignore = [\"ALL\"]\n");
    let config = discover(Overrides::default());
    let settings = config.settings_for(&plugin).unwrap();
    assert_eq!(
        settings.origin.as_deref(),
        Some(
            std::fs::canonicalize(&plugin)
                .unwrap()
                .join(".wazo-plugin.toml")
                .as_path()
        )
    );
    assert_eq!(
        codes(&kept(&config, &plugin, ALL)),
        ["WP302", "WP303", "SC2086"]
    );
}

#[test]
fn isolated_and_explicit_file() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("p");
    std::fs::create_dir_all(plugin.join(".git")).unwrap();
    write(&plugin.join("wazo-plugin.toml"), "ignore = [\"ALL\"]\n");
    let isolated = Config::new(Source::Isolated, Overrides::default()).unwrap();
    assert_eq!(kept(&isolated, &plugin, ALL).len(), 4);
    let other = tmp.path().join("other.toml");
    write(&other, "select = [\"SC\"]\n");
    let explicit = Config::new(Source::File(other), Overrides::default()).unwrap();
    assert_eq!(codes(&kept(&explicit, &plugin, ALL)), ["SC2086"]);
    // The library's default reads no file.
    assert_eq!(kept(&Config::default(), &plugin, ALL).len(), 4);
}

#[test]
fn command_line_over_file_over_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("p");
    std::fs::create_dir_all(plugin.join(".git")).unwrap();
    write(
        &plugin.join("wazo-plugin.toml"),
        "select = [\"WP3\"]\nignore = [\"WP303\"]\n",
    );
    let file_only = discover(Overrides::default());
    assert_eq!(codes(&kept(&file_only, &plugin, ALL)), ["WP302"]);
    // --select starts the selection over: the file's select and ignore no longer count (ruff's
    // order of layers).
    let cli = discover(Overrides {
        select: Some(vec!["WP".into()]),
        ..Overrides::default()
    });
    assert_eq!(
        codes(&kept(&cli, &plugin, ALL)),
        ["WP105", "WP302", "WP303"]
    );
    // --extend-select adds back what the file ignores, --ignore removes.
    let cli = discover(Overrides {
        extend_select: vec!["WP303".into()],
        ignore: vec!["WP302".into()],
        ..Overrides::default()
    });
    assert_eq!(codes(&kept(&cli, &plugin, ALL)), ["WP303"]);
    // Commas separate codes on the command line.
    let cli = discover(Overrides {
        select: Some(vec!["WP105,SC2086".into()]),
        ..Overrides::default()
    });
    assert_eq!(codes(&kept(&cli, &plugin, ALL)), ["WP105", "SC2086"]);
}

#[test]
fn the_most_specific_prefix_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("p");
    std::fs::create_dir_all(plugin.join(".git")).unwrap();
    write(
        &plugin.join("wazo-plugin.toml"),
        "select = [\"WP3\", \"SC20\"]\nignore = [\"WP\", \"SC2086\"]\n",
    );
    let config = discover(Overrides::default());
    // WP3 is more specific than WP: the rules checks stay; SC2086 beats SC20.
    assert_eq!(codes(&kept(&config, &plugin, ALL)), ["WP302", "WP303"]);
    // At equal specificity, ignore wins.
    write(
        &plugin.join("wazo-plugin.toml"),
        "select = [\"WP302\"]\nignore = [\"WP302\"]\n",
    );
    assert!(kept(&discover(Overrides::default()), &plugin, ALL).is_empty());
}

#[test]
fn per_file_ignores_match_paths_and_names() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let a = repo.join("plugins/a");
    let b = repo.join("plugins/b");
    for p in [&a, &b] {
        std::fs::create_dir_all(p.join("wazo")).unwrap();
    }
    write(
        &repo.join("wazo-plugin.toml"),
        "[per-file-ignores]\n\"plugins/a/wazo/rules\" = [\"SC\"]\n\"plugin.yml\" = [\"WP105\"]\n\"plugins/*\" = [\"WP303\"]\n",
    );
    let config = discover(Overrides::default());
    let plugin_level = [("WP303", ""), ("WP302", "wazo/rules")];
    assert_eq!(codes(&kept(&config, &a, ALL)), ["WP302", "WP303"]);
    assert_eq!(codes(&kept(&config, &b, ALL)), ["WP302", "WP303", "SC2086"]);
    // A finding about the plugin folder itself is matched by the folder's path.
    assert_eq!(codes(&kept(&config, &b, &plugin_level)), ["WP302"]);
}

#[test]
fn severity_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("p");
    std::fs::create_dir_all(plugin.join(".git")).unwrap();
    write(
        &plugin.join("wazo-plugin.toml"),
        "[severity]\nWP3 = \"error\"\nWP303 = \"info\"\nSC = \"error\"\n",
    );
    let got = kept(&discover(Overrides::default()), &plugin, ALL);
    assert_eq!(
        got,
        [
            ("WP105".to_string(), Severity::Warning),
            ("WP302".to_string(), Severity::Error),
            ("WP303".to_string(), Severity::Info),
            ("SC2086".to_string(), Severity::Error),
        ]
    );
}

#[test]
fn other_keys_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin = tmp.path().join("p");
    std::fs::create_dir_all(plugin.join(".git")).unwrap();
    write(
        &plugin.join("wazo-plugin.toml"),
        "shellcheck = \"bin/shellcheck\"\nwazo-version = \"24.01\"\nexclude = [\"vendor\", \"old/*\"]\n",
    );
    let config = discover(Overrides::default());
    let s = config.settings_for(&plugin).unwrap();
    let canonical = std::fs::canonicalize(&plugin).unwrap();
    assert_eq!(
        s.shellcheck,
        Some(Mode::Path(canonical.join("bin/shellcheck")))
    );
    let (text, version) = s.wazo_version.clone().unwrap();
    assert_eq!((text.as_str(), version.parts()), ("24.01", &[24, 1][..]));
    std::fs::create_dir_all(plugin.join("x/vendor")).unwrap();
    std::fs::create_dir_all(plugin.join("old/y")).unwrap();
    std::fs::create_dir_all(plugin.join("x/old/y")).unwrap();
    assert!(config.excludes(&plugin.join("x/vendor")));
    assert!(config.excludes(&plugin.join("old/y")));
    assert!(!config.excludes(&plugin.join("x/old/y")));
    assert!(!config.excludes(&plugin.join("x")));
    let s = s.describe();
    assert!(s.contains("wazo-version = \"24.01\""), "{s}");
    assert!(s.contains("exclude = [\"vendor\", \"old/*\"]"), "{s}");
}

/// The error of a configuration file holding `text`, as `line:column: message`.
fn error(text: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("wazo-plugin.toml");
    write(&file, text);
    let e = Config::new(Source::File(file.clone()), Overrides::default()).unwrap_err();
    assert_eq!(e.file.as_deref(), Some(file.as_path()));
    let (line, column) = e.position.expect("a position");
    format!("{line}:{column}: {}", e.message)
}

#[test]
fn errors_have_positions() {
    let e = error("ignore = [\"SC\"]\nselekt = [\"WP1\"]\n");
    assert!(e.starts_with("2:1: unknown field `selekt`"), "{e}");
    let e = error("select = [\"WP1\",\n  \"WP77\"]\n");
    assert!(e.starts_with("2:3: unknown code `WP77`"), "{e}");
    let e = error("[severity]\nWP105 = \"fatal\"\n");
    assert!(e.starts_with("2:9: unknown severity `fatal`"), "{e}");
    let e = error("[severity]\nXX1 = \"error\"\n");
    assert!(e.starts_with("2:1: unknown code `XX1`"), "{e}");
    let e = error("[per-file-ignores]\n\"rules\" = [\"SC99999\"]\n");
    assert!(e.starts_with("2:12: unknown code `SC99999`"), "{e}");
    let e = error("wazo-version = \"24.x\"\n");
    assert!(e.starts_with("1:20: invalid wazo-version"), "{e}");
    let e = error("exclude = [\"a/[\"]\n");
    assert!(e.starts_with("1:12: invalid glob"), "{e}");
    let e = error("select = \"WP1\"\n");
    assert!(e.starts_with("1:10: invalid type"), "{e}");
    let e = error("select = [\n");
    assert!(e.starts_with("1:11: unclosed array"), "{e}");
}

#[test]
fn pyproject_errors_are_placed_in_the_whole_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("pyproject.toml");
    write(
        &file,
        "[project]\nname = \"x\"\n\n[tool.wazo-plugin]\nignore = [\"WP0\"]\n",
    );
    let e = Config::new(Source::File(file), Overrides::default()).unwrap_err();
    assert_eq!(e.position, Some((5, 11)));
}

#[test]
fn command_line_errors() {
    for overrides in [
        Overrides {
            select: Some(vec!["WPX".into()]),
            ..Overrides::default()
        },
        Overrides {
            ignore: vec!["nope".into()],
            ..Overrides::default()
        },
        Overrides {
            exclude: vec!["a/[".into()],
            ..Overrides::default()
        },
    ] {
        let e = Config::new(Source::Isolated, overrides).unwrap_err();
        assert!(e.file.is_none());
        assert!(e.message.starts_with("--"), "{}", e.message);
    }
}

#[test]
fn a_bad_file_is_an_error_for_its_plugins() {
    let tmp = tempfile::tempdir().unwrap();
    let plugin: PathBuf = tmp.path().join("p");
    std::fs::create_dir_all(plugin.join(".git")).unwrap();
    write(&plugin.join("wazo-plugin.toml"), "ignore = 1\n");
    let config = discover(Overrides::default());
    let e = config.settings_for(&plugin).unwrap_err();
    assert_eq!(e.position, Some((1, 10)));
}
