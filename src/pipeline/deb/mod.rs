//! A `.deb` writer in pure Rust, so packaging needs no dpkg-deb.
//!
//! Output is reproducible: sorted entries, root ownership, one mtime given by the caller
//! (`SOURCE_DATE_EPOCH`, read by the command line; 0 when unset), gzip without a timestamp.

pub mod ar;
pub mod control;
pub mod data;

use std::io;
use std::path::Path;

/// Builds the `.deb` of a staged package directory (`pkgdir` holding `DEBIAN/` and the files)
/// and writes it to `out`, as `dpkg-deb --build pkgdir out` would.
///
/// `data.tar.gz` is written to an unnamed temporary file beside `out` and streamed from there,
/// so memory stays constant whatever the size of the package; `out` is never opened through a
/// symlink.
pub fn build_deb(pkgdir: &Path, out: &Path, mtime: u64) -> io::Result<()> {
    build_deb_until(pkgdir, out, mtime, None)
}

/// [`build_deb`] that gives up with `TimedOut` once `deadline` has passed (`--timeout`).
pub fn build_deb_until(
    pkgdir: &Path,
    out: &Path,
    mtime: u64,
    deadline: Option<std::time::Instant>,
) -> io::Result<()> {
    use std::io::Seek;
    use std::os::unix::fs::OpenOptionsExt;
    if mtime > ar::MAX_MTIME {
        return ar::write_deb(io::sink(), &[], &[], mtime).map(drop);
    }
    let control = control::control_tar_gz(&pkgdir.join("DEBIAN"), mtime)?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::tempfile_in(dir)?;
    let mut tmp = data::write_tar_gz_tree(
        pkgdir,
        &["DEBIAN"],
        mtime,
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
