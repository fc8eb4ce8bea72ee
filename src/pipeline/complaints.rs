//! Lines of a step's output where one of its own commands says it failed.
//!
//! A `wazo/rules` without `set -e` (or with `|| true`) goes on after a command fails and exits
//! 0: `sed -i` on a file that does not exist fails at every step and the step succeeds. The
//! failing command still says so on its output, in the forms the C library, the shells and
//! patch print. This module recognises those lines, and only those:
//!
//! - `PROG: ...: No such file or directory`, `...: Permission denied`, `...: not found`
//!   (dash's `sh: 1: foo: not found`, bash's `foo: command not found`), `PROG: cannot ...` /
//!   `PROG: can't ...`: a line that starts with a program name and a colon (`sed:`,
//!   `/bin/sh: 3:`, `cp:`, `wazo/rules: line 5:`), then the phrase;
//! - patch's `Hunk #N FAILED at L.` and `Hunk #N ignored at L.` (which have no prefix).
//!
//! Never flagged: our own messages (`wazo-plugin: ...`, the stubs' refusals) and dpkg's
//! (`dpkg: ...`, which reports its own problems through its exit status and its warnings), and
//! a line where the phrase is not preceded by a `PROG:` prefix (a progress message such as
//! `checking for foo... not found` of a configure script, or prose).

/// The phrases of a failed command, after a `PROG:` prefix.
const PHRASES: &[&str] = &[
    "No such file or directory",
    "Permission denied",
    ": not found",
    "command not found",
    ": cannot ",
    ": can't ",
];

/// Prefixes of lines that are ours or dpkg's, never the step's own commands.
const NOT_THEIRS: &[&str] = &["wazo-plugin:", "dpkg:", "dpkg-deb:", "dpkg-query:"];

/// True when `line` is a program's report of its own failure (see the module documentation).
pub fn is_complaint(line: &str) -> bool {
    let line = line.trim_start_matches(['+', ' ', '\t']);
    if NOT_THEIRS.iter().any(|p| line.starts_with(p)) {
        return false;
    }
    if is_hunk_failure(line) {
        return true;
    }
    let Some(colon) = line.find(':') else {
        return false;
    };
    let prog = &line[..colon];
    // A program name or path: no spaces (bash's `rules: line 5:` has one, after the colon).
    if prog.is_empty() || prog.contains(char::is_whitespace) {
        return false;
    }
    let rest = &line[colon..];
    PHRASES.iter().any(|p| rest.contains(p))
}

/// patch: `Hunk #2 FAILED at 14.`, `Hunk #1 ignored at 3.` (possibly after `N out of M` text).
fn is_hunk_failure(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("Hunk #") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (rest[digits..].starts_with(" FAILED") || rest[digits..].starts_with(" ignored"))
}

/// The most lines kept per step (a loop failing a thousand times needs only a few examples).
pub const MAX_KEPT: usize = 20;

/// Collects the complaints of one step's output, in order, at most [`MAX_KEPT`], and counts
/// the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Complaints {
    /// The lines kept.
    pub lines: Vec<String>,
    /// How many more matched.
    pub more: usize,
}

impl Complaints {
    /// Looks at one output line.
    pub fn see(&mut self, line: &str) {
        if is_complaint(line) {
            if self.lines.len() < MAX_KEPT {
                self.lines.push(line.to_string());
            } else {
                self.more += 1;
            }
        }
    }

    /// True when none matched.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The warning for a step that succeeded although its commands complained, or `None`.
    pub fn warning(&self, command: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut text = format!(
            "`{command}` exited 0, but commands in it failed (a Wazo server would run it the same way and go on with what is missing):"
        );
        for l in &self.lines {
            text.push_str("\n  | ");
            text.push_str(l);
        }
        if self.more > 0 {
            text.push_str(&format!("\n  | ... and {} more such lines", self.more));
        }
        Some(text)
    }
}

