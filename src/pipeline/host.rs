//! What the host mode borrows from the host: its tools (python3, /bin/sh) and its installed
//! Debian packages, compared with what the target Wazo release has.
//!
//! Without a Wazo-like root the steps run the host's programs: `rules build` and `rules
//! package` with the caller's `PATH` (a pyenv first on it gives them another python3), the
//! maintainer steps with the stubs and the standard directories (`/usr/bin`, ...). The report
//! says which python3 each used, and warns when its version is not the target release's.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::wazo::releases::Release;

/// `PATH` of the maintainer steps after the stubs (see `Stubs::path_env`).
pub const STEP_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// A program the steps find, and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    /// Where it is.
    pub path: PathBuf,
    /// `3.11.2` for python3; `None` when it did not say.
    pub version: Option<String>,
}

/// The host tools the steps use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostTools {
    /// The python3 of `rules build` / `rules package` (the caller's `PATH`).
    pub build_python3: Option<Tool>,
    /// The python3 of the maintainer steps ([`STEP_PATH`]).
    pub step_python3: Option<Tool>,
    /// What `/bin/sh` is (`dash`, `bash`), from its link.
    pub sh: Option<String>,
    /// The release compared with.
    pub target: Release,
}

fn python_version(path: &Path) -> Option<String> {
    let out = Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    // `Python 3.11.2` on stdout (stderr before 3.4).
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    let text = String::from_utf8_lossy(&text);
    let v = text.trim().strip_prefix("Python ")?;
    Some(super::escape_control(v).into_owned())
}

fn find(path_env: Option<&std::ffi::OsStr>, name: &str) -> Option<Tool> {
    let cwd = std::env::current_dir().ok()?;
    let path = which::which_in(name, path_env, cwd).ok()?;
    let version = python_version(&path);
    Some(Tool { path, version })
}

/// Looks the tools up: python3 on the caller's `PATH` (`caller_path`) and on [`STEP_PATH`].
pub fn tools(caller_path: Option<&std::ffi::OsStr>, target: Release) -> HostTools {
    let sh = std::fs::canonicalize("/bin/sh").ok().and_then(|p| {
        p.file_name()
            .map(|n| super::escape_control(&n.to_string_lossy()).into_owned())
    });
    HostTools {
        build_python3: find(caller_path, "python3"),
        step_python3: find(Some(STEP_PATH.as_ref()), "python3"),
        sh,
        target,
    }
}

/// `3.11` of `3.11.2`.
fn major_minor(v: &str) -> &str {
    let mut dots = v.match_indices('.');
    let _ = dots.next();
    match dots.next() {
        Some((i, _)) => &v[..i],
        None => v,
    }
}

impl HostTools {
    /// One line per tool: `python3 (build, package): /usr/bin/python3, Python 3.11.2`.
    pub fn describe(&self) -> Vec<String> {
        let tool = |t: &Option<Tool>| match t {
            Some(t) => format!(
                "{}, Python {}",
                super::escape_control(&t.path.to_string_lossy()),
                t.version.as_deref().unwrap_or("(version unknown)")
            ),
            None => "none".into(),
        };
        let mut out = vec![
            format!(
                "python3 of rules build and package (your PATH): {}",
                tool(&self.build_python3)
            ),
            format!(
                "python3 of the maintainer steps: {}",
                tool(&self.step_python3)
            ),
        ];
        if let Some(sh) = &self.sh {
            out.push(format!("/bin/sh: {sh}"));
        }
        out
    }

    /// Warnings where the host differs from the target release: another Python, no python3,
    /// a /bin/sh that is not dash.
    pub fn warnings(&self) -> Vec<String> {
        let t = &self.target;
        let mut out = Vec::new();
        for (what, tool) in [
            ("rules build and package", &self.build_python3),
            ("the maintainer steps", &self.step_python3),
        ] {
            match tool {
                None => out.push(format!(
                    "host mode: no python3 for {what}; Wazo {} has Python {} (Debian {})",
                    t.name, t.python, t.debian
                )),
                Some(Tool {
                    path,
                    version: Some(v),
                }) if major_minor(v) != t.python => out.push(format!(
                    "host mode: {what} use {} (Python {v}), Wazo {} has Python {} (Debian {}): what works here may not work there; --rootfs runs the steps on the release's own",
                    super::escape_control(&path.to_string_lossy()),
                    t.name,
                    t.python,
                    t.debian
                )),
                _ => {}
            }
        }
        if let Some(sh) = &self.sh
            && sh != "dash"
        {
            out.push(format!(
                "host mode: /bin/sh is {sh} here, dash on Wazo {} (Debian {}): bashisms under #!/bin/sh work here and fail there",
                t.name, t.debian
            ));
        }
        out
    }
}

