//! Stand-ins for the commands a Wazo host has and a developer machine lacks.
//!
//! During the maintainer steps a directory of small `sh` scripts comes first on `PATH`. Each
//! service stub records its call in a log and exits 0; `apt-get`, `apt` and `dpkg` are refused
//! (a maintainer script runs inside dpkg and cannot install packages).

use std::io;
use std::path::{Path, PathBuf};

/// Commands recorded and answered with success.
pub const RECORDED: &[&str] = &[
    "systemctl",
    "service",
    "asterisk",
    "wazo-auth-keys",
    "wazo-auth-cli",
    "wazo-plugind-cli",
    "wazo-service",
    "xivo-service",
    "consul",
    "invoke-rc.d",
    "deb-systemd-invoke",
];

/// Absolute paths scripts call directly; stubbed inside the sandbox when the host lacks them.
pub const ABSOLUTE: &[&str] = &[
    "/usr/sbin/asterisk",
    "/usr/bin/wazo-auth-cli",
    "/usr/bin/wazo-plugind-cli",
];

/// The absolute stubs placed under bubblewrap: each directory holding one has every host entry
/// linked into the prefix for the step, which costs about a millisecond per entry, and
/// `/usr/bin` has thousands.
pub const ABSOLUTE_BWRAP: &[&str] = &["/usr/sbin/asterisk"];

/// Commands refused with a message and exit status 1.
pub const REFUSED: &[&str] = &["apt-get", "apt", "dpkg", "gdebi"];

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubCall {
    /// The command name.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// True when the stub refused the call.
    pub refused: bool,
}

impl StubCall {
    /// The call as a shell command line, arguments quoted when needed:
    /// `asterisk -x 'dialplan reload'`.
    pub fn command_line(&self) -> String {
        let mut out = self.program.clone();
        for a in &self.args {
            out.push(' ');
            out.push_str(&shell_quote(a));
        }
        out
    }
}

fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The stub directory and its call log.
#[derive(Debug, Clone)]
pub struct Stubs {
    /// The work dir holding both.
    pub base: PathBuf,
    /// Directory to put first on `PATH` (`<base>/stubs`, read-only for the steps).
    pub dir: PathBuf,
    /// Directory of the log (`<base>/stubs-log`, the only part the steps may write).
    pub log_dir: PathBuf,
    /// Log the stubs append to.
    pub log: PathBuf,
}

/// The largest call log read back (a step could fill it).
const LOG_LIMIT: u64 = 1 << 20;

fn stub_script(name: &str, log: &Path, refused: bool) -> String {
    let mut s = format!(
        "#!/bin/sh\n# wazo-plugin stub for {name}\n{{ printf 'CALL %s\\n' '{}{name}'\n  for a in \"$@\"; do printf 'ARG %s\\n' \"$a\"; done\n  printf 'END\\n'; }} >> '{}'\n",
        if refused { "!" } else { "" },
        log.display()
    );
    if refused {
        s.push_str(&format!(
            "echo \"wazo-plugin: '{name}' is refused here: maintainer scripts run inside dpkg and cannot install or remove packages; use debian_depends\" >&2\nexit 1\n"
        ));
    } else {
        s.push_str("exit 0\n");
    }
    s
}

impl Stubs {
    /// Writes the stubs into `<base>/stubs`, logging to `<base>/stubs-log/calls.log`, without
    /// following any link an earlier step could have planted there.
    pub fn create(base: &Path) -> io::Result<Stubs> {
        use super::safe_fs::{mkdir_all_beneath, write_beneath};
        mkdir_all_beneath(base, Path::new("stubs"))?;
        mkdir_all_beneath(base, Path::new("stubs-log"))?;
        let dir = base.join("stubs");
        let log_dir = base.join("stubs-log");
        let log = log_dir.join("calls.log");
        write_beneath(base, Path::new("stubs-log/calls.log"), b"", 0o666, true)?;
        for (names, refused) in [(RECORDED, false), (REFUSED, true)] {
            for name in names {
                let rel = Path::new("stubs").join(name);
                write_beneath(
                    base,
                    &rel,
                    stub_script(name, &log, refused).as_bytes(),
                    0o755,
                    true,
                )?;
            }
        }
        Ok(Stubs {
            base: base.to_path_buf(),
            dir,
            log_dir,
            log,
        })
    }

