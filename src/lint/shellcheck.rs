//! shellcheck as part of a lint run: which executable, one run for every rules script of the
//! run, its findings as diagnostics under their SC codes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::PluginReport;
use super::meta::{shellcheck_failed, shellcheck_missing};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::plugin::load::{FileState, Plugin, RULES};
use crate::shell::shellcheck::{self, Level};
use crate::shell::{ShellDialect, ShellKind, shell_kind};

/// Whether and which shellcheck to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Mode {
    /// shellcheck from PATH when it is there; a note when it is not.
    #[default]
    Auto,
    /// Never run it, and say nothing.
    Never,
    /// This executable (a path, or a name looked up on PATH); an error when it does not exist.
    Path(PathBuf),
}

impl std::str::FromStr for Mode {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "never" => Mode::Never,
            "auto" => Mode::Auto,
            path => Mode::Path(PathBuf::from(path)),
        })
    }
}

/// The executable to run, `None` when there is none to run. An explicit path that does not
/// exist is an error (a usage error for the CLI).
pub fn resolve(mode: &Mode) -> Result<Option<PathBuf>, shellcheck::ShellcheckError> {
    match mode {
        Mode::Never => Ok(None),
        Mode::Auto => shellcheck::find(None),
        Mode::Path(p) => shellcheck::find(Some(p)),
    }
}

/// The dialect to check a rules script as, from its #! line; `None` for scripts shellcheck
/// does not read (make, python...).
fn dialect(text: &str) -> Option<ShellDialect> {
    match shell_kind(text) {
        ShellKind::Sh | ShellKind::None => Some(ShellDialect::Sh),
        ShellKind::Bash => Some(ShellDialect::Bash),
        _ => None,
    }
}

fn severity(level: Level) -> Severity {
    match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Info | Level::Style => Severity::Info,
    }
}

/// The rules scripts of a lint run that shellcheck reads, and the plugin each belongs to.
#[derive(Debug, Default)]
pub struct Scripts {
    /// Scripts read from disk whose text is the file's: shellcheck reads the files.
    files: Vec<(PathBuf, ShellDialect)>,
    /// Scripts whose text is not the file's (an editor buffer, stdin), or with no file: fed to
    /// shellcheck on stdin, from the folder the file would be in.
    texts: Vec<TextScript>,
    owner: HashMap<PathBuf, usize>,
}

#[derive(Debug)]
struct TextScript {
    /// The key its findings come back under.
    key: PathBuf,
    text: String,
    dialect: ShellDialect,
    dir: Option<PathBuf>,
}

/// What shellcheck answered: `None` when it was not run (no executable, or no script).
pub type Answer = Option<Result<Vec<shellcheck::Finding>, shellcheck::ShellcheckError>>;

/// The shell rules scripts of `plugins` (those on disk).
pub fn scripts(plugins: &[Plugin]) -> Scripts {
    let mut out = Scripts::default();
    for (i, plugin) in plugins.iter().enumerate() {
        let FileState::Loaded(source) = &plugin.rules else {
            continue;
        };
        let Some(d) = dialect(&source.text) else {
            continue;
        };
        match &plugin.root {
            Some(root) if !plugin.overridden.contains(&RULES) => {
                let path = root.join(RULES);
                out.owner.insert(path.clone(), i);
                out.files.push((path, d));
            }
            root => {
                // Not a path anything can have: the key of this text only.
                let key = PathBuf::from(format!("\0text/{i}"));
                out.owner.insert(key.clone(), i);
                let dir = root.as_ref().map(|r| r.join("wazo")).filter(|d| d.is_dir());
                out.texts.push(TextScript {
                    key,
                    text: source.text.clone(),
                    dialect: d,
                    dir,
                });
            }
        }
    }
    out
}

/// Runs shellcheck (`exe`) once over the scripts. Independent of the other checks, so that
/// [`crate::lint::lint_plugins`] runs it while they run.
pub fn run(scripts: &Scripts, exe: Option<&Path>) -> Answer {
    run_cached(scripts, exe, None)
}

/// [`run`], taking the findings of unchanged files from `cache` (see [`super::cache`]). Texts
/// that are not their file's (buffers) are always checked anew.
pub fn run_cached(scripts: &Scripts, exe: Option<&Path>, cache: Option<&Path>) -> Answer {
    let exe = exe?;
    if scripts.files.is_empty() && scripts.texts.is_empty() {
        return None;
    }
    let cache = cache.map(super::cache::Cache::new);
    let mut all = if scripts.files.is_empty() {
        Vec::new()
    } else {
        match super::cache::run(exe, &scripts.files, cache.as_ref()) {
            Ok(found) => found,
            Err(e) => return Some(Err(e)),
        }
    };
    for t in &scripts.texts {
        match shellcheck::run_text(exe, t.dialect, &t.text, t.dir.as_deref(), &t.key) {
            Ok(found) => all.extend(found),
            Err(e) => return Some(Err(e)),
        }
    }
    Some(Ok(all))
}

/// Runs shellcheck once over the rules scripts of all `plugins` and adds its findings to the
/// matching `reports` (same order).
pub fn check(plugins: &[Plugin], reports: &mut [PluginReport], mode: &Mode, exe: Option<&Path>) {
    let scripts = scripts(plugins);
    let answer = run(&scripts, exe);
    apply(plugins, reports, mode, &scripts, answer);
}

/// Adds shellcheck's answer to the `reports` of `plugins` (same order): its findings, or a note
/// that it is missing or failed.
pub fn apply(
    plugins: &[Plugin],
    reports: &mut [PluginReport],
    mode: &Mode,
    scripts: &Scripts,
    answer: Answer,
) {
    let owner = &scripts.owner;
    let first_key = scripts
        .files
        .first()
        .map(|(p, _)| p)
        .or_else(|| scripts.texts.first().map(|t| &t.key));
    let Some(&first) = first_key.and_then(|p| owner.get(p)) else {
        return;
    };
    let Some(answer) = answer else {
        if *mode == Mode::Auto {
            reports[first].diagnostics.push(
                Diagnostic::new(
                    &shellcheck_missing::CHECK,
                    RULES,
                    "shellcheck is not installed: the rules scripts were not checked by it",
                )
                .help(
                    "install shellcheck (`apt install shellcheck`), or pass `--shellcheck never`",
                ),
            );
        }
        return;
    };
    let findings = match answer {
        Ok(f) => f,
        Err(e) => {
            reports[first].diagnostics.push(
                Diagnostic::new(&shellcheck_failed::CHECK, RULES, e.to_string())
                    .help("run shellcheck on wazo/rules yourself to see what it needs"),
            );
            return;
        }
    };
    for finding in findings {
        let Some(&i) = owner.get(&finding.file) else {
            continue;
        };
        let Some(source) = plugins[i].rules.source() else {
            continue;
        };
        if !super::shellcheck_filter::keep(&finding, source, &reports[i].diagnostics) {
            continue;
        }
        let start = source.offset(finding.line, finding.column);
        let span = start
            ..source
                .offset(finding.end_line, finding.end_column)
                .max(start);
        reports[i].diagnostics.push(Diagnostic {
            code: Cow::Owned(format!("SC{}", finding.code)),
            severity: severity(finding.level),
            message: finding.message.clone(),
            file: RULES.into(),
            primary: Some(Label { span, text: None }),
            secondary: Vec::new(),
            help: None,
            url: Some(finding.url()),
            fix: None,
        });
    }
}
