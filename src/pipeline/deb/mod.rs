//! A `.deb` writer in pure Rust, so packaging needs no dpkg-deb.
//!
//! Entries are sorted, owned by root, gzip has no timestamp. Mtimes are either one given by the
//! caller ([`build_deb`], for generated packages) or, as dpkg-deb writes them, each file's own
//! clamped to `SOURCE_DATE_EPOCH` when set ([`Mtimes::own`], for plugin packages): with
//! `SOURCE_DATE_EPOCH` set, the output is reproducible.

pub mod ar;
pub mod control;
pub mod data;

use std::io;
use std::path::Path;

/// The mtimes written into a `.deb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mtimes {
    /// Every entry and ar member gets this one.
    Fixed(u64),
    /// Each entry its file's own mtime, no later than `clamp` when set; the ar members get
    /// `clamp`, else `now` (dpkg-deb's behaviour with and without `SOURCE_DATE_EPOCH`).
    Own {
        /// `SOURCE_DATE_EPOCH`.
        clamp: Option<u64>,
        /// The time of the build.
        now: u64,
    },
}

impl Mtimes {
    /// Each file's own mtime, clamped to `source_date_epoch` when set.
    pub fn own(source_date_epoch: Option<u64>) -> Mtimes {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Mtimes::Own {
            clamp: source_date_epoch,
            now,
        }
    }

    /// The mtime of an entry whose file has mtime `file` (seconds, negative before 1970).
    pub fn entry(self, file: i64) -> u64 {
        match self {
            Mtimes::Fixed(m) => m,
            Mtimes::Own { clamp, .. } => {
                let t = u64::try_from(file).unwrap_or(0);
                clamp.map_or(t, |c| t.min(c))
            }
        }
    }

    /// The mtime of the ar members and of the tarballs' long-name records.
    pub fn archive(self) -> u64 {
        match self {
            Mtimes::Fixed(m) => m,
            Mtimes::Own { clamp, now } => clamp.unwrap_or(now),
        }
    }
}

/// Builds the `.deb` of a staged package directory (`pkgdir` holding `DEBIAN/` and the files)
/// and writes it to `out`, as `dpkg-deb --build pkgdir out` would, every entry with `mtime`.
///
/// `data.tar.gz` is written to an unnamed temporary file beside `out` and streamed from there,
/// so memory stays constant whatever the size of the package; `out` is never opened through a
/// symlink.
pub fn build_deb(pkgdir: &Path, out: &Path, mtime: u64) -> io::Result<()> {
    build_deb_until(pkgdir, out, Mtimes::Fixed(mtime), None)
}

/// [`build_deb`] that gives up with `TimedOut` once `deadline` has passed (`--timeout`).
pub fn build_deb_until(
    pkgdir: &Path,
    out: &Path,
    mtimes: Mtimes,
    deadline: Option<std::time::Instant>,
) -> io::Result<()> {
    use std::io::Seek;
    use std::os::unix::fs::OpenOptionsExt;
    let mtime = mtimes.archive();
    if mtime > ar::MAX_MTIME {
        return ar::write_deb(io::sink(), &[], &[], mtime).map(drop);
    }
    let control = control::control_tar_gz(&pkgdir.join("DEBIAN"), mtimes)?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::tempfile_in(dir)?;
    let mut tmp = data::write_tar_gz_tree(
        pkgdir,
        &["DEBIAN"],
        mtimes,
        io::BufWriter::new(tmp),
        deadline,
    )?
    .into_inner()
    .map_err(io::IntoInnerError::into_error)?;
    let len = tmp.stream_position()?;
    tmp.rewind()?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(out)?;
    let mut file = ar::write_deb_from(
        io::BufWriter::new(file),
        &control,
        (len, io::BufReader::new(tmp)),
        mtime,
    )?;
    io::Write::flush(&mut file)
}
