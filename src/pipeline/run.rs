//! Running one step: its own process group, a timeout, merged stdout/stderr captured line by line.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, killpg, sigaction};
use nix::unistd::Pid;

/// How many output lines a failed step keeps for its report.
pub const TAIL_LINES: usize = 40;

/// The longest line kept (in bytes): the rest of a longer line is dropped, so a step printing
/// a gigabyte without a newline costs no more memory than one printing short lines.
pub const MAX_LINE: usize = 4096;

/// How a step's process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// Exited with this status code.
    Code(i32),
    /// Killed by this signal number.
    Signal(i32),
    /// Still running at the timeout; its whole process group was killed.
    TimedOut(Duration),
    /// Interrupted (Ctrl-C); its whole process group was killed.
    Interrupted,
}

static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_interrupt(sig: nix::libc::c_int) {
    INTERRUPTED.store(sig, Ordering::SeqCst);
}

/// Makes SIGINT, SIGTERM and SIGHUP stop the running step: its process group (and with it
/// bubblewrap's PID namespace) is killed and the step ends with [`Exit::Interrupted`]; the next
/// step does not start. Steps run in their own process group and session, so the terminal's
/// Ctrl-C does not reach them directly; the CLI calls this once at start.
pub fn install_interrupt_handler() -> io::Result<()> {
    let action = SigAction::new(
        SigHandler::Handler(on_interrupt),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        // SAFETY: the handler only stores to an atomic.
        unsafe { sigaction(sig, &action) }.map_err(io::Error::from)?;
    }
    Ok(())
}

/// True once SIGINT, SIGTERM or SIGHUP arrived (after [`install_interrupt_handler`]).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst) != 0
}

/// The signal that interrupted us, if one did.
pub fn interrupt_signal() -> Option<i32> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// Splits a byte stream into lines of at most [`MAX_LINE`] bytes (longer ones are cut and
/// marked), reading in fixed-size chunks: memory stays constant whatever the step prints.
fn read_lines(mut reader: impl Read, mut emit: impl FnMut(String) -> bool) {
    let mut buf = [0u8; 8192];
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut cut = false;
    let finish = |line: &mut Vec<u8>, cut: &mut bool| {
        let mut text = super::escape_control(&String::from_utf8_lossy(line)).into_owned();
        if *cut {
            text.push_str(" [...]");
        }
        line.clear();
        *cut = false;
        text
    };
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                if !emit(finish(&mut line, &mut cut)) {
                    return;
                }
            } else if line.len() < MAX_LINE {
                line.push(b);
            } else {
                cut = true;
            }
        }
    }
    if !line.is_empty() || cut {
        emit(finish(&mut line, &mut cut));
    }
}

impl Exit {
    /// True for exit status 0.
    pub fn success(&self) -> bool {
        *self == Exit::Code(0)
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::Code(c) => write!(f, "exit status {c}"),
            Exit::Signal(s) => write!(f, "killed by signal {s}"),
            Exit::TimedOut(d) => {
                write!(f, "timed out after {}s, process group killed", d.as_secs())
            }
            Exit::Interrupted => write!(f, "interrupted, process group killed"),
        }
    }
}

/// What a finished step produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// How it ended.
    pub exit: Exit,
    /// The last [`TAIL_LINES`] lines of merged stdout and stderr.
    pub tail: Vec<String>,
    /// How long it ran.
    pub elapsed: Duration,
    /// Lines of the whole output where a command said it failed ([`super::complaints`]).
    pub complaints: super::complaints::Complaints,
}

/// The umask every step runs with: wazo-plugind runs under systemd, whose default is 022, so a
/// file a step creates is 0644 on a server whatever the caller's umask (under `umask 077` a `cp`
/// in `rules package` would otherwise package 0600 files).
pub const STEP_UMASK: u32 = 0o022;

