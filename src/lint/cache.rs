//! The shellcheck cache: the findings of a script kept by the content of everything that
//! decides them, so that linting an unchanged tree again starts no shellcheck.
//!
//! The key hashes (SHA-256) the script's bytes, the dialect it is checked as, the shellcheck
//! executable's identity (its resolved path, size and modification time: asking it for its
//! version would start it), the `.shellcheckrc` files it would read (the script's folder and
//! its parents, `~/.shellcheckrc`, `$XDG_CONFIG_HOME/shellcheckrc`), `SHELLCHECK_OPTS`, and the
//! version of this cache's format. An entry is one small JSON file with the json1 fields of
//! each comment, under `<dir>/shellcheck/`. A missing, unreadable or corrupt entry is a miss;
//! a cache that cannot be written is skipped: the cache never makes a lint fail.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::shell::ShellDialect;
use crate::shell::shellcheck::{Finding, Level};

/// Bumped when the entries' format or meaning changes.
const FORMAT: &str = "wazo-plugin shellcheck cache 1";

/// A cache entry's name: the hex SHA-256 of its inputs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key(String);

/// What the shellcheck findings of one script depend on.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub script: &'a [u8],
    pub dialect: ShellDialect,
    /// The executable's identity (see [`exe_identity`]).
    pub exe: &'a str,
    /// The contents of the rc files that apply (see [`rc_files`]), in order.
    pub rc: &'a [(PathBuf, Vec<u8>)],
    /// `SHELLCHECK_OPTS`.
    pub opts: &'a str,
}

impl Key {
    /// The key of `inputs`. Each input is length-prefixed, so that no two inputs collide by
    /// concatenation.
    pub fn new(inputs: &Inputs) -> Key {
        let mut h = Sha256::new();
        let mut part = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        part(FORMAT.as_bytes());
        part(inputs.dialect.as_str().as_bytes());
        part(inputs.exe.as_bytes());
        part(inputs.opts.as_bytes());
        for (path, content) in inputs.rc {
            part(path.as_os_str().as_encoded_bytes());
            part(content);
        }
        part(inputs.script);
        let digest = h.finalize();
        Key(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The identity of the shellcheck executable: resolved path, size and modification time. A new
/// shellcheck (an upgrade replaces the file) gives new keys.
pub fn exe_identity(exe: &Path) -> Option<String> {
    let path = std::fs::canonicalize(exe).ok()?;
    let meta = std::fs::metadata(&path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{}\0{}\0{}.{:09}",
        path.display(),
        meta.len(),
        mtime.as_secs(),
        mtime.subsec_nanos()
    ))
}

/// The rc files shellcheck may read for `script`, with their contents: every `.shellcheckrc`
/// of its folder and the parents, then the user's. Taking them all (shellcheck reads the
/// first) only costs misses, never a stale hit.
pub fn rc_files(script: &Path, user: &[PathBuf]) -> Vec<(PathBuf, Vec<u8>)> {
    let abs = std::fs::canonicalize(script).unwrap_or_else(|_| script.to_path_buf());
    let mut out = Vec::new();
    let folders = abs.parent().into_iter().flat_map(Path::ancestors);
    for rc in folders
        .map(|d| d.join(".shellcheckrc"))
        .chain(user.iter().cloned())
    {
        if let Ok(content) = std::fs::read(&rc) {
            out.push((rc, content));
        }
    }
    out
}

/// The user's rc files as shellcheck looks for them (`~/.shellcheckrc`,
/// `$XDG_CONFIG_HOME/shellcheckrc` or `~/.config/shellcheckrc`).
pub fn user_rc_files() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    home.map(|h| h.join(".shellcheckrc"))
        .into_iter()
        .chain(config.map(|c| c.join("shellcheckrc")))
        .collect()
}

/// One comment, with json1's fields (the file is the script the entry is for).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    line: usize,
    end_line: usize,
    column: usize,
    end_column: usize,
    level: String,
    code: u32,
    message: String,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    comments: Vec<Comment>,
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "info",
        Level::Style => "style",
    }
}

fn level_of(name: &str) -> Option<Level> {
    Some(match name {
        "error" => Level::Error,
        "warning" => Level::Warning,
        "info" => Level::Info,
        "style" => Level::Style,
        _ => return None,
    })
}

