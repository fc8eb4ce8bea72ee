//! The one diagnostic type every check produces and every renderer reads.

use std::borrow::Cow;
use std::ops::Range;
use std::path::PathBuf;

/// How serious a finding is. The order matters: `Error` is the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A byte range of a source file, with an optional text shown under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Range<usize>,
    pub text: Option<String>,
}

/// One change a fix makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixAction {
    /// Replace a byte range of a file of the plugin (its path inside the plugin) with new text.
    Edit {
        file: PathBuf,
        span: Range<usize>,
        replacement: String,
    },
    /// Set the executable bits (like `chmod +x`) of a file of the plugin.
    MakeExecutable { file: PathBuf },
}

/// Whether applying a fix keeps what the plugin does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Safety {
    /// Mechanical: the plugin behaves as its author meant (`lint --fix`).
    #[default]
    Safe,
    /// Changes what the plugin does (e.g. starts running a script that never ran): applied
    /// only with `--unsafe-fixes`.
    Unsafe,
}

/// A mechanical fix for a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, e.g. "quote the version".
    pub description: String,
    pub actions: Vec<FixAction>,
    pub safety: Safety,
}

/// A finding: plain data, located by byte ranges in one file of a plugin. The source text is
/// attached later, by the renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The check's code (`WP105`), or a shellcheck code (`SC2086`).
    pub code: Cow<'static, str>,
    pub severity: Severity,
    pub message: String,
    /// The file inside the plugin (`wazo/plugin.yml`, `wazo/rules`), or the plugin folder itself
    /// (an empty path) for findings about the layout.
    pub file: PathBuf,
    /// Where the finding is. `None` for a finding about a whole file or folder.
    pub primary: Option<Label>,
    /// Other places that explain the finding (e.g. the first of two duplicate keys).
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub url: Option<String>,
    /// A fix, for `lint --fix` and editors' code actions.
    pub fix: Option<Fix>,
}

/// What a diagnostic takes from the check that makes it: its code, default severity and the
/// URL of its documentation. Implemented by the lint engine's check declarations, so that this
/// module depends on no other.
pub trait Rule {
    fn code(&self) -> &'static str;
    fn default_severity(&self) -> Severity;
    fn url(&self) -> String;
}

impl Diagnostic {
    /// A diagnostic of `check` about `file`, with the check's default severity and its URL.
    pub fn new(check: &impl Rule, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            code: Cow::Borrowed(check.code()),
            severity: check.default_severity(),
            message: message.into(),
            file: file.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            url: Some(check.url()),
            fix: None,
        }
    }

    /// Points the diagnostic at `span`, with an optional label text.
    pub fn at(mut self, span: Range<usize>, text: impl Into<Option<String>>) -> Self {
        self.primary = Some(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Adds a secondary location.
    pub fn also(mut self, span: Range<usize>, text: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            text: Some(text.into()),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches a safe fix.
    pub fn fix(mut self, description: impl Into<String>, actions: Vec<FixAction>) -> Self {
        self.fix = Some(Fix {
            description: description.into(),
            actions,
            safety: Safety::Safe,
        });
        self
    }

    /// Marks the fix attached as unsafe: it changes the plugin's behaviour.
    pub fn unsafe_fix(mut self) -> Self {
        if let Some(fix) = &mut self.fix {
            fix.safety = Safety::Unsafe;
        }
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
