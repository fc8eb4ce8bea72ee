//! The project configuration: which checks run, at which severity, on which files.
//!
//! Settings come from three layers, the later winning: the defaults (every check, at its own
//! severity), a configuration file (`wazo-plugin.toml`, `.wazo-plugin.toml` or the
//! `[tool.wazo-plugin]` table of `pyproject.toml`, found in the plugin's folder or the nearest
//! parent up to the repository root, or named explicitly), and the command line (`--select`,
//! `--extend-select`, `--ignore`, `--exclude`).
//!
//! Codes are selected by prefix (`WP3`, `SC`, `ALL`), as in ruff: for each code, the most
//! specific matching selector of the last layer that mentions it decides; at equal
//! specificity `ignore` wins over `select`. A layer with `select` starts from nothing. The
//! settings are applied to a plugin's findings after the checks and the suppression comments
//! ran (see [`Settings::apply`]).

pub mod codes;
mod file;

use std::collections::HashMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{GlobBuilder, GlobMatcher};

pub use codes::Selector;
pub use file::NAMES;

use crate::diagnostic::Severity;
use crate::lint::PluginReport;
use crate::lint::shellcheck::Mode;
use crate::wazo_version::{WazoVersion, check_wazo_version};

/// A configuration that cannot be used: a usage error (exit 2), with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration file, `None` for a command-line option.
    pub file: Option<PathBuf>,
    /// 1-based line and column (in characters) in the file.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.position) {
            (Some(file), Some((line, column))) => {
                write!(f, "{}:{line}:{column}: {}", file.display(), self.message)
            }
            (Some(file), None) => write!(f, "{}: {}", file.display(), self.message),
            (None, _) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Where the configuration file comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Source {
    /// No file: the defaults and the command line only (`--isolated`, and the library's
    /// default).
    #[default]
    Isolated,
    /// The nearest file above each plugin.
    Discover,
    /// This file, for every plugin (`--config FILE`).
    File(PathBuf),
}

/// The command line's part of the settings, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--select`: replaces the file's selection.
    pub select: Option<Vec<String>>,
    /// `--extend-select`.
    pub extend_select: Vec<String>,
    /// `--ignore`.
    pub ignore: Vec<String>,
    /// `--exclude`: globs of folders discovery skips, relative to `base`.
    pub exclude: Vec<String>,
    /// The folder the command line's globs are relative to (the current directory).
    pub base: PathBuf,
}

/// One layer's selection of codes.
#[derive(Debug, Clone, Default)]
struct Layer {
    select: Option<Vec<Selector>>,
    extend_select: Vec<Selector>,
    ignore: Vec<Selector>,
}

impl Layer {
    fn is_empty(&self) -> bool {
        self.select.is_none() && self.extend_select.is_empty() && self.ignore.is_empty()
    }
}

/// A glob of paths: matched against a path's name when it has no `/`, else against the path
/// relative to `base`.
#[derive(Debug, Clone)]
struct Pattern {
    text: String,
    base: PathBuf,
    matcher: GlobMatcher,
    by_name: bool,
}