/// The command a failed step's output last names as failing (`sed` in `sed: can't read x: No
/// such file or directory`), from its last complaint line.
pub fn last_failing_command(tail: &[String]) -> Option<String> {
    let line = tail.iter().rev().find(|l| is_complaint(l))?;
    let line = line.trim_start_matches(['+', ' ', '\t']);
    if is_hunk_failure(line) {
        return Some("patch".into());
    }
    let prog = &line[..line.find(':')?];
    let name = prog.rsplit('/').next().unwrap_or(prog);
    // `sh: 1: foo: not found`: the command is the one not found.
    if matches!(name, "sh" | "dash" | "bash" | "rules") || prog.ends_with("wazo/rules") {
        let mut parts = line.split(": ");
        let _ = parts.next();
        let fields: Vec<&str> = parts.collect();
        if let Some(i) = fields
            .iter()
            .position(|f| *f == "not found" || *f == "command not found")
            && i > 0
        {
            return Some(fields[i - 1].to_string());
        }
    }
    Some(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_what_failing_commands_print() {
        for line in [
            "sed: can't read /etc/wazo-dird/conf.d/x.yml: No such file or directory",
            "cp: cannot stat 'helloworld.conf': No such file or directory",
            "mkdir: cannot create directory '/etc/x': Permission denied",
            "/bin/sh: 3: wazo-foo: not found",
            "/tmp/w/plugin/wazo/rules: 12: python: not found",
            "wazo/rules: line 5: pip: command not found",
            "ln: cannot remove 'x': Permission denied",
            "Hunk #1 FAILED at 12.",
            "Hunk #2 ignored at 30.",
            "+ sed: can't read x: No such file or directory",
            "FileNotFoundError: [Errno 2] No such file or directory: 'x'",
        ] {
            assert!(is_complaint(line), "{line}");
        }
    }

    #[test]
    fn leaves_ours_dpkgs_and_prose_alone() {
        for line in [
            "wazo-plugin: 'apt-get' is refused here: maintainer scripts run inside dpkg and cannot install or remove packages; use debian_depends",
            "dpkg: warning: while removing x, directory '/var/lib/x' not empty so not removed",
            "dpkg: error processing package x (--configure): cannot access archive: No such file or directory",
            "checking for foo... not found",
            "this cannot happen",
            "No such file or directory",
            "Hunk #1 succeeded at 12.",
            "Hunk # FAILED",
            "Collecting requests: done",
            "",
        ] {
            assert!(!is_complaint(line), "{line}");
        }
    }

    #[test]
    fn keeps_a_bounded_number() {
        let mut c = Complaints::default();
        for _ in 0..MAX_KEPT + 3 {
            c.see("sed: can't read x: No such file or directory");
        }
        c.see("fine");
        assert_eq!(c.lines.len(), MAX_KEPT);
        assert_eq!(c.more, 3);
        let w = c.warning("wazo/rules build").unwrap();
        assert!(w.ends_with("... and 3 more such lines"), "{w}");
        assert_eq!(Complaints::default().warning("x"), None);
    }

    #[test]
    fn names_the_last_failing_command() {
        let tail = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            last_failing_command(&tail(&[
                "cp: cannot stat 'a': No such file or directory",
                "building",
                "/usr/bin/sed: can't read b: No such file or directory",
                "done",
            ])),
            Some("sed".into())
        );
        assert_eq!(
            last_failing_command(&tail(&["/w/plugin/wazo/rules: 4: python: not found"])),
            Some("python".into())
        );
        assert_eq!(
            last_failing_command(&tail(&["wazo/rules: line 5: pip: command not found"])),
            Some("pip".into())
        );
        assert_eq!(
            last_failing_command(&tail(&["Hunk #1 FAILED at 2."])),
            Some("patch".into())
        );
        assert_eq!(last_failing_command(&tail(&["gcc exited 1"])), None);
    }
}
