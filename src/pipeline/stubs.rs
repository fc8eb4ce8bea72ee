//! Stand-ins for the commands a Wazo host has and a developer machine lacks.
//!
//! During the maintainer steps a directory of small `sh` scripts comes first on `PATH`. Each
//! service stub records its call in a log and exits 0; `apt-get`, `apt` and `dpkg` are refused
//! (a maintainer script runs inside dpkg and cannot install packages).

use std::io;
use std::os::unix::fs::PermissionsExt;
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
    /// Directory to put first on `PATH`.
    pub dir: PathBuf,
    /// Log the stubs append to.
    pub log: PathBuf,
}

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
    /// Writes the stubs into `dir` (created), logging to `dir/calls.log`.
    pub fn create(dir: &Path) -> io::Result<Stubs> {
        std::fs::create_dir_all(dir)?;
        let log = dir.join("calls.log");
        std::fs::write(&log, "")?;
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o666))?;
        for (names, refused) in [(RECORDED, false), (REFUSED, true)] {
            for name in names {
                let path = dir.join(name);
                std::fs::write(&path, stub_script(name, &log, refused))?;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
            }
        }
        Ok(Stubs {
            dir: dir.to_path_buf(),
            log,
        })
    }

    /// Puts a stub at each path of `which` ([`ABSOLUTE`], [`ABSOLUTE_BWRAP`]) under `prefix` that neither the host nor the
    /// prefix has (the prefix is the sandbox's upper layer, so the script sees `/usr/sbin/asterisk`).
    /// Returns the files created, for [`Stubs::remove_absolute`].
    pub fn place_absolute(&self, prefix: &Path, which: &[&str]) -> io::Result<Vec<PathBuf>> {
        let mut placed = Vec::new();
        for abs in which {
            let inside = prefix.join(abs.trim_start_matches('/'));
            if Path::new(abs).exists() || inside.symlink_metadata().is_ok() {
                continue;
            }
            let name = abs.rsplit('/').next().unwrap_or(abs);
            if let Some(parent) = inside.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&inside, stub_script(name, &self.log, false))?;
            std::fs::set_permissions(&inside, std::fs::Permissions::from_mode(0o755))?;
            placed.push(inside);
        }
        Ok(placed)
    }

    /// Deletes the stubs [`Stubs::place_absolute`] created.
    pub fn remove_absolute(placed: &[PathBuf]) {
        for p in placed {
            let _ = std::fs::remove_file(p);
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
        Ok(parse_log(&std::fs::read_to_string(&self.log)?))
    }

    /// Empties the log.
    pub fn clear(&self) -> io::Result<()> {
        std::fs::write(&self.log, "")
    }
}

fn parse_log(text: &str) -> Vec<StubCall> {
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
        let stubs = Stubs::create(&dir.path().join("stubs")).unwrap();
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