impl Pattern {
    fn new(text: &str, base: &Path) -> Result<Pattern, String> {
        let trimmed = text.trim_end_matches('/');
        let by_name = !trimmed.contains('/');
        let glob = trimmed.strip_prefix("./").unwrap_or(trimmed);
        let matcher = GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{text}`: {}", e.kind()))?
            .compile_matcher();
        Ok(Pattern {
            text: text.to_string(),
            base: base.to_path_buf(),
            matcher,
            by_name,
        })
    }

    /// Whether the pattern matches `path` (absolute, symbolic links resolved).
    fn matches(&self, path: &Path) -> bool {
        if self.by_name {
            return path.file_name().is_some_and(|n| self.matcher.is_match(n));
        }
        path.strip_prefix(&self.base)
            .is_ok_and(|rel| self.matcher.is_match(rel))
    }
}

#[derive(Debug, Clone)]
struct PerFileIgnore {
    pattern: Pattern,
    codes: Vec<Selector>,
}

/// The settings in effect for a plugin.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The configuration file they come from; `None` for the defaults.
    pub origin: Option<PathBuf>,
    layers: Vec<Layer>,
    per_file_ignores: Vec<PerFileIgnore>,
    severity: Vec<(Selector, Severity)>,
    /// The file's `shellcheck` (the command line's `--shellcheck` wins over it).
    pub shellcheck: Option<Mode>,
    exclude: Vec<Pattern>,
    /// The file's `wazo-version`: the Wazo release the plugin targets, as written and parsed.
    pub wazo_version: Option<(String, WazoVersion)>,
    /// The file's `rootfs`: build, package, install and test run in a Wazo-like root as with
    /// `--rootfs`.
    pub rootfs: Option<bool>,
    /// `[test.stubs]`: (pattern, output) of the stubs' canned answers, in the file's key order.
    pub stub_answers: Vec<(String, String)>,
}

impl Settings {
    /// Whether the settings change nothing (no file, no option).
    fn is_default(&self) -> bool {
        self.layers.iter().all(Layer::is_empty)
            && self.per_file_ignores.is_empty()
            && self.severity.is_empty()
    }

    /// Whether findings of `code` are reported (the selection of every layer).
    pub fn enabled(&self, code: &str) -> bool {
        let mut on = true;
        for layer in &self.layers {
            if layer.select.is_some() {
                on = false;
            }
            let selected = codes::best(
                layer.select.iter().flatten().chain(&layer.extend_select),
                code,
            );
            let ignored = codes::best(&layer.ignore, code);
            match (selected, ignored) {
                (Some(s), Some(i)) => on = s > i,
                (Some(_), None) => on = true,
                (None, Some(_)) => on = false,
                (None, None) => {}
            }
        }
        on
    }

    /// The severity set for `code` (the most specific selector), if any.
    pub fn severity_of(&self, code: &str) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(s, _)| s.matches(code))
            .max_by_key(|(s, _)| s.specificity())
            .map(|(_, sev)| *sev)
    }

    /// Whether a per-file-ignores entry drops `code` in the file at `path` (absolute).
    pub fn ignored_in(&self, path: &Path, code: &str) -> bool {
        self.per_file_ignores
            .iter()
            .any(|p| p.codes.iter().any(|s| s.matches(code)) && p.pattern.matches(path))
    }

    /// Whether discovery skips the folder at `path` (absolute).
    pub fn excludes(&self, path: &Path) -> bool {
        self.exclude.iter().any(|p| p.matches(path))
    }

    /// Applies the settings to the findings of the plugin at `root`: drops the codes not
    /// selected or ignored for their file, then sets the configured severities.
    pub fn apply(&self, root: Option<&Path>, report: &mut PluginReport) {
        if self.is_default() {
            return;
        }
        let root = root.map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.to_path_buf()));
        report.diagnostics.retain(|d| {
            if !self.enabled(&d.code) {
                return false;
            }
            match &root {
                Some(root) if !self.per_file_ignores.is_empty() => {
                    let path = if d.file.as_os_str().is_empty() {
                        root.clone()
                    } else {
                        root.join(&d.file)
                    };
                    !self.ignored_in(&path, &d.code)
                }
                _ => true,
            }
        });
        for d in &mut report.diagnostics {
            if let Some(s) = self.severity_of(&d.code) {
                d.severity = s;
            }
        }
    }

    /// The settings as TOML, for `lint --show-settings`: the file they come from, then every
    /// key with the value in effect.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# settings from {}",
            self.origin
                .as_ref()
                .map_or("the defaults (no configuration file)".to_string(), |p| p
                    .display()
                    .to_string())
        );
        let list = |v: &mut dyn Iterator<Item = String>| {
            let items: Vec<String> = v.map(|s| format!("{s:?}")).collect();
            format!("[{}]", items.join(", "))
        };
        let (file, cli) = (self.layers.first(), self.layers.get(1));
        let mut select: Vec<String> = vec!["ALL".to_string()];
        let mut extend = Vec::new();
        let mut ignore = Vec::new();
        for layer in [file, cli].into_iter().flatten() {
            if let Some(s) = &layer.select {
                select = s.iter().map(ToString::to_string).collect();
                extend.clear();
            }
            extend.extend(layer.extend_select.iter().map(ToString::to_string));
            ignore.extend(layer.ignore.iter().map(ToString::to_string));
        }
        let _ = writeln!(out, "select = {}", list(&mut select.into_iter()));
        let _ = writeln!(out, "extend-select = {}", list(&mut extend.into_iter()));
        let _ = writeln!(out, "ignore = {}", list(&mut ignore.into_iter()));
        let _ = writeln!(
            out,
            "shellcheck = {:?}",
            match &self.shellcheck {
                None | Some(Mode::Auto) => "auto".to_string(),
                Some(Mode::Never) => "never".to_string(),
                Some(Mode::Path(p)) => p.display().to_string(),
            }
        );
        let _ = writeln!(
            out,
            "exclude = {}",
            list(&mut self.exclude.iter().map(|p| p.text.clone()))
        );
        match &self.wazo_version {
            Some((v, _)) => {
                let _ = writeln!(out, "wazo-version = {v:?}");
            }
            None => out.push_str("# wazo-version is not set\n"),
        }
        out.push_str("\n[severity]\n");
        for (s, sev) in &self.severity {
            let _ = writeln!(out, "{s} = {:?}", sev.as_str());
        }
        out.push_str("\n[per-file-ignores]\n");
        for p in &self.per_file_ignores {
            let _ = writeln!(
                out,
                "{:?} = {}",
                p.pattern.text,
                list(&mut p.codes.iter().map(ToString::to_string))
            );
        }
        out
    }
}

fn selectors_cli(option: &str, codes: &[String]) -> Result<Vec<Selector>, ConfigError> {
    codes
        .iter()
        .flat_map(|c| c.split(','))
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            Selector::parse(c.trim()).map_err(|message| ConfigError {
                file: None,
                position: None,
                message: format!("{option}: {message}"),
            })
        })
        .collect()
}

fn selectors_file(
    loaded: &file::Loaded,
    codes: &[toml::Spanned<String>],
) -> Result<Vec<Selector>, ConfigError> {
    codes
        .iter()
        .map(|c| Selector::parse(c.get_ref()).map_err(|m| loaded.error(c.span(), m.to_string())))
        .collect()
}

/// The settings of a configuration file, before the command line's layer.
fn from_file(loaded: &file::Loaded) -> Result<Settings, ConfigError> {
    let raw = &loaded.raw;
    let base = loaded
        .path
        .parent()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()))
        .unwrap_or_default();
    let spanned = |v: &Option<Vec<toml::Spanned<String>>>| -> Result<_, ConfigError> {
        v.as_deref().map(|v| selectors_file(loaded, v)).transpose()
    };
    let layer = Layer {
        select: spanned(&raw.select)?,
        extend_select: spanned(&raw.extend_select)?.unwrap_or_default(),
        ignore: spanned(&raw.ignore)?.unwrap_or_default(),
    };
    let mut per_file_ignores = Vec::new();
    for (glob, codes) in raw.per_file_ignores.iter().flatten() {
        let pattern =
            Pattern::new(glob.get_ref(), &base).map_err(|m| loaded.error(glob.span(), m))?;
        per_file_ignores.push(PerFileIgnore {
            pattern,
            codes: selectors_file(loaded, codes)?,
        });
    }
    let mut severity = Vec::new();
    for (code, value) in raw.severity.iter().flatten() {
        let selector = Selector::parse(code.get_ref())
            .map_err(|m| loaded.error(code.span(), m.to_string()))?;
        let sev = match value.get_ref().as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            other => {
                return Err(loaded.error(
                    value.span(),
                    format!("unknown severity `{other}`: expected error, warning or info"),
                ));
            }
        };
        severity.push((selector, sev));
    }
    let shellcheck = raw.shellcheck.as_ref().map(|s| {
        match s.get_ref().as_str() {
            "auto" => Mode::Auto,
            "never" => Mode::Never,
            // A path with a folder is relative to the configuration file; a bare name is
            // looked up on PATH.
            path if path.contains('/') => Mode::Path(base.join(path)),
            name => Mode::Path(PathBuf::from(name)),
        }
    });
    let mut exclude = Vec::new();
    for glob in raw.exclude.iter().flatten() {
        exclude
            .push(Pattern::new(glob.get_ref(), &base).map_err(|m| loaded.error(glob.span(), m))?);
    }
    let wazo_version = match &raw.wazo_version {
        Some(v) => match check_wazo_version(v.get_ref()) {
            Ok(parsed) => Some((v.get_ref().clone(), parsed)),
            Err(problem) => {
                // Point into the string, past its opening quote.
                let start = v.span().start + 1 + problem.offset;
                return Err(loaded.error(
                    start..start + problem.len,
                    format!("invalid wazo-version: {}", problem.message),
                ));
            }
        },
        None => None,
    };
    let mut stub_answers = Vec::new();
    for (pattern, output) in raw.test.iter().flat_map(|t| t.stubs.iter().flatten()) {
        if pattern.get_ref().trim().is_empty() {
            return Err(loaded.error(pattern.span(), "empty stub pattern"));
        }
        stub_answers.push((pattern.get_ref().clone(), output.get_ref().clone()));
    }
    Ok(Settings {
        origin: Some(loaded.path.clone()),
        layers: vec![layer],
        per_file_ignores,
        severity,
        shellcheck,
        exclude,
        wazo_version,
        rootfs: raw.rootfs,
        stub_answers,
    })
}

#[derive(Debug, Default)]
struct Cache {
    /// Per configuration file read: its settings, `None` for a pyproject.toml of another tool.
    files: HashMap<PathBuf, Option<Arc<Settings>>>,
    /// Per folder: the settings that apply to it.
    dirs: HashMap<PathBuf, Arc<Settings>>,
}

/// The configuration of a run: where files come from and the command line's layer. Cheap to
/// clone (the files read are shared).
#[derive(Debug, Clone, Default)]
pub struct Config {
    source: Source,
    overrides: Overrides,
    cli: Layer,
    cli_exclude: Vec<Pattern>,
    /// The settings of `--config FILE`, or of no file.
    fixed: Option<Arc<Settings>>,
    cache: Arc<Mutex<Cache>>,
}

impl Config {
    /// Checks the command line's codes and globs, and reads `--config FILE`.
    pub fn new(source: Source, overrides: Overrides) -> Result<Config, ConfigError> {
        let cli = Layer {
            select: overrides
                .select
                .as_ref()
                .map(|s| selectors_cli("--select", s))
                .transpose()?,
            extend_select: selectors_cli("--extend-select", &overrides.extend_select)?,
            ignore: selectors_cli("--ignore", &overrides.ignore)?,
        };
        let base =
            std::fs::canonicalize(&overrides.base).unwrap_or_else(|_| overrides.base.clone());
        let cli_exclude = overrides
            .exclude
            .iter()
            .map(|g| {
                Pattern::new(g, &base).map_err(|message| ConfigError {
                    file: None,
                    position: None,
                    message: format!("--exclude: {message}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut config = Config {
            source: source.clone(),
            overrides,
            cli,
            cli_exclude,
            fixed: None,
            cache: Arc::default(),
        };
        config.fixed = match &source {
            Source::Isolated => Some(Arc::new(config.with_cli(Settings::default()))),
            Source::File(path) => {
                let loaded = file::load(path)?.ok_or_else(|| ConfigError {
                    file: Some(path.clone()),
                    position: None,
                    message: "no [tool.wazo-plugin] table in this pyproject.toml".into(),
                })?;
                Some(Arc::new(config.with_cli(from_file(&loaded)?)))
            }
            Source::Discover => None,
        };
        Ok(config)
    }

    /// The command line's part, as typed.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    fn with_cli(&self, mut settings: Settings) -> Settings {
        if settings.layers.is_empty() {
            settings.layers.push(Layer::default());
        }
        settings.layers.push(self.cli.clone());
        settings.exclude.extend(self.cli_exclude.iter().cloned());
        settings
    }

    /// The settings that apply to the folder `dir`.
    pub fn settings_for(&self, dir: &Path) -> Result<Arc<Settings>, ConfigError> {
        if self.source != Source::Discover {
            return Ok(self.fixed.clone().unwrap_or_default());
        }
        let start = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        self.lookup(&start)
    }

    fn lookup(&self, dir: &Path) -> Result<Arc<Settings>, ConfigError> {
        if let Some(found) = self.lock().dirs.get(dir) {
            return Ok(found.clone());
        }
        let mut found = None;
        for name in NAMES {
            let candidate = dir.join(name);
            if candidate.is_file()
                && let Some(settings) = self.read(&candidate)?
            {
                found = Some(settings);
                break;
            }
        }
        let settings = match found {
            Some(s) => s,
            None => match dir.parent() {
                Some(parent) if !dir.join(".git").exists() => self.lookup(parent)?,
                _ => Arc::new(self.with_cli(Settings::default())),
            },
        };
        self.lock().dirs.insert(dir.to_path_buf(), settings.clone());
        Ok(settings)
    }

    fn read(&self, path: &Path) -> Result<Option<Arc<Settings>>, ConfigError> {
        if let Some(known) = self.lock().files.get(path) {
            return Ok(known.clone());
        }
        let settings = match file::load(path)? {
            Some(loaded) => Some(Arc::new(self.with_cli(from_file(&loaded)?))),
            None => None,
        };
        self.lock()
            .files
            .insert(path.to_path_buf(), settings.clone());
        Ok(settings)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic while holding the lock leaves a cache that is still consistent.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether discovery skips the folder `dir` (a bad configuration excludes nothing: it is
    /// reported when the plugins' settings are read).
    pub fn excludes(&self, dir: &Path) -> bool {
        let Ok(abs) = std::fs::canonicalize(dir) else {
            return false;
        };
        let parent = abs.parent().unwrap_or(&abs);
        self.settings_for(parent).is_ok_and(|s| s.excludes(&abs))
    }

    /// Applies the settings of the plugin at `root` to its findings (see [`Settings::apply`]).
    /// A configuration that cannot be read applies nothing here: [`lint_paths`] reports it
    /// before linting.
    ///
    /// [`lint_paths`]: crate::lint::lint_paths
    pub fn apply(&self, root: Option<&Path>, report: &mut PluginReport) {
        let settings = match root {
            Some(root) => self.settings_for(root),
            None => self.settings_for(&self.overrides.base),
        };
        if let Ok(settings) = settings {
            settings.apply(root, report);
        }
    }
}

#[cfg(test)]
mod tests;
