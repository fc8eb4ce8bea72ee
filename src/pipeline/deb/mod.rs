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
pub fn build_deb(pkgdir: &Path, out: &Path, mtime: u64) -> io::Result<()> {
    let control = control::control_tar_gz(&pkgdir.join("DEBIAN"), mtime)?;
    let data = data::tar_gz_tree(pkgdir, &["DEBIAN"], mtime)?;
    let file = std::fs::File::create(out)?;
    let mut file = ar::write_deb(io::BufWriter::new(file), &control, &data, mtime)?;
    io::Write::flush(&mut file)
}