/// The cache in a folder (created when first written).
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache under `dir` (the user's cache folder for wazo-plugin).
    pub fn new(dir: &Path) -> Cache {
        Cache {
            dir: dir.join("shellcheck"),
        }
    }

    fn entry(&self, key: &Key) -> PathBuf {
        self.dir.join(&key.0[..2]).join(format!("{}.json", key.0))
    }

    /// The findings kept for `key`, with `file` as their file; `None` when there are none or
    /// the entry cannot be read.
    pub fn get(&self, key: &Key, file: &Path) -> Option<Vec<Finding>> {
        let bytes = std::fs::read(self.entry(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        entry
            .comments
            .into_iter()
            .map(|c| {
                Some(Finding {
                    file: file.to_path_buf(),
                    line: c.line,
                    column: c.column,
                    end_line: c.end_line,
                    end_column: c.end_column,
                    level: level_of(&c.level)?,
                    code: c.code,
                    message: c.message,
                })
            })
            .collect()
    }

    /// Keeps `findings` (all of one script) under `key`. Failing to write is not an error:
    /// the next run asks shellcheck again.
    pub fn put(&self, key: &Key, findings: &[&Finding]) {
        let entry = Entry {
            comments: findings
                .iter()
                .map(|f| Comment {
                    line: f.line,
                    end_line: f.end_line,
                    column: f.column,
                    end_column: f.end_column,
                    level: level_name(f.level).to_string(),
                    code: f.code,
                    message: f.message.clone(),
                })
                .collect(),
        };
        let path = self.entry(key);
        let _ = (|| -> std::io::Result<()> {
            let dir = path.parent().unwrap_or(&self.dir);
            std::fs::create_dir_all(dir)?;
            let json = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
            // Written aside then renamed: a reader never sees half an entry.
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(&json)?;
            tmp.persist(&path).map_err(|e| e.error)?;
            Ok(())
        })();
    }
}

/// Runs shellcheck (`exe`) on the scripts whose findings `cache` does not hold, keeps what it
/// answers, and returns the findings of all scripts. Without a cache, the same as
/// [`crate::shell::shellcheck::run`].
pub fn run(
    exe: &Path,
    files: &[(PathBuf, ShellDialect)],
    cache: Option<&Cache>,
) -> Result<Vec<Finding>, crate::shell::shellcheck::ShellcheckError> {
    let (Some(cache), Some(identity)) = (cache, exe_identity(exe)) else {
        return crate::shell::shellcheck::run(exe, files);
    };
    let user = user_rc_files();
    let opts = std::env::var("SHELLCHECK_OPTS").unwrap_or_default();
    let mut found = Vec::new();
    let mut missed: Vec<((PathBuf, ShellDialect), Option<Key>)> = Vec::new();
    for (path, dialect) in files {
        // An unreadable script goes to shellcheck, which says why.
        let Ok(script) = std::fs::read(path) else {
            missed.push(((path.clone(), *dialect), None));
            continue;
        };
        let rc = rc_files(path, &user);
        let key = Key::new(&Inputs {
            script: &script,
            dialect: *dialect,
            exe: &identity,
            rc: &rc,
            opts: &opts,
        });
        match cache.get(&key, path) {
            Some(findings) => found.extend(findings),
            None => missed.push(((path.clone(), *dialect), Some(key))),
        }
    }
    if missed.is_empty() {
        return Ok(found);
    }
    let to_run: Vec<(PathBuf, ShellDialect)> = missed.iter().map(|(f, _)| f.clone()).collect();
    let fresh = crate::shell::shellcheck::run(exe, &to_run)?;
    for ((path, _), key) in &missed {
        if let Some(key) = key {
            let of_file: Vec<&Finding> = fresh.iter().filter(|f| &f.file == path).collect();
            cache.put(key, &of_file);
        }
    }
    found.extend(fresh);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(file: &Path) -> Finding {
        Finding {
            file: file.to_path_buf(),
            line: 2,
            column: 3,
            end_line: 2,
            end_column: 7,
            level: Level::Warning,
            code: 2086,
            message: "Double quote to prevent globbing and word splitting.".into(),
        }
    }

    fn key(script: &[u8], dialect: ShellDialect, rc: &[(PathBuf, Vec<u8>)]) -> Key {
        Key::new(&Inputs {
            script,
            dialect,
            exe: "/usr/bin/shellcheck 1 2.0",
            rc,
            opts: "",
        })
    }

    #[test]
    fn every_input_changes_the_key() {
        let base = key(b"#!/bin/sh\necho $1\n", ShellDialect::Sh, &[]);
        assert_eq!(base, key(b"#!/bin/sh\necho $1\n", ShellDialect::Sh, &[]));
        assert_ne!(base, key(b"#!/bin/sh\necho $2\n", ShellDialect::Sh, &[]));
        assert_ne!(base, key(b"#!/bin/sh\necho $1\n", ShellDialect::Bash, &[]));
        let rc = [(
            PathBuf::from("/p/.shellcheckrc"),
            b"disable=SC2086".to_vec(),
        )];
        assert_ne!(base, key(b"#!/bin/sh\necho $1\n", ShellDialect::Sh, &rc));
        let other_exe = Key::new(&Inputs {
            script: b"#!/bin/sh\necho $1\n",
            dialect: ShellDialect::Sh,
            exe: "/usr/bin/shellcheck 1 3.0",
            rc: &[],
            opts: "",
        });
        assert_ne!(base, other_exe);
    }

    #[test]
    fn round_trip_and_corruption() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path());
        let k = key(b"x", ShellDialect::Sh, &[]);
        let file = Path::new("p/wazo/rules");
        assert!(cache.get(&k, file).is_none());
        let f = finding(file);
        cache.put(&k, &[&f]);
        assert_eq!(cache.get(&k, file), Some(vec![f]));
        std::fs::write(cache.entry(&k), b"{not json").unwrap();
        assert!(cache.get(&k, file).is_none());
        std::fs::write(cache.entry(&k), br#"{"comments":[{"line":1,"endLine":1,"column":1,"endColumn":2,"level":"odd","code":1,"message":""}]}"#).unwrap();
        assert!(cache.get(&k, file).is_none());
    }

    #[test]
    fn unwritable_cache_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        // A file where the folder should be: nothing can be written under it.
        let blocked = tmp.path().join("blocked");
        std::fs::write(&blocked, "").unwrap();
        let cache = Cache::new(&blocked);
        let k = key(b"x", ShellDialect::Sh, &[]);
        let file = Path::new("rules");
        cache.put(&k, &[&finding(file)]);
        assert!(cache.get(&k, file).is_none());
    }
}
