//! Naming the paths a confined step was denied: bubblewrap makes the host read-only (`EROFS`),
//! Landlock refuses writes (`EACCES`). Neither tells us which path was refused, but the tools
//! that fail say it in their error message (`touch: cannot touch '/etc/x': Permission denied`,
//! `sh: 1: cannot create /etc/x: Read-only file system`, Python's `[Errno 13] Permission
//! denied: '/etc/x'`), so each output line is scanned for them.

use std::path::{Path, PathBuf};

const MARKERS: &[&str] = &[
    "Permission denied",
    "Read-only file system",
    "Operation not permitted",
    "Errno 13",
    "Errno 30",
    "EACCES",
    "EROFS",
];

/// Absolute paths quoted or standing alone in `line`.
fn candidates(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Quoted: '...', "...", ‘...’, `...'.
    for (open, close) in [('\'', '\''), ('"', '"'), ('‘', '’'), ('`', '\'')] {
        let mut rest = line;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + open.len_utf8()..];
            let Some(j) = after.find(close) else { break };
            let inner = &after[..j];
            if inner.starts_with('/') {
                out.push(inner.to_string());
            }
            rest = &after[j + close.len_utf8()..];
        }
    }
    for token in line.split_whitespace() {
        let t = token.trim_matches(|c: char| "'\"‘’`,;:()[]".contains(c));
        if t.starts_with('/') && t.len() > 1 {
            out.push(t.to_string());
        }
    }
    out
}

/// The markers of a write refused by a read-only mount: under bubblewrap a "Permission
/// denied" is a read of a file the step's uid cannot read (as root, root's own files), not a
/// refused write, and must not fail the step.
const READ_ONLY_MARKERS: &[&str] = &["Read-only file system", "Errno 30", "EROFS"];

/// Adds to `found` each path outside `allowed` that `line` reports as denied.
pub fn scan(line: &str, allowed: &[PathBuf], found: &mut Vec<String>) {
    scan_markers(MARKERS, line, allowed, found);
}

/// [`scan`] for bubblewrap: only read-only-filesystem errors count.
pub fn scan_read_only(line: &str, allowed: &[PathBuf], found: &mut Vec<String>) {
    scan_markers(READ_ONLY_MARKERS, line, allowed, found);
}

fn scan_markers(markers: &[&str], line: &str, allowed: &[PathBuf], found: &mut Vec<String>) {
    if !markers.iter().any(|m| line.contains(m)) {
        return;
    }
    for c in candidates(line) {
        let inside = allowed.iter().any(|a| Path::new(&c).starts_with(a));
        if !inside && !found.contains(&c) && !c.starts_with("/dev/") {
            found.push(c);
        }
    }
}

/// The denied paths in `lines`.
pub fn paths<'a>(lines: impl IntoIterator<Item = &'a str>, allowed: &[PathBuf]) -> Vec<String> {
    let mut found = Vec::new();
    for l in lines {
        scan(l, allowed, &mut found);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_refused_paths() {
        let work = vec![PathBuf::from("/tmp/w")];
        let lines = [
            "touch: cannot touch '/etc/x': Permission denied",
            "/tmp/w/plugin/wazo/rules: 3: cannot create /etc/y: Read-only file system",
            "mkdir: cannot create directory ‘/etc/z’: Read-only file system",
            "PermissionError: [Errno 13] Permission denied: '/opt/q'",
            "all fine in /etc/ok",
            "sh: 1: cannot create /dev/tty: Permission denied",
        ];
        assert_eq!(
            paths(lines, &work),
            ["/etc/x", "/etc/y", "/etc/z", "/opt/q"]
        );
    }
}
