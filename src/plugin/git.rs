//! What git's index records for the files of plugins: the executable bit a clone will get,
//! whatever the working tree says (authors on Windows commit rules as 100644).
//!
//! The index is read in process (formats 2, 3 and 4, as git's `Documentation/gitformat-index`
//! describes them): starting `git ls-files` cost more than the rest of linting a plugin. An
//! index this reader does not take whole (a split or sparse index, an object format it does
//! not know) is asked of `git ls-files` instead, once per repository.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where a work tree's git data is: the work tree's top and its index file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Repository {
    top: PathBuf,
    index: PathBuf,
}

/// The repository holding the canonical folder `dir`, found by looking for `.git` upward (a
/// folder, or a file `gitdir: ...` as in linked work trees and submodules); `known` remembers
/// the answer for every folder already visited, so that many plugins side by side cost one
/// lookup.
fn repository_of(
    dir: &Path,
    known: &mut HashMap<PathBuf, Option<Repository>>,
) -> Option<Repository> {
    if let Some(answer) = known.get(dir) {
        return answer.clone();
    }
    let dot_git = dir.join(".git");
    let answer = match std::fs::symlink_metadata(&dot_git) {
        Ok(m) if m.is_dir() => Some(Repository {
            top: dir.to_path_buf(),
            index: dot_git.join("index"),
        }),
        Ok(m) if m.is_file() => std::fs::read_to_string(&dot_git).ok().and_then(|text| {
            let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
            Some(Repository {
                top: dir.to_path_buf(),
                index: dir.join(target).join("index"),
            })
        }),
        _ => dir.parent().and_then(|parent| repository_of(parent, known)),
    };
    known.insert(dir.to_path_buf(), answer.clone());
    answer
}

/// The index modes (e.g. 0o100755) of `files` (paths inside the plugin, like `wazo/rules`)
/// of each plugin root, keyed by the canonical path of the file. Files not in an index, and
/// repositories whose index cannot be read, are simply absent.
pub fn index_modes(roots: &[PathBuf], files: &[&str]) -> HashMap<PathBuf, u32> {
    let mut by_repo: HashMap<Repository, HashSet<Vec<u8>>> = HashMap::new();
    let mut known = HashMap::new();
    for root in roots {
        let Ok(canonical) = std::fs::canonicalize(root) else {
            continue;
        };
        let Some(repo) = repository_of(&canonical, &mut known) else {
            continue;
        };
        for file in files {
            let path = canonical.join(file);
            if let Ok(rel) = path.strip_prefix(&repo.top) {
                by_repo
                    .entry(repo.clone())
                    .or_default()
                    .insert(rel.as_os_str().as_encoded_bytes().to_vec());
            }
        }
    }
    let mut modes = HashMap::new();
    for (repo, wanted) in by_repo {
        let found = match std::fs::read(&repo.index) {
            Ok(bytes) => match read_index(&bytes, &wanted) {
                Ok(found) => found,
                Err(Unsupported) => ls_files(&repo.top, &wanted),
            },
            // No index yet (a fresh `git init`): nothing is recorded.
            Err(_) => Vec::new(),
        };
        for (path, mode) in found {
            modes.insert(repo.top.join(bytes_to_path(&path)), mode);
        }
    }
    modes
}

fn bytes_to_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

/// An index this reader does not read whole.
#[derive(Debug, PartialEq, Eq)]
struct Unsupported;

/// The modes of the `wanted` paths (relative to the work tree's top) in an index file.
fn read_index(bytes: &[u8], wanted: &HashSet<Vec<u8>>) -> Result<Vec<(Vec<u8>, u32)>, Unsupported> {
    let u32_at = |at: usize| -> Result<u32, Unsupported> {
        let b = bytes.get(at..at + 4).ok_or(Unsupported)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    if bytes.get(..4) != Some(b"DIRC") {
        return Err(Unsupported);
    }
    let version = u32_at(4)?;
    if !(2..=4).contains(&version) {
        return Err(Unsupported);
    }
    let count = u32_at(8)? as usize;
    // SHA-1 object names; a SHA-256 repository's index does not add up below and is
    // handed to git.
    const OID: usize = 20;
    let mut at = 12;
    let mut previous: Vec<u8> = Vec::new();
    let mut found = Vec::new();
    for _ in 0..count {
        let start = at;
        let mode = u32_at(at + 24)?;
        let flags_at = at + 40 + OID;
        let flags = bytes
            .get(flags_at..flags_at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or(Unsupported)?;
        at = flags_at + 2;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return Err(Unsupported);
            }
            let extended = bytes
                .get(at..at + 2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]))
                .ok_or(Unsupported)?;
            // A sparse-directory entry: the files below it are not listed.
            if extended & 0x8000 != 0 {
                return Err(Unsupported);
            }
            at += 2;
        }
        let path = if version == 4 {
            let (strip, used) = varint(bytes.get(at..).ok_or(Unsupported)?)?;
            at += used;
            let keep = previous.len().checked_sub(strip).ok_or(Unsupported)?;
            let end = at + memchr_nul(bytes.get(at..).ok_or(Unsupported)?)?;
            let mut path = previous[..keep].to_vec();
            path.extend_from_slice(&bytes[at..end]);
            at = end + 1;
            path
        } else {
            let end = at + memchr_nul(bytes.get(at..).ok_or(Unsupported)?)?;
            let path = bytes[at..end].to_vec();
            // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
            at = start + (end - start + 8) / 8 * 8;
            path
        };
        let stage = (flags >> 12) & 0b11;
        if stage == 0 && wanted.contains(&path) {
            found.push((path.clone(), mode));
        }
        previous = path;
    }
    // The extensions: a split index keeps its entries elsewhere.
    while at + 8 <= bytes.len().saturating_sub(OID) {
        let signature = &bytes[at..at + 4];
        if signature == b"link" || signature == b"sdir" {
            return Err(Unsupported);
        }
        at += 8 + u32_at(at + 4)? as usize;
    }
    if at + OID != bytes.len() {
        return Err(Unsupported);
    }
    Ok(found)
}