/// Spawns `cmd` in a new process group with stdout and stderr merged into one pipe, hands each
/// line to `on_line`, and kills the whole group at `timeout`. After the main process exits the
/// group is killed too, so no background child outlives the step.
pub fn run(
    cmd: &mut Command,
    timeout: Duration,
    on_line: &mut dyn FnMut(&str),
) -> io::Result<Outcome> {
    let (reader, writer) = io::pipe()?;
    cmd.stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .process_group(0);
    // SAFETY: umask is an async-signal-safe syscall.
    unsafe {
        cmd.pre_exec(|| {
            nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(STEP_UMASK));
            Ok(())
        })
    };
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    // Drop our copies of the write end (held by `cmd`) so EOF arrives when the group is gone.
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let pgid = Pid::from_raw(child.id() as i32);
    // Bounded: when the display is slower than the step, the step waits on its pipe.
    let (tx, rx) = mpsc::sync_channel::<String>(256);
    let reader_thread = std::thread::spawn(move || {
        read_lines(reader, |line| tx.send(line).is_ok());
    });
    let mut tail = VecDeque::with_capacity(TAIL_LINES);
    let mut complaints = super::complaints::Complaints::default();
    let mut take = |line: String, on_line: &mut dyn FnMut(&str)| {
        on_line(&line);
        complaints.see(&line);
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    };
    let exit = loop {
        if let Some(status) = child.try_wait()? {
            break match status.code() {
                Some(c) => Exit::Code(c),
                None => Exit::Signal(status.signal().unwrap_or(0)),
            };
        }
        if interrupted() {
            let _ = killpg(pgid, Signal::SIGKILL);
            let _ = child.wait();
            break Exit::Interrupted;
        }
        let left = timeout.saturating_sub(start.elapsed());
        if left.is_zero() {
            let _ = killpg(pgid, Signal::SIGKILL);
            let _ = child.wait();
            break Exit::TimedOut(timeout);
        }
        if let Ok(line) = rx.recv_timeout(left.min(Duration::from_millis(50))) {
            take(line, on_line);
        }
    };
    // Whatever the main process left behind in its group goes too.
    let _ = killpg(pgid, Signal::SIGKILL);
    let drain_until = Instant::now() + Duration::from_secs(2);
    while let Ok(line) = rx.recv_timeout(drain_until.saturating_duration_since(Instant::now())) {
        take(line, on_line);
    }
    if reader_thread.is_finished() {
        let _ = reader_thread.join();
    }
    Ok(Outcome {
        exit,
        tail: tail.into_iter().collect(),
        elapsed: start.elapsed(),
        complaints,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_and_reports_status() {
        let mut lines = Vec::new();
        let out = run(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            Duration::from_secs(10),
            &mut |l| lines.push(l.to_string()),
        )
        .unwrap();
        assert_eq!(out.exit, Exit::Code(3));
        lines.sort();
        assert_eq!(lines, ["err", "out"]);
    }

    #[test]
    fn steps_run_with_umask_022_and_complaints_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        let script = format!(
            "umask; : > {}; sed -i s/a/b/ /nonexistent/x; echo 'dpkg: cannot: No such file or directory'",
            f.display()
        );
        let mut lines = Vec::new();
        let out = run(
            Command::new("sh").args(["-c", &script]),
            Duration::from_secs(10),
            &mut |l| lines.push(l.to_string()),
        )
        .unwrap();
        assert!(out.exit.success());
        assert_eq!(lines[0], "0022");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o644
        );
        assert_eq!(out.complaints.lines.len(), 1, "{:?}", out.complaints);
        assert!(out.complaints.lines[0].starts_with("sed: "));
    }

    #[test]
    fn long_lines_are_cut_and_controls_escaped() {
        let mut lines = Vec::new();
        read_lines(&b"\x1b[2Jhi\nxxxx"[..], |l| {
            lines.push(l);
            true
        });
        assert_eq!(lines, ["\\x1b[2Jhi", "xxxx"]);
        let big = vec![b'a'; MAX_LINE * 3];
        let mut lines = Vec::new();
        read_lines(&big[..], |l| {
            lines.push(l);
            true
        });
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), MAX_LINE + " [...]".len());
    }

    #[test]
    fn timeout_kills_the_group() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let script = format!("sleep 300 & echo $! > {}; wait", pidfile.display());
        let out = run(
            Command::new("sh").args(["-c", &script]),
            Duration::from_millis(500),
            &mut |_| {},
        )
        .unwrap();
        assert!(matches!(out.exit, Exit::TimedOut(_)));
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        // The background sleep is gone (or a zombie reaped by init).
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false);
        assert!(!alive, "background child survived");
    }
}
