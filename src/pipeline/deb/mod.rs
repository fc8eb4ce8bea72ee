//! A `.deb` writer in pure Rust, so packaging needs no dpkg-deb.
//!
//! Output is reproducible: sorted entries, root ownership, one mtime taken from
//! `SOURCE_DATE_EPOCH` (0 when unset), gzip without a timestamp.

pub mod ar;
pub mod control;
pub mod data;

use std::io;
use std::path::Path;

/// The mtime written into every entry: `SOURCE_DATE_EPOCH` when it is a number, else 0.
pub fn source_date_epoch() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// Builds the `.deb` of a staged package directory (`pkgdir` holding `DEBIAN/` and the files)
/// and writes it to `out`, as `dpkg-deb --build pkgdir out` would.
pub fn build_deb(pkgdir: &Path, out: &Path, mtime: u64) -> io::Result<()> {
    let control = control::control_tar_gz(&pkgdir.join("DEBIAN"), mtime)?;
    let data = data::tar_gz_tree(pkgdir, &["DEBIAN"], mtime)?;
    let file = std::fs::File::create(out)?;
    let mut file = ar::write_deb(io::BufWriter::new(file), &control, &data, mtime)?;
    io::Write::flush(&mut file)
}
