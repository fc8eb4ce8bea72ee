//! `wazo-plugin rootfs status|update|clean`: the cached Wazo-like roots (one per Wazo release,
//! made with mmdebstrap). The cache folder is `$XDG_CACHE_HOME` or `~/.cache`, read here.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use wazo_plugin::pipeline::rootfs::{self, AptSources, Mode, Options, RootfsError, Spec};

use super::exit;

#[derive(Debug, Args)]
pub struct RootfsArgs {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Show the cached roots (release, date, size, path).
    Status(Which),
    /// Make the root of a release (again, if it is cached), with mmdebstrap.
    Update(Which),
    /// Remove cached roots (only the folders wazo-plugin made).
    Clean(Which),
}

#[derive(Debug, Args)]
pub struct Which {
    /// The Wazo release (default: every cached one for status and clean, the newest known
    /// release for update).
    #[arg(long, value_name = "VERSION")]
    pub wazo_version: Option<String>,
}

/// `$XDG_CACHE_HOME` when absolute, else `$HOME/.cache`.
fn cache_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from)
        && x.is_absolute()
    {
        return Some(x);
    }
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|h| h.is_absolute())
        .map(|h| h.join(".cache"))
}

fn release_name(v: &str) -> Result<String, u8> {
    match Spec::for_version(v) {
        Some(s) => Ok(s.release.name),
        None => {
            eprintln!(
                "error: unknown Wazo release {v} (known: 19.13 to {})",
                Spec::newest().release.name
            );
            Err(exit::USAGE)
        }
    }
}

fn fail(e: &RootfsError) -> u8 {
    eprintln!("error: {e}");
    if e.is_environment() {
        exit::USAGE
    } else {
        exit::INTERNAL
    }
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes.div_ceil(1024 * 1024))
}

/// How mmdebstrap runs here: as root `--mode=root`, otherwise `--mode=unshare`; the mirror
/// from /etc/apt. Exit 2 without mmdebstrap.
fn make_options(force: bool) -> Result<Options, u8> {
    let Ok(mmdebstrap) = which::which("mmdebstrap") else {
        eprintln!(
            "error: mmdebstrap is not installed; install the Debian package mmdebstrap (apt-get install mmdebstrap)"
        );
        return Err(exit::USAGE);
    };
    let mode = if nix::unistd::geteuid().is_root() {
        Mode::Root
    } else {
        Mode::Unshare
    };
    Ok(Options {
        mmdebstrap,
        mode,
        sources: AptSources::read_dir(std::path::Path::new("/etc/apt")),
        force,
        now: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    })
}

/// The cached root of Wazo `version` (default the newest known) for `--rootfs`, made now when
/// missing (a couple of minutes, once), with progress on stderr. Exit 2 when it cannot be made
/// here (no mmdebstrap, offline, unknown release), 3 on other errors.
pub fn ensure_for_pipeline(version: Option<&str>) -> Result<rootfs::Root, u8> {
    let Some(cache) = cache_dir() else {
        eprintln!("error: --rootfs: no cache folder: set XDG_CACHE_HOME or HOME");
        return Err(exit::USAGE);
    };
    let spec = match version {
        Some(v) => match Spec::for_version(v) {
            Some(s) => s,
            None => return Err(release_name(v).err().unwrap_or(exit::USAGE)),
        },
        None => Spec::newest(),
    };
    match rootfs::cached_root(&spec, &cache) {
        Ok(Some(root)) => return Ok(root),
        Ok(None) => {}
        Err(e) => return Err(fail(&e)),
    }
    let options = make_options(false)?;
    eprintln!(
        "making the root of Wazo {} (Debian {} {}), once, with mmdebstrap --mode={} from {}; `wazo-plugin rootfs status` shows it",
        spec.release.name,
        spec.release.debian,
        spec.suite,
        options.mode.as_str(),
        options.sources.mirrors().main
    );
    rootfs::ensure_with(&spec, &cache, &options, &mut |line| eprintln!("  {line}"))
        .map_err(|e| fail(&e))
}

pub fn run(args: &RootfsArgs) -> u8 {
    let Some(cache) = cache_dir() else {
        eprintln!("error: no cache folder: set XDG_CACHE_HOME or HOME");
        return exit::USAGE;
    };
    match &args.action {
        Action::Status(w) => {
            let found = match &w.wazo_version {
                Some(v) => match release_name(v) {
                    Ok(name) => rootfs::status(&cache, &name).map(|c| c.into_iter().collect()),
                    Err(code) => return code,
                },
                None => rootfs::status_all(&cache),
            };
            match found {
                Ok(list) if list.is_empty() => {
                    println!(
                        "no Wazo-like root is cached in {}; make one with `wazo-plugin rootfs update`",
                        rootfs::cache_root(&cache).display()
                    );
                    exit::OK
                }
                Ok(list) => {
                    for c in list {
                        let m = &c.metadata;
                        println!(
                            "Wazo {} (Debian {} {}, Python {}): made {} in {} s, {}, {}",
                            m.release,
                            m.debian,
                            m.suite,
                            m.python,
                            rootfs::format_date(m.made_at),
                            m.seconds,
                            mib(c.size),
                            c.dir.display()
                        );
                    }
                    exit::OK
                }
                Err(e) => fail(&e),
            }
        }
        Action::Update(w) => {
            let spec = match &w.wazo_version {
                Some(v) => match Spec::for_version(v) {
                    Some(s) => s,
                    None => return release_name(v).err().unwrap_or(exit::USAGE),
                },
                None => Spec::newest(),
            };
            let options = match make_options(true) {
                Ok(o) => o,
                Err(code) => return code,
            };
            let mode = options.mode;
            eprintln!(
                "making the root of Wazo {} (Debian {} {}) with mmdebstrap --mode={} from {}",
                spec.release.name,
                spec.release.debian,
                spec.suite,
                mode.as_str(),
                options.sources.mirrors().main
            );
            match rootfs::ensure_with(&spec, &cache, &options, &mut |line| eprintln!("  {line}")) {
                Ok(root) => {
                    let s = root.stood_in();
                    println!(
                        "made in {} s: {}",
                        root.metadata.seconds,
                        root.path.display()
                    );
                    println!("installed: {}", root.metadata.packages.join(", "));
                    println!(
                        "stood in: {} packages ({})",
                        s.packages.len(),
                        s.packages.join(", ")
                    );
                    println!("stood in: commands {}", s.commands.join(", "));
                    println!("stood in: users {}", s.users.join(", "));
                    println!(
                        "stood in: {} folders (/etc/wazo-*/conf.d, /etc/asterisk/*.d)",
                        s.folders.len()
                    );
                    exit::OK
                }
                Err(e) => fail(&e),
            }
        }
        Action::Clean(w) => {
            let name = match &w.wazo_version {
                Some(v) => match release_name(v) {
                    Ok(n) => Some(n),
                    Err(code) => return code,
                },
                None => None,
            };
            match rootfs::clean(&cache, name.as_deref()) {
                Ok(removed) if removed.is_empty() => {
                    println!("nothing to remove");
                    exit::OK
                }
                Ok(removed) => {
                    for p in removed {
                        println!("removed {}", p.display());
                    }
                    exit::OK
                }
                Err(e) => fail(&e),
            }
        }
    }
}
