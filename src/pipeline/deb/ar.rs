//! The outer `ar` archive of a `.deb`: `debian-binary`, `control.tar.gz`, `data.tar.gz`, in that
//! order, each mode 0644, owner 0:0 and the same mtime.

use std::io::{self, Write};

/// The largest mtime an ar header holds: 12 decimal digits (the year 33658).
pub const MAX_MTIME: u64 = 999_999_999_999;

/// Writes the `.deb` container around the two tarballs. An mtime past [`MAX_MTIME`] is an
/// error (it would overflow its header field and corrupt the archive).
pub fn write_deb<W: Write>(
    out: W,
    control_tar_gz: &[u8],
    data_tar_gz: &[u8],
    mtime: u64,
) -> io::Result<W> {
    write_deb_from(
        out,
        control_tar_gz,
        (data_tar_gz.len() as u64, data_tar_gz),
        mtime,
    )
}

/// [`write_deb`] with `data.tar.gz` streamed from a reader of the given size.
pub fn write_deb_from<W: Write, R: io::Read>(
    out: W,
    control_tar_gz: &[u8],
    (data_len, data): (u64, R),
    mtime: u64,
) -> io::Result<W> {
    if mtime > MAX_MTIME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("SOURCE_DATE_EPOCH {mtime} is too large for a .deb (at most {MAX_MTIME})"),
        ));
    }
    let mut ar = ar::Builder::new(out);
    let header = |name: &str, len: u64| {
        let mut header = ar::Header::new(name.as_bytes().to_vec(), len);
        header.set_mode(0o100644);
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        header
    };
    ar.append(&header("debian-binary", 4), &b"2.0\n"[..])?;
    ar.append(
        &header("control.tar.gz", control_tar_gz.len() as u64),
        control_tar_gz,
    )?;
    ar.append(
        &header("data.tar.gz", data_len),
        io::Read::take(data, data_len),
    )?;
    ar.into_inner()
}
