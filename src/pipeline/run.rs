//! Running one step: its own process group, a timeout, merged stdout/stderr captured line by line.

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, killpg, sigaction};
use nix::unistd::Pid;

/// How many output lines a failed step keeps for its report.
pub const TAIL_LINES: usize = 40;

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

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: nix::libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Makes SIGINT and SIGTERM stop the running step: its process group is killed and the step
/// ends with [`Exit::Interrupted`]. Steps run in their own process group, so the terminal's
/// Ctrl-C does not reach them directly; the CLI calls this once at start.
pub fn install_interrupt_handler() -> io::Result<()> {
    let action = SigAction::new(
        SigHandler::Handler(on_interrupt),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for sig in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: the handler only stores to an atomic.
        unsafe { sigaction(sig, &action) }.map_err(io::Error::from)?;
    }
    Ok(())
}

/// True once SIGINT or SIGTERM arrived (after [`install_interrupt_handler`]).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
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
}

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
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    // Drop our copies of the write end (held by `cmd`) so EOF arrives when the group is gone.
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let pgid = Pid::from_raw(child.id() as i32);
    let (tx, rx) = mpsc::channel::<String>();
    let reader_thread = std::thread::spawn(move || {
        for line in BufReader::new(reader).split(b'\n') {
            let Ok(line) = line else { break };
            if tx
                .send(String::from_utf8_lossy(&line).into_owned())
                .is_err()
            {
                break;
            }
        }
    });
    let mut tail = VecDeque::with_capacity(TAIL_LINES);
    let mut take = |line: String, on_line: &mut dyn FnMut(&str)| {
        on_line(&line);
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
