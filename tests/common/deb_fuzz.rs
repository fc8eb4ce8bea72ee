//! What the `deb` fuzz target runs on one input, shared with tests/fuzz_regressions.rs.
//!
//! The input is decoded into a package tree: up to 5 bytes of mtime, then records separated by
//! NUL bytes, three fields each: a spec byte (kind and mode), a path (`/`-separated, any bytes),
//! and the contents (a file's bytes, or a link's target). The tree is written with `build_deb`;
//! the archive must read back to the same tree and `dpkg-deb -I` and `-c` must accept it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::deb_reader::{Kind, TarEntry, read_deb};

const CONTROL: &str = "Package: fuzz\nVersion: 1.0\nArchitecture: all\nMaintainer: Fuzz <fuzz@example.com>\nDescription: fuzz\n";
const MODES: [u32; 8] = [0o644, 0o755, 0o600, 0o700, 0o444, 0o4755, 0o2755, 0o1777];
const MAX_RECORDS: usize = 24;

/// Runs one input. Panics when the writer produces something wrong.
pub fn check(data: &[u8]) {
    let (mtime, rest) = mtime(data);
    let tmp = tempfile::tempdir().expect("temp dir");
    let pkg = tmp.path().join("pkg");
    std::fs::create_dir_all(pkg.join("DEBIAN")).expect("DEBIAN");
    std::fs::write(pkg.join("DEBIAN/control"), CONTROL).expect("control");
    let mut utf8 = true;
    let fields: Vec<&[u8]> = rest.split(|b| *b == 0).collect();
    for record in fields.chunks(3).take(MAX_RECORDS) {
        let [spec, path, contents] = record else {
            break;
        };
        let Some(&spec) = spec.first() else { continue };
        utf8 &= std::str::from_utf8(path).is_ok();
        if spec & 3 == 2 {
            utf8 &= std::str::from_utf8(contents).is_ok();
        }
        add(&pkg, spec, path, contents);
    }
    let out = tmp.path().join("out.deb");
    match wazo_plugin::pipeline::deb::build_deb(&pkg, &out, mtime) {
        Ok(()) => {}
        // Names that are not UTF-8 are refused with an error, by design, and so are mtimes
        // an ar header cannot hold.
        Err(_) if !utf8 || mtime > wazo_plugin::pipeline::deb::ar::MAX_MTIME => return,
        Err(e) => panic!("build_deb failed on a tree of UTF-8 names: {e}"),
    }
    let bytes = std::fs::read(&out).expect("read the .deb");
    let deb = read_deb(&bytes).unwrap_or_else(|e| panic!("our reader refuses the .deb: {e}"));
    assert_eq!(
        deb.members,
        ["debian-binary", "control.tar.gz", "data.tar.gz"]
    );
    assert_eq!(deb.debian_binary, b"2.0\n");
    compare(&pkg.join("DEBIAN"), &[], &deb.control, mtime);
    compare(&pkg, &["DEBIAN"], &deb.data, mtime);
    dpkg_deb(&out);
}

fn mtime(data: &[u8]) -> (u64, &[u8]) {
    let n = data.len().min(5);
    let mtime = data[..n]
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    (mtime, &data[n..])
}

/// A path inside the tree from fuzzed bytes: no empty, `.` or `..` components, at most 6
/// components of at most 200 bytes.
fn rel_path(bytes: &[u8]) -> Option<PathBuf> {
    let parts: Vec<&[u8]> = bytes
        .split(|b| *b == b'/')
        .filter(|p| !p.is_empty() && *p != b"." && *p != b"..")
        .take(6)
        .map(|p| &p[..p.len().min(200)])
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(parts.iter().map(|p| OsStr::from_bytes(p)).collect())
}