/// The package names of one `debian_depends` entry: `a (>= 1) | b` gives `a`, `b`.
fn names_of(entry: &str) -> Vec<String> {
    entry
        .split('|')
        .filter_map(|alt| {
            let name = alt
                .trim()
                .split(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == ':')
                .next()?;
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

fn installed_on_host(name: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Status}", "--", name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout == b"installed")
}

/// The entries of `debian_depends` the host does not have installed (none of an entry's
/// alternatives is): in host mode nothing installs them (dpkg runs with `--force-depends`), so
/// a step that needs one fails here. Empty without `dpkg-query`.
pub fn missing_debian_depends(debian_depends: &[String]) -> Vec<String> {
    if which::which("dpkg-query").is_err() {
        return Vec::new();
    }
    debian_depends
        .iter()
        .filter(|e| {
            let names = names_of(e);
            !names.is_empty() && !names.iter().any(|n| installed_on_host(n))
        })
        .cloned()
        .collect()
}

/// The note a failed step gets when `debian_depends` lacks on the host (`missing`, from
/// [`missing_debian_depends`]).
pub fn missing_depends_note(missing: &[String]) -> Option<String> {
    (!missing.is_empty()).then(|| {
        format!(
            "debian_depends not installed on this host: {} (host mode installs no dependency: dpkg ran with --force-depends and the steps use the host's packages); the failure may come from it: install it here, or use --rootfs",
            missing.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(python: &'static str) -> Release {
        Release {
            name: "25.15".into(),
            debian: 12,
            codename: "bookworm",
            python,
        }
    }

    #[test]
    fn warns_when_python_differs() {
        let tools = HostTools {
            build_python3: Some(Tool {
                path: "/home/u/.pyenv/shims/python3".into(),
                version: Some("3.13.1".into()),
            }),
            step_python3: Some(Tool {
                path: "/usr/bin/python3".into(),
                version: Some("3.11.2".into()),
            }),
            sh: Some("dash".into()),
            target: release("3.11"),
        };
        let w = tools.warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("/home/u/.pyenv/shims/python3 (Python 3.13.1)"),
            "{w:?}"
        );
        assert!(w[0].contains("Wazo 25.15 has Python 3.11"), "{w:?}");
        let d = tools.describe();
        assert!(d[1].ends_with("/usr/bin/python3, Python 3.11.2"), "{d:?}");
        let bash = HostTools {
            sh: Some("bash".into()),
            step_python3: None,
            ..tools
        };
        let w = bash.warnings();
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(
            w[1].contains("no python3 for the maintainer steps"),
            "{w:?}"
        );
        assert!(w[2].contains("/bin/sh is bash"), "{w:?}");
    }

    #[test]
    fn versions_compare_on_major_minor() {
        assert_eq!(major_minor("3.11.2"), "3.11");
        assert_eq!(major_minor("3.11"), "3.11");
        assert_eq!(major_minor("3"), "3");
    }

    #[test]
    fn depends_entries_give_their_names() {
        assert_eq!(names_of("python3-requests (>= 2)"), ["python3-requests"]);
        assert_eq!(names_of("a | b [amd64]"), ["a", "b"]);
        assert_eq!(names_of("libc6:amd64"), ["libc6"]);
        assert!(names_of(" ").is_empty());
    }

    #[test]
    fn a_package_the_host_lacks_is_named() {
        if which::which("dpkg-query").is_err() {
            assert!(
                std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() != Ok("1"),
                "dpkg-query is required when WAZO_PLUGIN_TEST_STRICT=1"
            );
            eprintln!("skipped: dpkg-query is not on PATH");
            return;
        }
        let missing = missing_debian_depends(&[
            "dpkg".into(),
            "wazo-plugin-no-such-package-xyz (>= 1)".into(),
            "wazo-plugin-no-such-package-xyz | dpkg".into(),
        ]);
        assert_eq!(missing, ["wazo-plugin-no-such-package-xyz (>= 1)"]);
        let note = missing_depends_note(&missing).unwrap();
        assert!(
            note.contains("wazo-plugin-no-such-package-xyz (>= 1)"),
            "{note}"
        );
    }
}
