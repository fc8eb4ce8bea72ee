//! What can go wrong while scaffolding, and which exit code each failure maps to.

use std::fmt;
use std::path::PathBuf;

/// A failure of `wazo-plugin new`. [`ScaffoldError::is_usage`] tells usage errors (exit 2)
/// from failed steps (exit 1).
#[derive(Debug)]
pub enum ScaffoldError {
    /// `--template` names no shipped template and is not a path.
    UnknownTemplate {
        name: String,
        suggestion: Option<String>,
        available: Vec<String>,
    },
    /// A template folder or its `template.json` is unusable.
    BadTemplate { template: String, message: String },
    /// `-d` without `=`.
    BadAssignment { text: String },
    /// `-d KEY=VALUE` with a key the template does not declare.
    UnknownVariable {
        key: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    /// The same variable was given twice with different values.
    ConflictingValues {
        key: String,
        first: String,
        second: String,
    },
    /// A value (given, prompted or defaulted) fails its variable's rule.
    InvalidValue {
        variable: String,
        value: String,
        problem: String,
        /// A valid value close to the given one, when there is one.
        suggestion: Option<String>,
        /// True when the value came from the template's default.
        from_default: bool,
    },
    /// Required variables without a value (no terminal to ask on).
    MissingValues { names: Vec<String> },
    /// A template file or path failed to render.
    Render { file: String, message: String },
    /// The destination exists and is not empty, and `--force` was not given.
    DestinationNotEmpty {
        dir: PathBuf,
        /// Generated files that already exist there and would be replaced.
        would_replace: Vec<PathBuf>,
    },
    /// The destination, or a generated file's place, is taken by something else.
    DestinationBlocked { path: PathBuf, message: String },
    /// A file system operation failed.
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ScaffoldError {
    /// Usage and configuration errors: the command line or the template must change (exit 2).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::UnknownTemplate { .. }
                | Self::BadTemplate { .. }
                | Self::BadAssignment { .. }
                | Self::UnknownVariable { .. }
                | Self::ConflictingValues { .. }
                | Self::InvalidValue { .. }
                | Self::MissingValues { .. }
        )
    }

    /// The process exit code for this error: 2 for usage errors, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.is_usage() { 2 } else { 1 }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

fn did_you_mean(f: &mut fmt::Formatter<'_>, suggestion: &Option<String>) -> fmt::Result {
    match suggestion {
        Some(s) => write!(f, " (did you mean `{s}`?)"),
        None => Ok(()),
    }
}

impl fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownTemplate {
                name,
                suggestion,
                available,
            } => {
                write!(f, "unknown template `{name}`")?;
                did_you_mean(f, suggestion)?;
                write!(
                    f,
                    "; shipped templates: {}; a folder of your own is given as a path (./{name})",
                    available.join(", ")
                )
            }
            Self::BadTemplate { template, message } => {
                write!(f, "template `{template}` is unusable: {message}")
            }
            Self::BadAssignment { text } => {
                write!(f, "`-d {text}` is not of the form KEY=VALUE")
            }
            Self::UnknownVariable {
                key,
                suggestion,
                known,
            } => {
                write!(f, "the template has no variable `{key}`")?;
                did_you_mean(f, suggestion)?;
                write!(f, "; its variables: {}", known.join(", "))
            }
            Self::ConflictingValues { key, first, second } => write!(
                f,
                "`{key}` is given twice, as `{first}` and as `{second}`; give it once"
            ),
            Self::InvalidValue {
                variable,
                value,
                problem,
                suggestion,
                from_default,
            } => {
                if *from_default {
                    write!(f, "the default {variable} `{value}` is invalid: {problem}")?;
                } else {
                    write!(f, "invalid {variable} `{value}`: {problem}")?;
                }
                match (suggestion, from_default) {
                    (Some(s), _) => write!(f, "; try `{s}`"),
                    (None, true) => write!(f, "; set it with -d {variable}=VALUE"),
                    (None, false) => Ok(()),
                }
            }
            Self::MissingValues { names } => write!(
                f,
                "missing value for {} (no terminal to ask on): give {}",
                names.join(", "),
                names
                    .iter()
                    .map(|n| match n.as_str() {
                        "name" => "NAME".to_string(),
                        "namespace" => "--namespace NS".to_string(),
                        other => format!("-d {other}=VALUE"),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Self::Render { file, message } => write!(f, "cannot render `{file}`: {message}"),
            Self::DestinationNotEmpty { dir, would_replace } => {
                write!(f, "`{}` exists and is not empty", dir.display())?;
                if !would_replace.is_empty() {
                    let list: Vec<String> = would_replace
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect();
                    write!(f, "; these files would be replaced: {}", list.join(", "))?;
                }
                write!(f, "; nothing was written (use --force to write into it)")
            }
            Self::DestinationBlocked { path, message } => {
                write!(f, "cannot write `{}`: {message}", path.display())
            }
            Self::Io {
                action,
                path,
                source,
            } => write!(f, "cannot {action} `{}`: {source}", path.display()),
        }
    }
}

impl std::error::Error for ScaffoldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