    /// Puts a stub at each path of `which` ([`ABSOLUTE`], [`ABSOLUTE_BWRAP`]) under `prefix` that
    /// neither the host nor the prefix has (the prefix stands in for `/`, so the script sees
    /// `/usr/sbin/asterisk`), never through a symlink in the prefix. Returns the paths created
    /// (relative to `prefix`), for [`Stubs::remove_absolute`].
    pub fn place_absolute(&self, prefix: &Path, which: &[&str]) -> io::Result<Vec<PathBuf>> {
        let mut placed = Vec::new();
        for abs in which {
            let rel = PathBuf::from(abs.trim_start_matches('/'));
            if Path::new(abs).exists() || prefix.join(&rel).symlink_metadata().is_ok() {
                continue;
            }
            let name = abs.rsplit('/').next().unwrap_or(abs);
            super::safe_fs::write_beneath(
                prefix,
                &rel,
                stub_script(name, &self.log, false).as_bytes(),
                0o755,
                false,
            )?;
            placed.push(rel);
        }
        Ok(placed)
    }

    /// Deletes the stubs [`Stubs::place_absolute`] created, never through a link.
    pub fn remove_absolute(prefix: &Path, placed: &[PathBuf]) {
        for rel in placed {
            let _ = super::safe_fs::remove_beneath(prefix, rel);
        }
    }

    /// `PATH` with the stubs first.
    pub fn path_env(&self) -> String {
        format!(
            "{}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            self.dir.display()
        )
    }

    /// The calls recorded so far.
    pub fn calls(&self) -> io::Result<Vec<StubCall>> {
        let bytes =
            super::safe_fs::read_beneath(&self.base, Path::new("stubs-log/calls.log"), LOG_LIMIT)?;
        Ok(parse_log(&String::from_utf8_lossy(&bytes)))
    }

    /// Empties the log.
    pub fn clear(&self) -> io::Result<()> {
        super::safe_fs::write_beneath(
            &self.base,
            Path::new("stubs-log/calls.log"),
            b"",
            0o666,
            true,
        )
    }
}

/// Reads the stubs' log: `CALL [!]program`, then `ARG` lines, then `END` (`!`: refused).
pub(crate) fn parse_log(text: &str) -> Vec<StubCall> {
    let mut calls = Vec::new();
    let mut current: Option<StubCall> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("CALL ") {
            let (refused, program) = match name.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, name),
            };
            current = Some(StubCall {
                program: program.to_string(),
                args: Vec::new(),
                refused,
            });
        } else if let Some(arg) = line.strip_prefix("ARG ") {
            if let Some(c) = current.as_mut() {
                c.args.push(arg.to_string());
            }
        } else if line == "END"
            && let Some(c) = current.take()
        {
            calls.push(c);
        }
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_calls() {
        let dir = tempfile::tempdir().unwrap();
        let stubs = Stubs::create(dir.path()).unwrap();
        let status = std::process::Command::new("sh")
            .args([
                "-c",
                "asterisk -x 'dialplan reload' && systemctl restart wazo-calld; dpkg -i x.deb",
            ])
            .env("PATH", stubs.path_env())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1));
        let calls: Vec<String> = stubs
            .calls()
            .unwrap()
            .iter()
            .map(StubCall::command_line)
            .collect();
        assert_eq!(
            calls,
            [
                "asterisk -x 'dialplan reload'",
                "systemctl restart wazo-calld",
                "dpkg -i x.deb"
            ]
        );
        assert!(stubs.calls().unwrap()[2].refused);
    }
}
