//! A small .deb reader for tests and the `deb` fuzz target: the `ar` container, then both
//! gzip-compressed tarballs, read entry by entry.
#![allow(dead_code)]

use std::io::Read;

/// One entry of a tarball.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TarEntry {
    /// The name as stored (`./`, `./usr/`, `./usr/lib/x`), long names resolved.
    pub name: Vec<u8>,
    pub kind: Kind,
    /// Permission bits (`& 0o7777`).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub mtime: u64,
    /// The contents of a regular file.
    pub data: Vec<u8>,
    /// The target of a symbolic link.
    pub link: Option<Vec<u8>>,
}

/// The entry types a package may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Other(u8),
}

/// A .deb, read.
#[derive(Debug, Clone)]
pub struct Deb {
    /// The `ar` member names, in order.
    pub members: Vec<String>,
    pub debian_binary: Vec<u8>,
    pub control: Vec<TarEntry>,
    pub data: Vec<TarEntry>,
}

/// Reads a .deb from bytes.
pub fn read_deb(bytes: &[u8]) -> Result<Deb, String> {
    let mut archive = ar::Archive::new(bytes);
    let mut members = Vec::new();
    let mut debian_binary = None;
    let mut control = None;
    let mut data = None;
    while let Some(entry) = archive.next_entry() {
        let mut entry = entry.map_err(|e| format!("ar: {e}"))?;
        let name = String::from_utf8_lossy(entry.header().identifier()).into_owned();
        let mut body = Vec::new();
        entry
            .read_to_end(&mut body)
            .map_err(|e| format!("ar member {name}: {e}"))?;
        match name.as_str() {
            "debian-binary" => debian_binary = Some(body),
            "control.tar.gz" => control = Some(read_tar_gz(&body)?),
            "data.tar.gz" => data = Some(read_tar_gz(&body)?),
            _ => {}
        }
        members.push(name);
    }
    Ok(Deb {
        members,
        debian_binary: debian_binary.ok_or("no debian-binary member")?,
        control: control.ok_or("no control.tar.gz member")?,
        data: data.ok_or("no data.tar.gz member")?,
    })
}

/// Reads every entry of a gzip-compressed tarball.
pub fn read_tar_gz(bytes: &[u8]) -> Result<Vec<TarEntry>, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut out = Vec::new();
    for entry in archive.entries().map_err(|e| format!("tar: {e}"))? {
        let mut entry = entry.map_err(|e| format!("tar entry: {e}"))?;
        let header = entry.header().clone();
        let kind = match header.entry_type() {
            tar::EntryType::Regular => Kind::File,
            tar::EntryType::Directory => Kind::Dir,
            tar::EntryType::Symlink => Kind::Symlink,
            other => Kind::Other(other.as_byte()),
        };
        let name = entry.path_bytes().into_owned();
        let link = entry.link_name_bytes().map(|l| l.into_owned());
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| format!("tar data: {e}"))?;
        out.push(TarEntry {
            name,
            kind,
            mode: header.mode().map_err(|e| format!("mode: {e}"))? & 0o7777,
            uid: header.uid().map_err(|e| format!("uid: {e}"))?,
            gid: header.gid().map_err(|e| format!("gid: {e}"))?,
            mtime: header.mtime().map_err(|e| format!("mtime: {e}"))?,
            data,
            link,
        });
    }
    Ok(out)
}
