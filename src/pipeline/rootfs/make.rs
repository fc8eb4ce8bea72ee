//! Making a root with mmdebstrap, once, atomically.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::cache::{read_metadata, remove_tree};
use super::{
    METADATA, Metadata, Options, Root, RootfsError, Spec, cache_root, release_dir, standins,
};

/// The folder of downloaded packages, under the tool's cache folder, one per suite.
pub(crate) const APT_CACHE: &str = ".apt-cache";

/// Lines of mmdebstrap's output kept for an error message.
const TAIL: usize = 25;

/// apt's messages when the archive cannot be reached.
const OFFLINE: &[&str] = &[
    "Temporary failure resolving",
    "Could not resolve",
    "Could not connect",
    "Failed to fetch",
    "Unable to connect",
    "Network is unreachable",
    "Connection failed",
    "Connection timed out",
];

/// The root of `spec`, made with mmdebstrap into `<cache_dir>/wazo-plugin/rootfs/<release>/`
/// unless it is cached there (or `options.force`). Concurrent callers wait on a lock file and
/// reuse the root the first one made.
pub fn ensure(spec: &Spec, cache_dir: &Path, options: &Options) -> Result<Root, RootfsError> {
    ensure_with(spec, cache_dir, options, &mut |_| {})
}

/// [`ensure`], passing each line mmdebstrap prints to `progress`.
/// The cached root of `spec` when there is one made with its package list (no mmdebstrap
/// needed to answer).
pub fn cached_root(spec: &Spec, cache_dir: &Path) -> Result<Option<Root>, RootfsError> {
    cached(&release_dir(cache_dir, &spec.release.name), spec)
}

