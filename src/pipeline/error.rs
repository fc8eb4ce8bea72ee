//! Errors of the pipeline, each tied to the step where it happened.

use std::fmt;

use super::Step;
use super::run::Exit;
use crate::lint::package_gate::Refusal;

/// Why the pipeline stopped.
#[derive(Debug)]
pub enum PipelineError {
    /// Bad input from the user (not a plugin folder, no such prefix...). Exit code 2.
    Usage(String),
    /// `plugin.yml` cannot be packaged: the blocking lint findings.
    Metadata(Box<Refusal>),
    /// A command of a step ended badly.
    StepFailed {
        /// The step.
        step: Step,
        /// The command, e.g. `wazo/rules build`.
        command: String,
        /// How it ended.
        exit: Exit,
        /// The last lines of its output.
        tail: Vec<String>,
        /// What to do about it.
        hint: String,
    },
    /// A step's result breaks a rule wazo-plugind relies on.
    Invalid {
        /// The step.
        step: Step,
        /// What is wrong.
        message: String,
        /// What to do about it.
        hint: String,
    },
    /// A signal (SIGINT, SIGTERM, SIGHUP) stopped the pipeline between or during steps; the
    /// running step was killed. Exit code 128 + the signal (130 for Ctrl-C).
    Interrupted {
        /// The step that was running or about to start.
        step: Step,
        /// The signal number.
        signal: i32,
    },
    /// An I/O failure on our side. Exit code 3.
    Io {
        /// The step.
        step: Step,
        /// What we were doing.
        context: String,
        /// The error.
        source: std::io::Error,
    },
}

impl PipelineError {
    /// The CLI exit code: 1 failed step, 2 usage, 3 internal, 128 + signal when interrupted
    /// (130 for SIGINT).
    pub fn exit_code(&self) -> u8 {
        let by_signal = |s: i32| u8::try_from(128 + s.clamp(1, 127)).unwrap_or(130);
        match self {
            PipelineError::Usage(_) => 2,
            PipelineError::Io { .. } => 3,
            PipelineError::Interrupted { signal, .. } => by_signal(*signal),
            PipelineError::StepFailed {
                exit: Exit::Interrupted,
                ..
            } => by_signal(super::run::interrupt_signal().unwrap_or(2)),
            _ => 1,
        }
    }

    /// The step it happened in, if any.
    pub fn step(&self) -> Option<Step> {
        match self {
            PipelineError::StepFailed { step, .. }
            | PipelineError::Invalid { step, .. }
            | PipelineError::Io { step, .. }
            | PipelineError::Interrupted { step, .. } => Some(*step),
            PipelineError::Metadata(_) => Some(Step::Validating),
            PipelineError::Usage(_) => None,
        }
    }

    pub(crate) fn io(
        step: Step,
        context: impl Into<String>,
    ) -> impl FnOnce(std::io::Error) -> PipelineError {
        move |source| PipelineError::Io {
            step,
            context: context.into(),
            source,
        }
    }
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Usage(m) => write!(f, "{m}"),
            PipelineError::Metadata(e) => write!(f, "validating: wazo/plugin.yml: {e}"),
            PipelineError::StepFailed {
                step,
                command,
                exit,
                tail,
                hint,
            } => {
                write!(f, "{}: `{command}` failed ({exit})", step.name())?;
                if !tail.is_empty() {
                    write!(f, "\n  last output:")?;
                    for l in tail {
                        write!(f, "\n  | {l}")?;
                    }
                }
                if !hint.is_empty() {
                    write!(f, "\n  help: {hint}")?;
                }
                Ok(())
            }
            PipelineError::Invalid {
                step,
                message,
                hint,
            } => {
                write!(f, "{}: {message}", step.name())?;
                if !hint.is_empty() {
                    write!(f, "\n  help: {hint}")?;
                }
                Ok(())
            }
            PipelineError::Interrupted { step, signal } => {
                write!(f, "{}: interrupted by signal {signal}", step.name())
            }
            PipelineError::Io {
                step,
                context,
                source,
            } => {
                write!(f, "{}: {context}: {source}", step.name())
            }
        }
    }
}

impl std::error::Error for PipelineError {}
