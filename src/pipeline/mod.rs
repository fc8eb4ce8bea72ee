//! Build, package, install and test a plugin the way wazo-plugind does, on the author's machine.
//!
//! The steps and their names follow wazo-plugind (`building`, `packaging`, `installing`, ...).
//! Library code never prints: progress goes through [`Progress`], results come back as data.
//! See `docs/pipeline.md` for what is faithful and what differs.

pub mod bwrap;
pub mod complaints;
pub mod deb;
pub mod denied;
mod dpkg_run;
pub mod host;
pub mod install;
pub mod isolation;
pub mod landlock_jail;
pub mod lifecycle;
pub mod links;
pub mod package;
pub mod report;
pub mod rootfs;
pub mod run;
pub mod safe_fs;
pub mod sandbox;
pub mod scripts;
pub mod stage;
pub mod stubs;
pub mod tree;
pub mod upgrade;
pub mod userns;

mod error;

pub use error::PipelineError;

use std::time::Duration;

/// A step of the pipeline, named as wazo-plugind's status updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Copying the plugin into a fresh work dir (wazo-plugind's extract dir).
    Extracting,
    /// Reading `wazo/plugin.yml`.
    Validating,
    /// `wazo/rules build`.
    Building,
    /// `wazo/rules package`, staging, control files and the `.deb`.
    Packaging,
    /// `dpkg -i` into the prefix (postinst configure: `rules install`).
    Installing,
    /// `dpkg -i` of the same package again, as an upgrade or reinstall does.
    Upgrading,
    /// `dpkg -r` (prerm remove: `rules uninstall`; postrm remove).
    Removing,
    /// `dpkg -P` (postrm purge).
    Purging,
    /// Deleting the work dir.
    Cleaning,
}

impl Step {
    /// The status name (wazo-plugind's where it has one).
    pub fn name(self) -> &'static str {
        match self {
            Step::Extracting => "extracting",
            Step::Validating => "validating",
            Step::Building => "building",
            Step::Packaging => "packaging",
            Step::Installing => "installing",
            Step::Upgrading => "upgrading",
            Step::Removing => "removing",
            Step::Purging => "purging",
            Step::Cleaning => "cleaning",
        }
    }
}

/// How a step ended, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Succeeded.
    Ok,
    /// Failed; the error follows.
    Failed,
    /// Not run (for example the maintainer steps without isolation).
    Skipped,
    /// Failed the way it does for every plugin, not because of this one (the purge quirk): the
    /// report has a note, not an error.
    Expected,
}

/// Receives progress events; the CLI prints them, tests record them.
pub trait Progress {
    /// A step begins.
    fn step_started(&mut self, step: Step);
    /// A step ended.
    fn step_finished(&mut self, step: Step, status: StepStatus, elapsed: Duration);
    /// One line of output from the step's process.
    fn output(&mut self, line: &str);
    /// The work dir is kept (`--keep-work`) at `dir`: told as soon as it exists, so the caller
    /// can show it whatever the outcome.
    fn work_dir(&mut self, dir: &std::path::Path) {
        let _ = dir;
    }
    /// Which plugin the next steps are for, when `test` runs more than one (a dependency, the
    /// old version of `--upgrade-from`).
    fn note(&mut self, _line: &str) {}
}

/// Ignores every event.
#[derive(Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn step_started(&mut self, _: Step) {}
    fn step_finished(&mut self, _: Step, _: StepStatus, _: Duration) {}
    fn output(&mut self, _: &str) {}
}

/// Settings shared by every command.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time limit of each step, and of each phase of ours (copying, writing the `.deb`).
    pub timeout: Duration,
    /// Keep the work dir instead of deleting it.
    pub keep_work: bool,
    /// Run the maintainer steps (rules install, uninstall, postrm) even without isolation, on
    /// the host itself.
    pub unsafe_host: bool,
    /// Which confinement to use (the command line maps `WAZO_PLUGIN_ISOLATION` to it).
    pub isolation: isolation::Choice,
    /// Share the host's network with the steps (builds download); false gives them a new, empty
    /// network namespace (`--no-network`).
    pub network: bool,
    /// `SOURCE_DATE_EPOCH` (the caller reads it): the latest mtime written into the .deb, whose
    /// entries otherwise keep their files' own.
    pub source_date_epoch: Option<u64>,
    /// `--rootfs`: the cached Wazo-like root the steps run in (a copy of it per run, see
    /// [`rootfs::system`]); `None` runs them against the host.
    pub rootfs: Option<rootfs::Root>,
    /// Canned output of the stubs (`[test.stubs]` of the configuration file).
    pub stub_answers: Vec<stubs::Answer>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            keep_work: false,
            unsafe_host: false,
            isolation: isolation::Choice::Auto,
            network: true,
            source_date_epoch: None,
            rootfs: None,
            stub_answers: Vec::new(),
        }
    }
}

/// Default per-step timeout: generous, builds may download and compile.
pub const DEFAULT_TIMEOUT_SECS: u64 = 1800;

/// `text` with control characters (and other non-printing ones) escaped as `\xNN` / `\u{..}`,
/// for printing a step's output or a file name a step chose on the user's terminal.
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(super::escape_control("ok\tline"), "ok\tline");
        assert_eq!(
            super::escape_control("\u{1b}]0;pwned\u{7}x\r"),
            "\\x1b]0;pwned\\x07x\\x0d"
        );
        assert_eq!(super::escape_control("a\u{202e}b"), "a\\u{202e}b");
    }
}
