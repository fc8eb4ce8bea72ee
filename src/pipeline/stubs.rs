//! Stand-ins for the commands a Wazo host has and a developer machine lacks.
//!
//! During the maintainer steps a directory of small `sh` scripts comes first on `PATH`. Each
//! service stub records its call in a log and exits 0; `apt-get`, `apt` and `dpkg` are refused
//! (a maintainer script runs inside dpkg and cannot install packages).
//!
//! A stub can answer: given [`Answer`]s (the `[test.stubs]` table of the configuration file),
//! a call whose command line matches a pattern prints that answer's output. The command line is
//! the one the report shows ([`StubCall::command_line`]: arguments single-quoted when they hold
//! anything but letters, digits and `-_./=:,@%+`); a pattern matches it whole, `*` standing for
//! any run of characters and `?` for one, every other character for itself. The most specific
//! pattern wins: one without `*` or `?` first, then the longest. The stub itself matches (a
//! `case` of `sh`), and logs which answer it gave.

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
    /// The canned answer it printed: its index in the answers given to [`Stubs::create_with`].
    pub answer: Option<usize>,
}

/// Canned output for the stub calls whose command line matches `pattern` (see the module
/// documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The command line, exact or with `*` and `?`.
    pub pattern: String,
    /// What the stub prints (a newline is added when it has none).
    pub output: String,
}

impl Answer {
    fn is_glob(&self) -> bool {
        self.pattern.contains(['*', '?'])
    }

    /// Whether `line` (a [`StubCall::command_line`]) matches the pattern.
    pub fn matches(&self, line: &str) -> bool {
        fn go(p: &[char], s: &[char]) -> bool {
            match p.split_first() {
                None => s.is_empty(),
                Some(('*', rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
                Some(('?', rest)) => !s.is_empty() && go(rest, &s[1..]),
                Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
            }
        }
        let p: Vec<char> = self.pattern.chars().collect();
        let s: Vec<char> = line.chars().collect();
        go(&p, &s)
    }

    /// The pattern as a `case` pattern of `sh`: literal text single-quoted, `*` and `?` bare.
    fn case_pattern(&self) -> String {
        let mut out = String::new();
        let mut literal = String::new();
        let flush = |literal: &mut String, out: &mut String| {
            if !literal.is_empty() {
                out.push('\'');
                out.push_str(&literal.replace('\'', r"'\''"));
                out.push('\'');
                literal.clear();
            }
        };
        for c in self.pattern.chars() {
            if c == '*' || c == '?' {
                flush(&mut literal, &mut out);
                out.push(c);
            } else {
                literal.push(c);
            }
        }
        flush(&mut literal, &mut out);
        if out.is_empty() {
            out.push_str("''");
        }
        out
    }
}

/// `answers` in the order they are tried: exact patterns first, then the longest globs.
pub fn ordered(answers: &[Answer]) -> Vec<(usize, &Answer)> {
    let mut out: Vec<(usize, &Answer)> = answers.iter().enumerate().collect();
    out.sort_by(|(i, a), (j, b)| {
        a.is_glob()
            .cmp(&b.is_glob())
            .then(b.pattern.len().cmp(&a.pattern.len()))
            .then(i.cmp(j))
    });
    out
}

/// The index of the answer a call with command line `line` gets, as the stub chooses it.
pub fn answer_for(answers: &[Answer], line: &str) -> Option<usize> {
    ordered(answers)
        .into_iter()
        .find(|(_, a)| a.matches(line))
        .map(|(i, _)| i)
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
    /// The answers the stubs give.
    pub answers: Vec<Answer>,
}

/// The largest call log read back (a step could fill it).
const LOG_LIMIT: u64 = 1 << 20;

/// The part of a stub that builds its command line as [`StubCall::command_line`] does, matches
/// it against the answers (in [`ordered`] order) and prints the one found, logging its index.
const QUOTE_ARGS: &str = r#"_wp_line=$_wp_name
for _wp_a in "$@"; do
  case $_wp_a in
    '' | *[!A-Za-z0-9_./=:,@%+-]*)
      _wp_q=$(printf '%s' "$_wp_a" | sed "s/'/'\''/g"; echo x)
      _wp_line="$_wp_line '${_wp_q%x}'" ;;
    *) _wp_line="$_wp_line $_wp_a" ;;
  esac
done
"#;

