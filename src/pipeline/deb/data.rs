//! Tarballs of a directory tree as dpkg-deb writes them: entries sorted by name, `./`-prefixed,
//! owned by root:root (uid/gid 0), mtimes as [`super::Mtimes`] says, modes kept, directories
//! listed, symlinks kept.

use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use tar::{EntryType, Header};

const NAME_LEN: usize = 100;

/// Writes one header (and a GNU long-name record first when the name does not fit).
fn append<W: Write>(
    out: &mut tar::Builder<W>,
    name: &str,
    kind: EntryType,
    mode: u32,
    mtime: u64,
    data: &[u8],
    link: Option<&Path>,
) -> io::Result<()> {
    append_from(
        out,
        name,
        kind,
        mode,
        mtime,
        (data.len() as u64, data),
        link,
    )
}

/// [`append`] with the contents streamed from a reader of `size` bytes.
fn append_from<W: Write, R: io::Read>(
    out: &mut tar::Builder<W>,
    name: &str,
    kind: EntryType,
    mode: u32,
    mtime: u64,
    (size, data): (u64, R),
    link: Option<&Path>,
) -> io::Result<()> {
    let bytes = name.as_bytes();
    if bytes.len() > NAME_LEN {
        long_record(out, EntryType::GNULongName, bytes, mtime)?;
    }
    let target = link.map(|t| t.as_os_str().as_encoded_bytes());
    if let Some(target) = target.filter(|t| t.len() > NAME_LEN) {
        // A link target longer than the header's field: a GNU long-link record first, as for
        // long names (`set_link_name` refuses it).
        long_record(out, EntryType::GNULongLink, target, mtime)?;
    }
    let mut header = Header::new_gnu();
    set_name(&mut header, &bytes[..bytes.len().min(NAME_LEN)]);
    header.set_entry_type(kind);
    header.set_size(size);
    fill_common(&mut header, mode, mtime);
    if let Some(target) = target {
        set_field(
            &mut header.as_old_mut().linkname,
            &target[..target.len().min(NAME_LEN)],
        );
    }
    header.set_cksum();
    out.append(&header, data)
}

/// A GNU `././@LongLink` record holding a long name (`L`) or link target (`K`).
fn long_record<W: Write>(
    out: &mut tar::Builder<W>,
    kind: EntryType,
    value: &[u8],
    mtime: u64,
) -> io::Result<()> {
    let mut long = Header::new_gnu();
    set_name(&mut long, b"././@LongLink");
    long.set_entry_type(kind);
    long.set_size(value.len() as u64 + 1);
    fill_common(&mut long, 0o644, mtime);
    long.set_cksum();
    let mut payload = value.to_vec();
    payload.push(0);
    out.append(&long, payload.as_slice())
}

fn set_name(header: &mut Header, name: &[u8]) {
    set_field(&mut header.as_old_mut().name, name);
}

fn set_field(slot: &mut [u8; NAME_LEN], value: &[u8]) {
    slot.fill(0);
    slot[..value.len()].copy_from_slice(value);
}

fn fill_common(header: &mut Header, mode: u32, mtime: u64) {
    header.set_mode(mode);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(mtime);
    // Both calls only fail on names longer than the GNU fields; "root" fits.
    let _ = header.set_username("root");
    let _ = header.set_groupname("root");
}

/// A gzip-compressed tarball of everything under `root`, except the top-level entries named in
/// `skip` (the data tarball skips `DEBIAN`). Names are `./`, `./usr/`, `./usr/lib/x`, ...
pub fn tar_gz_tree(root: &Path, skip: &[&str], mtimes: super::Mtimes) -> io::Result<Vec<u8>> {
    write_tar_gz_tree(root, skip, mtimes, Vec::new(), None)
}

/// [`tar_gz_tree`] written to `sink`, file contents streamed (memory stays constant whatever
/// the files' sizes), failing with `TimedOut` once `deadline` has passed. Returns the sink.
pub fn write_tar_gz_tree<S: Write>(
    root: &Path,
    skip: &[&str],
    mtimes: super::Mtimes,
    sink: S,
    deadline: Option<std::time::Instant>,
) -> io::Result<S> {
    let gz = GzEncoder::new(sink, Compression::best());
    let mut out = tar::Builder::new(gz);
    let root_meta = std::fs::metadata(root)?;
    let root_mode = root_meta.permissions().mode() & 0o7777;
    append(
        &mut out,
        "./",
        EntryType::Directory,
        root_mode,
        mtimes.entry(root_meta.mtime()),
        &[],
        None,
    )?;
    let walk = walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() == 1
                && skip
                    .iter()
                    .any(|s| e.file_name() == std::ffi::OsStr::new(s)))
        });
    for entry in walk {
        past(deadline)?;
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry
            .path()
            .strip_prefix(root)
            .map_err(io::Error::other)?
            .to_str()
            .ok_or_else(|| io::Error::other(format!("{}: not UTF-8", entry.path().display())))?
            .to_string();
        let meta = entry.path().symlink_metadata()?;
        let mode = meta.mode() & 0o7777;
        let mtime = mtimes.entry(meta.mtime());
        let ft = meta.file_type();
        if ft.is_dir() {
            append(
                &mut out,
                &format!("./{rel}/"),
                EntryType::Directory,
                mode,
                mtime,
                &[],
                None,
            )?;
        } else if ft.is_symlink() {
            let target = std::fs::read_link(entry.path())?;
            append(
                &mut out,
                &format!("./{rel}"),
                EntryType::Symlink,
                0o777,
                mtime,
                &[],
                Some(&target),
            )?;
        } else if ft.is_file() {
            use std::os::unix::fs::OpenOptionsExt;
            let file = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
                .open(entry.path())?;
            let size = file.metadata()?.len();
            let mut counted = Counted {
                inner: io::Read::take(file, size),
                n: 0,
                deadline,
            };
            append_from(
                &mut out,
                &format!("./{rel}"),
                EntryType::Regular,
                mode,
                mtime,
                (size, &mut counted),
                None,
            )?;
            if counted.n != size {
                return Err(io::Error::other(format!(
                    "{}: changed size while being packaged",
                    entry.path().display()
                )));
            }
        } else {
            return Err(io::Error::other(format!(
                "{}: only files, directories and symlinks can be packaged",
                entry.path().display()
            )));
        }
    }
    out.into_inner()?.finish()
}

fn past(deadline: Option<std::time::Instant>) -> io::Result<()> {
    if deadline.is_some_and(|d| std::time::Instant::now() > d) {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "writing the .deb ran past --timeout",
        ));
    }
    Ok(())
}

/// A reader that counts the bytes it gave and stops at the deadline.
struct Counted<R> {
    inner: R,
    n: u64,
    deadline: Option<std::time::Instant>,
}

impl<R: io::Read> io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        past(self.deadline)?;
        let k = self.inner.read(buf)?;
        self.n += k as u64;
        Ok(k)
    }
}