fn add(pkg: &Path, spec: u8, path: &[u8], contents: &[u8]) {
    let Some(rel) = rel_path(path) else { return };
    let base = if spec & 3 == 3 {
        pkg.join("DEBIAN")
    } else {
        pkg.to_path_buf()
    };
    let at = base.join(&rel);
    if at.symlink_metadata().is_ok() {
        return;
    }
    if let Some(parent) = at.parent()
        && std::fs::create_dir_all(parent).is_err()
    {
        return;
    }
    let mode = MODES[usize::from(spec >> 2) % MODES.len()];
    let ok = match spec & 3 {
        1 => std::fs::create_dir(&at).is_ok(),
        2 if !contents.is_empty() => {
            std::os::unix::fs::symlink(OsStr::from_bytes(contents), &at).is_ok()
        }
        2 => false,
        _ => std::fs::write(&at, contents).is_ok(),
    };
    if ok && spec & 3 != 2 {
        // Keep the owner's rwx on folders, or the tree could not be filled and removed.
        let mode = if at.is_dir() { mode | 0o700 } else { mode };
        let _ = std::fs::set_permissions(&at, std::fs::Permissions::from_mode(mode));
    }
}

/// The tarball lists exactly the tree under `root` (except `skip`), with its kinds, modes,
/// contents and link targets, owned by root, at `mtime`.
fn compare(root: &Path, skip: &[&str], entries: &[TarEntry], mtime: u64) {
    let mut expected = vec![(b"./".to_vec(), Kind::Dir)];
    walk(root, root, skip, &mut expected);
    expected.sort();
    let names: Vec<(Vec<u8>, Kind)> = entries.iter().map(|e| (e.name.clone(), e.kind)).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(
        sorted, expected,
        "the tarball does not list the tree (left: tarball)"
    );
    for entry in entries {
        assert_eq!((entry.uid, entry.gid), (0, 0));
        assert_eq!(entry.mtime, mtime, "mtime of {:?}", entry.name);
        let rel = entry.name.strip_prefix(b"./").expect("names start with ./");
        let rel = rel.strip_suffix(b"/").unwrap_or(rel);
        let path = root.join(OsStr::from_bytes(rel));
        let meta = path.symlink_metadata().expect("entry exists");
        match entry.kind {
            Kind::File => {
                assert_eq!(entry.mode, meta.mode() & 0o7777);
                assert_eq!(entry.data, std::fs::read(&path).expect("read"));
            }
            Kind::Dir => assert_eq!(entry.mode, meta.mode() & 0o7777),
            Kind::Symlink => {
                let target = std::fs::read_link(&path).expect("link");
                assert_eq!(
                    entry.link.as_deref(),
                    Some(target.as_os_str().as_bytes()),
                    "link target of {:?}",
                    entry.name
                );
            }
            Kind::Other(k) => panic!("unexpected entry type {k}"),
        }
    }
}

fn walk(root: &Path, dir: &Path, skip: &[&str], out: &mut Vec<(Vec<u8>, Kind)>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        if dir == root && skip.iter().any(|s| entry.file_name() == OsStr::new(s)) {
            continue;
        }
        let path = entry.path();
        let rel = path.strip_prefix(root).expect("under root");
        let mut name = b"./".to_vec();
        name.extend_from_slice(rel.as_os_str().as_bytes());
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            name.push(b'/');
            out.push((name, Kind::Dir));
            walk(root, &path, skip, out);
        } else if ft.is_symlink() {
            out.push((name, Kind::Symlink));
        } else {
            out.push((name, Kind::File));
        }
    }
}

/// `dpkg-deb -I` and `-c` accept the package (skipped when dpkg-deb is not installed).
fn dpkg_deb(deb: &Path) {
    for flag in ["-I", "-c"] {
        let out = match std::process::Command::new("dpkg-deb")
            .arg(flag)
            .arg(deb)
            .output()
        {
            Ok(out) => out,
            Err(_) => return,
        };
        assert!(
            out.status.success(),
            "dpkg-deb {flag} refuses the package: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