fn sh_single(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn stub_script(name: &str, log: &Path, refused: bool, answers: &[Answer], dir: &Path) -> String {
    let log_q = sh_single(&log.to_string_lossy());
    let mut s = format!(
        "#!/bin/sh\n# wazo-plugin stub for {name}\n{{ printf 'CALL %s\\n' '{}{name}'\n  for a in \"$@\"; do printf 'ARG %s\\n' \"$a\"; done; }} >> {log_q}\n",
        if refused { "!" } else { "" },
    );
    if !refused && !answers.is_empty() {
        s.push_str(&format!("LC_ALL=C\n_wp_name={}\n", sh_single(name)));
        s.push_str(QUOTE_ARGS);
        s.push_str("case $_wp_line in\n");
        for (i, a) in ordered(answers) {
            let file = dir.join("answers").join(i.to_string());
            s.push_str(&format!(
                "  {})\n    printf 'ANSWER {i}\\nEND\\n' >> {log_q}\n    cat {}\n    exit 0 ;;\n",
                a.case_pattern(),
                sh_single(&file.to_string_lossy())
            ));
        }
        s.push_str("esac\n");
    }
    s.push_str(&format!("printf 'END\\n' >> {log_q}\n"));
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
        Stubs::create_with(base, &[])
    }

    /// [`Stubs::create`] with stubs that answer as `answers` say.
    pub fn create_with(base: &Path, answers: &[Answer]) -> io::Result<Stubs> {
        use super::safe_fs::{mkdir_all_beneath, write_beneath};
        mkdir_all_beneath(base, Path::new("stubs"))?;
        mkdir_all_beneath(base, Path::new("stubs-log"))?;
        let dir = base.join("stubs");
        let log_dir = base.join("stubs-log");
        let log = log_dir.join("calls.log");
        write_beneath(base, Path::new("stubs-log/calls.log"), b"", 0o666, true)?;
        if !answers.is_empty() {
            mkdir_all_beneath(base, Path::new("stubs/answers"))?;
        }
        for (i, a) in answers.iter().enumerate() {
            let mut text = a.output.clone();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            let rel = Path::new("stubs/answers").join(i.to_string());
            write_beneath(base, &rel, text.as_bytes(), 0o644, true)?;
        }
        for (names, refused) in [(RECORDED, false), (REFUSED, true)] {
            for name in names {
                let rel = Path::new("stubs").join(name);
                write_beneath(
                    base,
                    &rel,
                    stub_script(name, &log, refused, answers, &dir).as_bytes(),
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
            answers: answers.to_vec(),
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
                stub_script(name, &self.log, false, &self.answers, &self.dir).as_bytes(),
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
                answer: None,
            });
        } else if let Some(arg) = line.strip_prefix("ARG ") {
            if let Some(c) = current.as_mut() {
                c.args.push(arg.to_string());
            }
        } else if let Some(n) = line.strip_prefix("ANSWER ") {
            if let Some(c) = current.as_mut() {
                c.answer = n.parse().ok();
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

    fn answer(pattern: &str, output: &str) -> Answer {
        Answer {
            pattern: pattern.into(),
            output: output.into(),
        }
    }

    #[test]
    fn patterns_match_whole_command_lines() {
        let a = answer("asterisk -rx 'core show version'", "");
        assert!(a.matches("asterisk -rx 'core show version'"));
        assert!(!a.matches("asterisk -rx 'core show version' x"));
        let g = answer("asterisk -rx 'core *'", "");
        assert!(g.matches("asterisk -rx 'core show channels'"));
        assert!(!g.matches("asterisk -x 'core show channels'"));
        assert!(answer("systemctl ? x", "").matches("systemctl a x"));
        let all = [g.clone(), a.clone(), answer("*", "")];
        assert_eq!(
            answer_for(&all, "asterisk -rx 'core show version'"),
            Some(1)
        );
        assert_eq!(answer_for(&all, "asterisk -rx 'core reload'"), Some(0));
        assert_eq!(answer_for(&all, "systemctl restart x"), Some(2));
        assert_eq!(answer_for(&all[..2], "systemctl restart x"), None);
    }

    #[test]
    fn stubs_answer_as_configured() {
        let dir = tempfile::tempdir().unwrap();
        let answers = [
            answer("asterisk -rx 'core show version'", "Asterisk 20.x"),
            answer("wazo-auth-keys *", "it's \"quoted\" $HOME `x`\n"),
            answer("asterisk -rx 'core show *'", "glob"),
        ];
        let stubs = Stubs::create_with(dir.path(), &answers).unwrap();
        let out = std::process::Command::new("sh")
            .args([
                "-c",
                "asterisk -rx 'core show version'; asterisk -rx 'core show channels'; wazo-auth-keys service update --arg \"it's\"; asterisk -rx 'dialplan reload'; systemctl restart 'a*b'",
            ])
            .env("PATH", stubs.path_env())
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "Asterisk 20.x\nglob\nit's \"quoted\" $HOME `x`\n"
        );
        let calls = stubs.calls().unwrap();
        let got: Vec<(String, Option<usize>)> =
            calls.iter().map(|c| (c.command_line(), c.answer)).collect();
        assert_eq!(
            got,
            [
                ("asterisk -rx 'core show version'".to_string(), Some(0)),
                ("asterisk -rx 'core show channels'".to_string(), Some(2)),
                (
                    "wazo-auth-keys service update --arg 'it'\\''s'".to_string(),
                    Some(1)
                ),
                ("asterisk -rx 'dialplan reload'".to_string(), None),
                ("systemctl restart 'a*b'".to_string(), None),
            ]
        );
        // The stub's choice is the one the report computes.
        for c in &calls {
            assert_eq!(answer_for(&answers, &c.command_line()), c.answer);
        }
    }
}
