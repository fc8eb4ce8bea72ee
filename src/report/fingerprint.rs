//! Fingerprints of findings that survive edits elsewhere in the file: the SARIF
//! `partialFingerprints` and the keys of a baseline (`lint --write-baseline`).
//!
//! A finding's fingerprint is the SHA-256 of its code, its file (as reported, relative to the
//! current directory, `.` and `..` resolved), the text of the line it starts on with its
//! whitespace normalised (trimmed, runs collapsed to one space), and its rank among the
//! findings with the same three: the way CodeQL's `primaryLocationLineHash` keys a result by
//! its line's text rather than its line number. Moving the line, or adding lines above it,
//! keeps the fingerprint; changing the line's text or the code does not.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::locate;
use crate::diagnostic::Diagnostic;
use crate::lint::{PluginReport, Report};

/// The key of our fingerprint in SARIF `partialFingerprints`, versioned as SARIF asks.
pub const SARIF_KEY: &str = "wazoPluginLineHash/v1";

/// A finding with the place and fingerprint a baseline records.
#[derive(Debug, Clone)]
pub struct Finding<'r> {
    pub plugin: &'r PluginReport,
    pub diagnostic: &'r Diagnostic,
    /// The file, relative to the base when under it, with `/` separators.
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub fingerprint: String,
}

/// Every finding of the report, in report order, with its fingerprint. Paths are made
/// relative to `base` (the current directory) when they lie under it.
pub fn findings<'r>(report: &'r Report, base: Option<&Path>) -> Vec<Finding<'r>> {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    let mut out = Vec::new();
    for plugin in &report.plugins {
        for d in &plugin.diagnostics {
            let loc = locate(plugin, d);
            let file = slash_path(&relative_to(&loc.file, base));
            let text = plugin
                .source(&d.file)
                .and_then(|s| s.text.lines().nth(loc.start.line.saturating_sub(1)))
                .map(normalize_line)
                .unwrap_or_default();
            let key = (d.code.to_string(), file.clone(), text);
            let rank = seen.entry(key.clone()).or_insert(0);
            let fingerprint = hash(&key.0, &key.1, &key.2, *rank);
            *rank += 1;
            out.push(Finding {
                plugin,
                diagnostic: d,
                file,
                line: loc.start.line,
                fingerprint,
            });
        }
    }
    out
}

fn hash(code: &str, file: &str, text: &str, rank: usize) -> String {
    let mut h = Sha256::new();
    for part in [code, file, text, &rank.to_string()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A line's text with its whitespace normalised.
pub fn normalize_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The path with `.` dropped and each `..` folded into the component before it (lexically:
/// symbolic links are not followed). A `..` with nothing to fold stays.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// The path as reported: normalised, relative to `base` when it lies under it, else absolute
/// (a relative path that climbs out of `base` is resolved against it).
pub fn relative_to(path: &Path, base: Option<&Path>) -> PathBuf {
    let path = normalize(path);
    let climbs = matches!(path.components().next(), Some(Component::ParentDir));
    if path.is_relative() && !climbs {
        return path;
    }
    let Some(base) = base else { return path };
    let base = normalize(base);
    let absolute = if path.is_relative() {
        normalize(&base.join(&path))
    } else {
        path
    };
    match absolute.strip_prefix(&base) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => absolute,
    }
}

/// The path with `/` between components.
pub fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    match parts.as_slice() {
        [] => ".".into(),
        [root] if root.is_empty() => "/".into(),
        _ => parts.join("/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalize(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalize(Path::new("../a/../../b")), Path::new("../../b"));
        assert_eq!(normalize(Path::new("/../a")), Path::new("/a"));
        let base = Some(Path::new("/work/repo"));
        assert_eq!(
            relative_to(Path::new("p/../q/wazo/rules"), base),
            Path::new("q/wazo/rules")
        );
        assert_eq!(
            relative_to(Path::new("../repo/p/wazo/rules"), base),
            Path::new("p/wazo/rules")
        );
        assert_eq!(
            relative_to(Path::new("../other/wazo/rules"), base),
            Path::new("/work/other/wazo/rules")
        );
        assert_eq!(
            relative_to(Path::new("/work/repo/./p/x"), base),
            Path::new("p/x")
        );
        assert_eq!(slash_path(Path::new("")), ".");
        assert_eq!(slash_path(Path::new("/a/b")), "/a/b");
    }

    #[test]
    fn lines_are_normalised() {
        assert_eq!(normalize_line("  version:\t 1.10  "), "version: 1.10");
    }

    #[test]
    fn the_hash_separates_its_parts() {
        assert_ne!(hash("WP1", "ab", "c", 0), hash("WP1", "a", "bc", 0));
        assert_ne!(hash("WP1", "a", "b", 0), hash("WP1", "a", "b", 1));
        assert_eq!(hash("WP1", "a", "b", 0).len(), 32);
    }
}