fn memchr_nul(bytes: &[u8]) -> Result<usize, Unsupported> {
    bytes.iter().position(|&b| b == 0).ok_or(Unsupported)
}

/// git's offset encoding of index v4 (`decode_varint`): 7 bits a byte, high bit set while more
/// follow, each continuation adding one before the shift.
fn varint(bytes: &[u8]) -> Result<(usize, usize), Unsupported> {
    let mut iter = bytes.iter().enumerate();
    let (_, &first) = iter.next().ok_or(Unsupported)?;
    let mut value = (first & 0x7f) as usize;
    let mut byte = first;
    let mut used = 1;
    while byte & 0x80 != 0 {
        let (_, &next) = iter.next().ok_or(Unsupported)?;
        value = value
            .checked_add(1)
            .and_then(|v| v.checked_mul(128))
            .ok_or(Unsupported)?
            + (next & 0x7f) as usize;
        byte = next;
        used += 1;
    }
    Ok((value, used))
}

/// `git ls-files --stage` for an index the reader does not take (nothing when git is missing).
fn ls_files(top: &Path, wanted: &HashSet<Vec<u8>>) -> Vec<(Vec<u8>, u32)> {
    let paths: Vec<PathBuf> = wanted.iter().map(|p| bytes_to_path(p)).collect();
    let Ok(output) = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["ls-files", "--stage", "-z", "--"])
        .args(&paths)
        .stderr(Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    if !output.status.success() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for record in output.stdout.split(|&b| b == 0) {
        // "<mode> <object> <stage>\t<path>"
        let Some(tab) = record.iter().position(|&b| b == b'\t') else {
            continue;
        };
        let Some(mode) = std::str::from_utf8(&record[..tab])
            .ok()
            .and_then(|meta| meta.split(' ').next())
            .and_then(|m| u32::from_str_radix(m, 8).ok())
        else {
            continue;
        };
        found.push((record[tab + 1..].to_vec(), mode));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_modes_from_the_index() {
        if which::which("git").is_err() {
            eprintln!("skipped: git is not on PATH");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        std::fs::create_dir_all(root.join("wazo")).unwrap();
        std::fs::write(root.join("wazo/rules"), "#!/bin/sh\n").unwrap();
        std::fs::write(root.join("wazo/plugin.yml"), "name: p\n").unwrap();
        let git = |args: &[&str]| {
            Command::new("git")
                .arg("-C")
                .arg(tmp.path())
                .args(args)
                .output()
                .unwrap()
        };
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["update-index", "--chmod=+x", "p/wazo/plugin.yml"]);
        let modes = index_modes(
            std::slice::from_ref(&root),
            &["wazo/rules", "wazo/plugin.yml"],
        );
        let canonical = std::fs::canonicalize(&root).unwrap();
        assert_eq!(modes.get(&canonical.join("wazo/rules")), Some(&0o100644));
        assert_eq!(
            modes.get(&canonical.join("wazo/plugin.yml")),
            Some(&0o100755)
        );
        // The same answers from every index format git writes, and from git itself.
        let wanted: HashSet<Vec<u8>> = [b"p/wazo/rules".to_vec(), b"p/wazo/plugin.yml".to_vec()]
            .into_iter()
            .collect();
        let top = std::fs::canonicalize(tmp.path()).unwrap();
        let mut by_git = ls_files(&top, &wanted);
        by_git.sort();
        for version in ["2", "3", "4"] {
            git(&["update-index", "--index-version", version]);
            let bytes = std::fs::read(tmp.path().join(".git/index")).unwrap();
            let mut ours = read_index(&bytes, &wanted).unwrap();
            ours.sort();
            assert_eq!(ours, by_git, "index version {version}");
        }
    }

    #[test]
    fn bad_indexes_are_not_read() {
        let wanted = HashSet::new();
        assert_eq!(read_index(b"", &wanted), Err(Unsupported));
        assert_eq!(read_index(b"DIRC\0\0\0\x09", &wanted), Err(Unsupported));
        let mut truncated = b"DIRC\0\0\0\x02\0\0\0\x05".to_vec();
        truncated.extend([0u8; 30]);
        assert_eq!(read_index(&truncated, &wanted), Err(Unsupported));
        assert_eq!(varint(&[0x80]), Err(Unsupported));
        assert_eq!(varint(&[0x81, 0x00]), Ok((256, 2)));
    }
}
