//! Reading a plugin folder: what is there, and the text of its two files.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::source::SourceFile;

/// Files larger than this are reported, not parsed: real plugin.yml and rules files are a few
/// kilobytes.
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

pub const MANIFEST: &str = "wazo/plugin.yml";
pub const RULES: &str = "wazo/rules";

/// What we found at the place of one of the plugin's files.
#[derive(Debug, Clone)]
pub enum FileState {
    Missing,
    /// Something that is not a regular file (a directory named plugin.yml, a socket...).
    NotAFile,
    /// A symbolic link that cannot be followed (dangling, or a loop).
    BrokenLink,
    Unreadable(String),
    TooLarge(u64),
    /// Not valid UTF-8; the offset of the first bad byte. The text is still given, read lossily.
    NotUtf8 {
        offset: usize,
        source: SourceFile,
    },
    Loaded(SourceFile),
}

impl FileState {
    /// The file's text, when it could be read (lossily for non-UTF-8 files).
    pub fn source(&self) -> Option<&SourceFile> {
        match self {
            FileState::Loaded(s) | FileState::NotUtf8 { source: s, .. } => Some(s),
            _ => None,
        }
    }
}

/// A plugin folder, read.
#[derive(Debug, Clone)]
pub struct Plugin {
    /// The folder on disk (`None` for a plugin given as in-memory text, e.g. by an editor).
    pub root: Option<PathBuf>,
    /// The folder as the user named it.
    pub display: PathBuf,
    pub has_wazo_dir: bool,
    /// A top-level `_pkg` exists (wazo-plugind's pkgdir: its creation fails then).
    pub has_pkg_dir: bool,
    pub manifest: FileState,
    pub rules: FileState,
    /// Unix permission bits of wazo/rules and wazo/plugin.yml, when known.
    pub rules_mode: Option<u32>,
    pub manifest_mode: Option<u32>,
    /// The modes git's index records for wazo/rules and wazo/plugin.yml (e.g. 0o100644),
    /// when the plugin is in a git work tree (filled by [`crate::plugin::git`]).
    pub rules_git_mode: Option<u32>,
    pub manifest_git_mode: Option<u32>,
    /// Symbolic links in the folder that point outside it (see [`crate::plugin::links`]).
    pub outside_links: Vec<crate::plugin::links::OutsideLink>,
}

impl Plugin {
    /// Reads the plugin folder at `root`, shown to the user as `display`.
    pub fn load(root: &Path, display: &Path) -> Plugin {
        let wazo = root.join("wazo");
        let (manifest, manifest_mode) = read(&root.join(MANIFEST), display, MANIFEST);
        let (rules, rules_mode) = read(&root.join(RULES), display, RULES);
        Plugin {
            root: Some(root.to_path_buf()),
            display: display.to_path_buf(),
            has_wazo_dir: std::fs::metadata(&wazo).is_ok_and(|m| m.is_dir()),
            has_pkg_dir: std::fs::symlink_metadata(root.join("_pkg")).is_ok(),
            manifest,
            rules,
            rules_mode,
            manifest_mode,
            rules_git_mode: None,
            manifest_git_mode: None,
            outside_links: crate::plugin::links::outside_links(root),
        }
    }

    /// A plugin given as text (an editor buffer, stdin): no folder, no modes.
    pub fn from_text(display: &Path, manifest: Option<String>, rules: Option<String>) -> Plugin {
        let state = |rel: &str, text: Option<String>| match text {
            None => FileState::Missing,
            Some(t) => FileState::Loaded(SourceFile::new(display.join(rel), rel.into(), t)),
        };
        Plugin {
            root: None,
            display: display.to_path_buf(),
            has_wazo_dir: true,
            has_pkg_dir: false,
            manifest: state(MANIFEST, manifest),
            rules: state(RULES, rules),
            rules_mode: None,
            manifest_mode: None,
            rules_git_mode: None,
            manifest_git_mode: None,
            outside_links: Vec::new(),
        }
    }

    /// The same plugin, marked as having no `wazo/` folder.
    pub fn without_wazo_dir(mut self) -> Plugin {
        self.has_wazo_dir = false;
        self
    }

    /// The path shown for a file inside the plugin.
    pub fn display_path(&self, rel: &Path) -> PathBuf {
        self.display.join(rel)
    }
}

fn read(path: &Path, display: &Path, rel: &str) -> (FileState, Option<u32>) {
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(_) => return (FileState::Missing, None),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) if link.file_type().is_symlink() => return (FileState::BrokenLink, None),
        Err(e) => return (FileState::Unreadable(e.to_string()), None),
    };
    let mode = unix_mode(&meta);
    if !meta.is_file() {
        return (FileState::NotAFile, mode);
    }
    if meta.len() > MAX_FILE_SIZE {
        return (FileState::TooLarge(meta.len()), mode);
    }
    let mut bytes = Vec::new();
    let result =
        std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes));
    if let Err(e) = result {
        return (FileState::Unreadable(e.to_string()), mode);
    }
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return (FileState::TooLarge(bytes.len() as u64), mode);
    }
    let display = display.join(rel);
    let state = match String::from_utf8(bytes) {
        Ok(text) => FileState::Loaded(SourceFile::new(display, rel.into(), text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            FileState::NotUtf8 {
                offset,
                source: SourceFile::new(display, rel.into(), text),
            }
        }
    };
    (state, mode)
}

#[cfg(unix)]
fn unix_mode(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode())
}

#[cfg(not(unix))]
fn unix_mode(_meta: &std::fs::Metadata) -> Option<u32> {
    None
}
