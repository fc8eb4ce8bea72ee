//! `test --upgrade-from REF`: install the plugin as it was at a git ref (or a given `.deb`),
//! then upgrade to the working tree's package with `dpkg -i` in the same prefix, as a server
//! that had the old version does when wazo-plugind installs the new one.
//!
//! dpkg's upgrade sequence runs for real: the old package's `prerm upgrade NEW`, the unpacking
//! of the new files (the old ones the new package lacks are deleted), the old `postrm upgrade
//! NEW`, then the new `postinst configure OLD` (the plugin's `rules install`). wazo-plugind's
//! validating step completes without doing anything when the same namespace, name and exact
//! version is installed (wazo-plugind@52b9a36): equal versions are refused, since the upgrade
//! would never run on a server.
//!
//! The old version is read from git without touching the repository: the ref's tree at the
//! plugin's folder is checked out through a temporary index into a temp dir (`git read-tree`,
//! `git checkout-index`), as a clone would lay it out (modes, symlinks, no `export-ignore`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::package::PackageReport;
use super::stage::Work;
use super::{Options, PipelineError, Progress, Step};
use crate::plugin::package::PluginMeta;

/// Where the old version comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A git ref (branch, tag, commit) of the repository holding the plugin.
    Git(String),
    /// A `.deb` built earlier (by wazo-plugind, or by `wazo-plugin package`).
    Deb(PathBuf),
}

impl Source {
    /// `--upgrade-from`'s argument: an existing file, or a name ending in `.deb`, is a `.deb`;
    /// anything else a git ref.
    pub fn parse(arg: &str) -> Source {
        let path = Path::new(arg);
        if path.is_file() || arg.ends_with(".deb") {
            Source::Deb(path.to_path_buf())
        } else {
            Source::Git(arg.to_string())
        }
    }
}

/// What the upgrade did, for the report.
#[derive(Debug, Clone)]
pub struct Upgrade {
    /// Where the old version came from, for people: `git ref v1 at commit 1a2b3c4d5e6f` or
    /// `/path/x.deb`.
    pub from: String,
    /// The old package's version.
    pub old_version: String,
    /// The working tree's version.
    pub new_version: String,
    /// The old version's package, when built here from git.
    pub old_package: Option<PackageReport>,
    /// Files the old package installed.
    pub old_installed: Vec<String>,
    /// Files of the old package that the upgrade deleted (the new one does not ship them).
    pub dropped: Vec<String>,
    /// What dpkg logged for the package during the upgrade step (`upgrade PKG OLD NEW`,
    /// `configure PKG NEW ...`), from the prefix's dpkg.log.
    pub dpkg_log: Vec<String>,
    /// The old version is newer than the new one: dpkg downgrades (wazo-plugind checks only
    /// for the exact same version).
    pub downgrade: bool,
    /// The old version's work dir, when kept (`--keep-work`).
    pub work_dir: Option<PathBuf>,
}

/// The old version, ready to be installed (its work dir lives as long).
pub struct Prepared {
    /// The report, completed as the steps run.
    pub upgrade: Upgrade,
    /// The old `.deb`.
    pub deb: PathBuf,
    _work: Option<Work>,
}

fn usage(message: String) -> PipelineError {
    PipelineError::Usage(message)
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, PipelineError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                usage("--upgrade-from a git ref needs git, which is not installed (give a .deb instead)".into())
            } else {
                PipelineError::Io {
                    step: Step::Extracting,
                    context: "running git".into(),
                    source: e,
                }
            }
        })
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    super::escape_control(text.lines().next().unwrap_or("").trim()).into_owned()
}

/// The plugin at `plugin` as it was at `reference`, checked out into `into`. Returns the
/// description of the source and the folder holding the plugin.
fn checkout(plugin: &Path, reference: &str, into: &Path) -> Result<String, PipelineError> {
    if reference.is_empty() || reference.starts_with('-') {
        return Err(usage(format!(
            "--upgrade-from `{}`: not a git ref",
            reference.escape_debug()
        )));
    }
    let dir = plugin
        .canonicalize()
        .map_err(|e| usage(format!("{}: {e}", plugin.display())))?;
    let top = git(&dir, &["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return Err(usage(format!(
            "--upgrade-from {reference}: {} is not in a git repository ({}); give a .deb instead",
            plugin.display(),
            first_line(&top.stderr)
        )));
    }
    let top = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim_end_matches('\n'));
    let sub = dir
        .strip_prefix(top.canonicalize().unwrap_or_else(|_| top.clone()))
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let commit = git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{reference}^{{commit}}"),
        ],
    )?;
    if !commit.status.success() {
        return Err(usage(format!(
            "--upgrade-from {reference}: no such branch, tag or commit in {}",
            top.display()
        )));
    }
    let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
    let sub_str = sub.to_string_lossy().into_owned();
    let tree = if sub_str.is_empty() {
        commit.clone()
    } else {
        format!("{commit}:{sub_str}")
    };
    let manifest = if sub_str.is_empty() {
        format!("{commit}:wazo/plugin.yml")
    } else {
        format!("{commit}:{sub_str}/wazo/plugin.yml")
    };
    if !git(&top, &["cat-file", "-e", &manifest])?.status.success() {
        let folder = if sub_str.is_empty() { "." } else { &sub_str };
        return Err(usage(format!(
            "--upgrade-from {reference}: {folder} has no wazo/plugin.yml at that ref (was the plugin elsewhere then?)"
        )));
    }
    let index = into.join("index");
    let out = into.join("plugin");
    let prefix = format!("{}/", out.display());
    for args in [
        vec!["read-tree", tree.as_str()],
        vec!["checkout-index", "--all", "--prefix", prefix.as_str()],
    ] {
        let o = Command::new("git")
            .arg("-C")
            .arg(&top)
            .args(&args)
            .env("GIT_INDEX_FILE", &index)
            .stdin(Stdio::null())
            .output()
            .map_err(PipelineError::io(Step::Extracting, "running git"))?;
        if !o.status.success() {
            return Err(PipelineError::Invalid {
                step: Step::Extracting,
                message: format!(
                    "git {} of {reference} failed: {}",
                    args[0],
                    first_line(&o.stderr)
                ),
                hint: "check that the repository is readable and the ref complete (not a shallow clone missing it)".into(),
            });
        }
    }
    let short: String = commit.chars().take(12).collect();
    Ok(format!("git ref {reference} at commit {short}"))
}