pub fn ensure_with(
    spec: &Spec,
    cache_dir: &Path,
    options: &Options,
    progress: &mut dyn FnMut(&str),
) -> Result<Root, RootfsError> {
    let name = &spec.release.name;
    let dir = release_dir(cache_dir, name);
    if !options.force
        && let Some(root) = cached(&dir, spec)?
    {
        return Ok(root);
    }
    let base = cache_root(cache_dir);
    std::fs::create_dir_all(&base).map_err(|e| RootfsError::io(base.display(), e))?;
    let lock_path = base.join(format!(".{name}.lock"));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| RootfsError::io(lock_path.display(), e))?;
    // flock(2) through nix: std's File::lock is newer than the crate's MSRV (1.88).
    let lock = nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, errno)| RootfsError::io(lock_path.display(), std::io::Error::from(errno)))?;
    if !options.force
        && let Some(root) = cached(&dir, spec)?
    {
        return Ok(root);
    }
    let version = mmdebstrap_version(options)?;
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".making-{name}-"))
        .tempdir_in(&base)
        .map_err(|e| RootfsError::io(base.display(), e))?;
    let work = tmp.path().join("work");
    let setup = standins::prepare(&work, &spec.release, options.now)
        .map_err(|e| RootfsError::io(work.display(), e))?;
    let target = tmp.path().join("root");
    let mirrors = options.sources.mirrors();
    let lines = mirrors.lines(&spec.suite);
    // mmdebstrap's own way of reusing downloaded packages (its man page, "sync-in ./cache").
    let apt_cache = base.join(APT_CACHE).join(&spec.suite);
    std::fs::create_dir_all(&apt_cache).map_err(|e| RootfsError::io(apt_cache.display(), e))?;
    let started = Instant::now();
    let mut cmd = Command::new(&options.mmdebstrap);
    cmd.arg(format!("--mode={}", options.mode.as_str()))
        .arg("--variant=apt")
        .arg(format!("--include={}", spec.packages.join(",")))
        // The package lists stay, so that apt-get works inside the root.
        .arg("--skip=cleanup/apt/lists")
        .arg("--skip=essential/unlink")
        .arg("--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/")
        .arg(format!(
            "--setup-hook=sync-in {} /var/cache/apt/archives/",
            apt_cache.display()
        ))
        .arg(format!(
            "--customize-hook=copy-in {} /tmp",
            work.join(standins::DEBS_NAME).display()
        ))
        .arg(format!("--customize-hook={}", setup.display()))
        .arg(format!(
            "--customize-hook=sync-out /var/cache/apt/archives {}",
            apt_cache.display()
        ))
        .arg(&spec.suite)
        .arg(&target)
        .args(&lines)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| no_mmdebstrap(options, e))?;
    let mut tail: Vec<String> = Vec::new();
    if let Some(err) = child.stderr.take() {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            progress(&line);
            tail.push(line);
            if tail.len() > 4 * TAIL {
                tail.drain(..tail.len() - TAIL);
            }
        }
    }
    let status = child.wait().map_err(|e| RootfsError::io("mmdebstrap", e))?;
    if !status.success() {
        let offline = tail.iter().any(|l| OFFLINE.iter().any(|o| l.contains(o)));
        let keep = tail.len().saturating_sub(TAIL);
        let detail = tail[keep..].join("\n");
        // The half-made tree goes (best effort: the temporary name marks it for `clean`).
        let _ = remove_tree(tmp.path());
        return Err(if offline {
            RootfsError::ArchiveUnreachable {
                mirror: mirrors.main.clone(),
                detail,
            }
        } else {
            RootfsError::Mmdebstrap {
                status: status.to_string(),
                detail,
            }
        });
    }
    let metadata = Metadata {
        layout: super::LAYOUT,
        release: name.clone(),
        suite: spec.suite.clone(),
        debian: spec.release.debian,
        python: spec.release.python.to_string(),
        made_at: options.now,
        seconds: started.elapsed().as_secs(),
        packages: spec.packages.clone(),
        mirrors: lines,
        mode: options.mode,
        mmdebstrap: version,
        stood_in: standins::stood_in(&spec.release),
    };
    let json = serde_json::to_string_pretty(&metadata)
        .map_err(|e| RootfsError::io(METADATA, std::io::Error::other(e)))?;
    let meta_path = tmp.path().join(METADATA);
    std::fs::write(&meta_path, json + "\n").map_err(|e| RootfsError::io(meta_path.display(), e))?;
    let _ = std::fs::remove_dir_all(&work);
    // Publish: the old root (if any) is moved aside first, then removed.
    let made = tmp.keep();
    if dir.symlink_metadata().is_ok() {
        let old = base.join(format!(".old-{name}-{}", std::process::id()));
        std::fs::rename(&dir, &old).map_err(|e| RootfsError::io(dir.display(), e))?;
        std::fs::rename(&made, &dir).map_err(|e| RootfsError::io(dir.display(), e))?;
        remove_tree(&old)?;
    } else {
        std::fs::rename(&made, &dir).map_err(|e| RootfsError::io(dir.display(), e))?;
    }
    drop(lock);
    Ok(Root {
        path: dir.join("root"),
        metadata,
        made: true,
    })
}

/// The cached root, unless it is missing or was made with other packages (an older wazo-plugin).
fn cached(dir: &Path, spec: &Spec) -> Result<Option<Root>, RootfsError> {
    if !dir.join("root").is_dir() {
        return Ok(None);
    }
    Ok(read_metadata(dir)?
        .filter(|m| {
            m.packages == spec.packages && m.suite == spec.suite && m.layout == super::LAYOUT
        })
        .map(|metadata| Root {
            path: dir.join("root"),
            metadata,
            made: false,
        }))
}

fn no_mmdebstrap(options: &Options, e: std::io::Error) -> RootfsError {
    if e.kind() == std::io::ErrorKind::NotFound {
        RootfsError::NoMmdebstrap {
            program: options.mmdebstrap.display().to_string(),
            source: e,
        }
    } else {
        RootfsError::io(options.mmdebstrap.display(), e)
    }
}

fn mmdebstrap_version(options: &Options) -> Result<String, RootfsError> {
    let out = Command::new(&options.mmdebstrap)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| no_mmdebstrap(options, e))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
