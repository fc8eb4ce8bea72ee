//! Errors of the pipeline, each tied to the step where it happened.

use std::fmt;

use super::Step;
use super::run::Exit;
use super::stubs::StubCall;
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
    /// Another error, with what we know around it: the stub calls the failed step made before
    /// it failed, and notes (a `debian_depends` the host lacks). Exit code and step are the
    /// inner error's.
    Context {
        /// The error.
        error: Box<PipelineError>,
        /// The stub calls of the failed step, in order (the last one is the last Wazo command
        /// the step ran).
        calls: Vec<StubCall>,
        /// What may explain the failure.
        notes: Vec<String>,
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
            PipelineError::Context { error, .. } => error.exit_code(),
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
            PipelineError::Context { error, .. } => error.step(),
            PipelineError::Usage(_) => None,
        }
    }

    /// This error with the stub calls the step made before it (nothing added when none).
    pub fn with_calls(self, calls: Vec<StubCall>) -> PipelineError {
        if calls.is_empty() {
            return self;
        }
        match self {
            PipelineError::Context {
                error,
                calls: mut before,
                notes,
            } => {
                before.extend(calls);
                PipelineError::Context {
                    error,
                    calls: before,
                    notes,
                }
            }
            other => PipelineError::Context {
                error: Box::new(other),
                calls,
                notes: Vec::new(),
            },
        }
    }

    /// This error with `note` (nothing added for `None`; a usage error or an interruption is
    /// left as it is).
    pub fn with_note(self, note: Option<String>) -> PipelineError {
        let Some(note) = note else { return self };
        match self {
            PipelineError::Usage(_) | PipelineError::Interrupted { .. } => self,
            PipelineError::Context {
                error,
                calls,
                mut notes,
            } => {
                notes.push(note);
                PipelineError::Context {
                    error,
                    calls,
                    notes,
                }
            }
            other => PipelineError::Context {
                error: Box::new(other),
                calls: Vec::new(),
                notes: vec![note],
            },
        }
    }

    /// The error without its context.
    pub fn inner(&self) -> &PipelineError {
        match self {
            PipelineError::Context { error, .. } => error.inner(),
            other => other,
        }
    }

    /// The stub calls of the failed step.
    pub fn calls(&self) -> &[StubCall] {
        match self {
            PipelineError::Context { calls, .. } => calls,
            _ => &[],
        }
    }

    /// The notes about the failure.
    pub fn notes(&self) -> &[String] {
        match self {
            PipelineError::Context { notes, .. } => notes,
            _ => &[],
        }
    }

    /// The command the failed step's output last names as failing (see
    /// [`super::complaints::last_failing_command`]).
    pub fn last_failing_command(&self) -> Option<String> {
        match self.inner() {
            PipelineError::StepFailed { tail, .. } => super::complaints::last_failing_command(tail),
            _ => None,
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
                if let Some(prog) = super::complaints::last_failing_command(tail) {
                    write!(
                        f,
                        "\n  last command reporting a failure in that output: {prog}"
                    )?;
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
            PipelineError::Context {
                error,
                calls,
                notes,
            } => {
                write!(f, "{error}")?;
                if let Some((last, before)) = calls.split_last() {
                    write!(
                        f,
                        "\n  last stubbed command it ran: {}",
                        super::escape_control(&last.command_line())
                    )?;
                    if !before.is_empty() {
                        write!(f, "\n  stubbed commands it ran before:")?;
                        for c in before {
                            write!(f, "\n  | {}", super::escape_control(&c.command_line()))?;
                        }
                    }
                }
                for n in notes {
                    write!(f, "\n  note: {n}")?;
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