/// `Package` and `Version` of a `.deb`, read by dpkg-deb.
fn deb_fields(deb: &Path) -> Result<(String, String), PipelineError> {
    if !deb.is_file() {
        return Err(usage(format!(
            "--upgrade-from {}: no such file",
            deb.display()
        )));
    }
    let out = Command::new("dpkg-deb")
        .arg("--field")
        .arg(deb)
        .args(["Package", "Version"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            usage(format!(
                "--upgrade-from {}: dpkg-deb is needed to read it: {e}",
                deb.display()
            ))
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
    };
    match (out.status.success(), field("Package"), field("Version")) {
        (true, Some(p), Some(v)) => Ok((p, v)),
        _ => Err(usage(format!(
            "--upgrade-from {}: not a .deb dpkg-deb can read ({})",
            deb.display(),
            first_line(&out.stderr)
        ))),
    }
}

/// Whether Debian orders version `a` after `b` (`dpkg --compare-versions a gt b`).
fn newer(a: &str, b: &str) -> bool {
    Command::new("dpkg")
        .args(["--compare-versions", a, "gt", b])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn same_version(version: &str, from: &str) -> PipelineError {
    PipelineError::Invalid {
        step: Step::Validating,
        message: format!(
            "the working tree and {from} are both version {version}: wazo-plugind would skip the upgrade (\"already installed\": its validating step completes without doing anything), so nothing of the new version would run"
        ),
        hint: "raise `version` in wazo/plugin.yml (or upgrade from an older ref)".into(),
    }
}

fn other_package(old: &str, new: &str, from: &str) -> PipelineError {
    usage(format!(
        "--upgrade-from: {from} is package {old}, the working tree {new}: installing one over the other is not an upgrade (a renamed namespace or name makes a second plugin)"
    ))
}

/// Gets the old version ready: checked out and packaged (a git ref) or read (a `.deb`),
/// refused when it is the same version as `new` (the working tree's) or another package.
pub fn prepare(
    plugin: &Path,
    new: &PluginMeta,
    source: &Source,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Prepared, PipelineError> {
    let new_package = new.package_name();
    let mut upgrade = Upgrade {
        from: String::new(),
        old_version: String::new(),
        new_version: new.version.clone(),
        old_package: None,
        old_installed: Vec::new(),
        dropped: Vec::new(),
        dpkg_log: Vec::new(),
        downgrade: false,
        work_dir: None,
    };
    match source {
        Source::Deb(deb) => {
            let (package, version) = deb_fields(deb)?;
            upgrade.from = deb.display().to_string();
            if package != new_package {
                return Err(other_package(&package, &new_package, &upgrade.from));
            }
            if version == new.version {
                return Err(same_version(&version, &upgrade.from));
            }
            upgrade.downgrade = newer(&version, &new.version);
            upgrade.old_version = version;
            let deb = deb
                .canonicalize()
                .map_err(|e| usage(format!("{}: {e}", deb.display())))?;
            Ok(Prepared {
                upgrade,
                deb,
                _work: None,
            })
        }
        Source::Git(reference) => {
            let tmp = tempfile::Builder::new()
                .prefix("wazo-plugin-upgrade-")
                .tempdir()
                .map_err(PipelineError::io(Step::Extracting, "creating a temp dir"))?;
            upgrade.from = checkout(plugin, reference, tmp.path())?;
            let old_dir = tmp.path().join("plugin");
            let display = PathBuf::from(format!("{reference}:{}", plugin.display()));
            let old = crate::plugin::load::Plugin::load(&old_dir, &display);
            let meta = crate::lint::package_gate::package_meta(&old)
                .map_err(|r| PipelineError::Metadata(Box::new(r)))?;
            if meta.package_name() != new_package {
                return Err(other_package(
                    &meta.package_name(),
                    &new_package,
                    &upgrade.from,
                ));
            }
            if meta.version == new.version {
                return Err(same_version(&meta.version, &upgrade.from));
            }
            upgrade.downgrade = newer(&meta.version, &new.version);
            upgrade.old_version = meta.version.clone();
            progress.note(&format!(
                "old version {} from {}: building",
                meta.version, upgrade.from
            ));
            let context = format!("in the old version {} ({})", meta.version, upgrade.from);
            let (work, package) = super::lifecycle::build_and_package(
                &old_dir,
                None,
                opts,
                super::lifecycle::system_at(opts, None),
                progress,
            )
            .map_err(|e| super::tree::within(e, &context))?;
            let deb = package.deb.clone();
            upgrade.old_package = Some(package);
            upgrade.work_dir = opts.keep_work.then(|| work.root.clone());
            Ok(Prepared {
                upgrade,
                deb,
                _work: Some(work),
            })
        }
    }
}

/// The length of the prefix's dpkg.log, to read what a step adds to it.
pub fn log_mark(prefix: &Path) -> u64 {
    std::fs::metadata(prefix.join("var/log/dpkg.log")).map_or(0, |m| m.len())
}

/// The actions dpkg logged for `package` after `mark` (`upgrade PKG:all 1 2`, `configure ...`),
/// without their date.
pub fn logged_since(prefix: &Path, mark: u64, package: &str) -> Vec<String> {
    let Ok(bytes) = std::fs::read(prefix.join("var/log/dpkg.log")) else {
        return Vec::new();
    };
    let start = usize::try_from(mark).unwrap_or(usize::MAX).min(bytes.len());
    String::from_utf8_lossy(&bytes[start..])
        .lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let action = *words.get(2)?;
            let pkg = words.get(3)?.split(':').next()?;
            (matches!(
                action,
                "install" | "upgrade" | "configure" | "remove" | "purge"
            ) && pkg == package)
                .then(|| super::escape_control(&words[2..].join(" ")).into_owned())
        })
        .take(20)
        .collect()
}

impl Prepared {
    /// After the upgrading step: records what dpkg logged since `mark` and what the upgrade
    /// deleted, and puts the new package's files in `installed` (which held the old one's).
    pub fn after_upgrade(
        &mut self,
        prefix: &Path,
        mark: u64,
        package: &str,
        installed: &mut Vec<String>,
    ) {
        let old = std::mem::replace(installed, super::install::installed_list(prefix, package));
        let log = logged_since(prefix, mark, package);
        self.upgrade.record(old, installed, log);
    }
}

impl Upgrade {
    /// Records what the old install left and what the upgrade changed.
    pub fn record(
        &mut self,
        old_installed: Vec<String>,
        new_installed: &[String],
        log: Vec<String>,
    ) {
        self.dropped = old_installed
            .iter()
            .filter(|f| !new_installed.contains(f))
            .cloned()
            .collect();
        self.old_installed = old_installed;
        self.dpkg_log = log;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_or_a_deb_name_is_a_deb_anything_else_a_ref() {
        let tmp = tempfile::NamedTempFile::new().unwrap();
        let file = tmp.path().to_string_lossy().into_owned();
        assert_eq!(Source::parse(&file), Source::Deb(tmp.path().to_path_buf()));
        assert_eq!(
            Source::parse("old/x_1_all.deb"),
            Source::Deb("old/x_1_all.deb".into())
        );
        assert_eq!(Source::parse("v1.0"), Source::Git("v1.0".into()));
        assert_eq!(Source::parse("HEAD~1"), Source::Git("HEAD~1".into()));
    }

    #[test]
    fn the_log_gives_the_package_s_actions_after_the_mark() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("var/log")).unwrap();
        let first = "2026-01-01 10:00:00 install p:all <none> 1\n";
        std::fs::write(
            tmp.path().join("var/log/dpkg.log"),
            format!(
                "{first}2026-01-01 10:00:01 upgrade p:all 1 2\n2026-01-01 10:00:01 status unpacked p:all 2\n2026-01-01 10:00:01 upgrade other:all 1 2\n2026-01-01 10:00:02 configure p:all 2 <none>\n"
            ),
        )
        .unwrap();
        assert_eq!(
            logged_since(tmp.path(), first.len() as u64, "p"),
            ["upgrade p:all 1 2", "configure p:all 2 <none>"]
        );
    }

    #[test]
    fn dropped_files_are_the_old_ones_the_new_package_lacks() {
        let mut u = Upgrade {
            from: String::new(),
            old_version: "1".into(),
            new_version: "2".into(),
            old_package: None,
            old_installed: Vec::new(),
            dropped: Vec::new(),
            dpkg_log: Vec::new(),
            downgrade: false,
            work_dir: None,
        };
        u.record(
            vec!["/etc/a".into(), "/etc/b".into()],
            &["/etc/a".into()],
            Vec::new(),
        );
        assert_eq!(u.dropped, ["/etc/b"]);
    }
}
