//! The one loader: a plugin folder (or in-memory text) read into the model every entry point
//! uses: lint of paths, `--stdin-filename`, the language server, the pipeline and `new`'s
//! self-check. Each file is read once and parsed once (plugin.yml as a spanned YAML tree, the
//! rules script with its syntax tree), its comments located by its parser, and the modes git's
//! index records are added for plugins in a git work tree.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::plugin::yaml::{self, Node, YamlError};
use crate::shell::{self, Script, SyntaxError};
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
    /// plugin.yml parsed: `None` when it could not be read as text, `Ok(None)` for a document
    /// with no content.
    pub manifest_yaml: Option<Result<Option<Node>, YamlError>>,
    /// How the rules script dispatches on its first argument, read once from [`Plugin::script`]
    /// (`None` when the script did not parse).
    pub dispatch: Option<shell::Dispatch>,
    /// The files whose text came from an [`Overrides`] rather than from disk.
    pub overridden: Vec<&'static str>,
    /// wazo/rules parsed (a BOM and the CRs of CRLF line ends read as blanks, offsets kept):
    /// `None` when it could not be read as text.
    pub script: Option<Result<Script, SyntaxError>>,
}

/// Texts that replace files of a plugin on disk: an editor's unsaved buffer, stdin.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    files: Vec<(PathBuf, &'static str, String)>,
}

impl Overrides {
    /// No override: every file is read from disk.
    pub fn none() -> Self {
        Self::default()
    }

    /// The file `rel` (`wazo/plugin.yml` or `wazo/rules`) of the plugin at `root` has `text`.
    pub fn set(&mut self, root: &Path, rel: &'static str, text: String) {
        self.files.push((root.to_path_buf(), rel, text));
    }

    fn get(&self, root: &Path, rel: &str) -> Option<&str> {
        self.files
            .iter()
            .rev()
            .find(|(r, f, _)| r == root && *f == rel)
            .map(|(_, _, t)| t.as_str())
    }
}

/// A plugin to load: its folder on disk (`None` when only in-memory text is known) and the
/// folder as shown to the user.
#[derive(Debug, Clone)]
pub struct Target {
    pub root: Option<PathBuf>,
    pub display: PathBuf,
}

/// Loads plugins: each file read once (or taken from `overrides`), parsed once, with the modes
/// git's index records (one index read per repository, however many plugins it holds).
pub fn load(targets: &[Target], overrides: &Overrides) -> Vec<Plugin> {
    let mut plugins: Vec<Plugin> = targets
        .iter()
        .map(|t| {
            let mut plugin = match &t.root {
                Some(root) => Plugin::read(root, &t.display),
                None => Plugin::empty(&t.display),
            };
            let key = t.root.clone().unwrap_or_else(|| t.display.clone());
            for rel in [MANIFEST, RULES] {
                if let Some(text) = overrides.get(&key, rel) {
                    plugin.set_text(rel, text.to_string());
                }
            }
            plugin.parse();
            plugin
        })
        .collect();
    add_git_modes(&mut plugins);
    plugins
}

/// Records what git's index says of each plugin's files.
fn add_git_modes(plugins: &mut [Plugin]) {
    let roots: Vec<PathBuf> = plugins.iter().filter_map(|p| p.root.clone()).collect();
    if roots.is_empty() {
        return;
    }
    let modes = crate::plugin::git::index_modes(&roots, &[RULES, MANIFEST]);
    if modes.is_empty() {
        return;
    }
    for plugin in plugins {
        let Some(root) = plugin
            .root
            .as_ref()
            .and_then(|r| std::fs::canonicalize(r).ok())
        else {
            continue;
        };
        plugin.rules_git_mode = modes.get(&root.join(RULES)).copied();
        plugin.manifest_git_mode = modes.get(&root.join(MANIFEST)).copied();
    }
}

impl Plugin {
    /// Reads and parses the plugin folder at `root`, shown to the user as `display` (without
    /// git's modes: [`load`] adds them).
    pub fn load(root: &Path, display: &Path) -> Plugin {
        let mut plugin = Plugin::read(root, display);
        plugin.parse();
        plugin
    }

    fn read(root: &Path, display: &Path) -> Plugin {
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
            manifest_yaml: None,
            script: None,
            dispatch: None,
            overridden: Vec::new(),
        }
    }

    fn empty(display: &Path) -> Plugin {
        Plugin {
            root: None,
            display: display.to_path_buf(),
            has_wazo_dir: true,
            has_pkg_dir: false,
            manifest: FileState::Missing,
            rules: FileState::Missing,
            rules_mode: None,
            manifest_mode: None,
            rules_git_mode: None,
            manifest_git_mode: None,
            outside_links: Vec::new(),
            manifest_yaml: None,
            script: None,
            dispatch: None,
            overridden: Vec::new(),
        }
    }

    /// Replaces the text of `rel` (`wazo/plugin.yml` or `wazo/rules`); [`Plugin::parse`] must
    /// follow.
    fn set_text(&mut self, rel: &'static str, text: String) {
        let state = FileState::Loaded(SourceFile::new(self.display.join(rel), rel.into(), text));
        if rel == MANIFEST {
            self.manifest = state;
        } else {
            self.rules = state;
        }
        self.overridden.push(rel);
        self.has_wazo_dir = true;
    }

    /// Parses both files, once, and locates their comments.
    fn parse(&mut self) {
        self.manifest_yaml = match &mut self.manifest {
            FileState::Loaded(source) => {
                let parsed = yaml::parse(&source.text);
                if let Ok(root) = &parsed {
                    source.comments = yaml::comments(&source.text, root.as_ref());
                }
                Some(parsed)
            }
            _ => None,
        };
        self.script = match &mut self.rules {
            FileState::Loaded(source) | FileState::NotUtf8 { source, .. } => {
                let parsed = shell::parse(&blank_bom_and_crs(&source.text));
                source.comments = shell::comments(&source.text);
                Some(parsed)
            }
            _ => None,
        };
        self.dispatch = match &self.script {
            Some(Ok(script)) => Some(shell::dispatch(script)),
            _ => None,
        };
    }

    /// The comments of a file of the plugin, as its parser located them.
    pub fn comments(&self, rel: &Path) -> &[Range<usize>] {
        [&self.manifest, &self.rules]
            .into_iter()
            .filter_map(FileState::source)
            .find(|s| s.rel == rel)
            .map_or(&[], |s| &s.comments)
    }

    /// A plugin given as text alone (no folder on disk, no modes), parsed.
    pub fn from_text(display: &Path, manifest: Option<String>, rules: Option<String>) -> Plugin {
        let mut plugin = Plugin::empty(display);
        if let Some(text) = manifest {
            plugin.set_text(MANIFEST, text);
        }
        if let Some(text) = rules {
            plugin.set_text(RULES, text);
        }
        plugin.parse();
        plugin
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

/// A copy of the text that parses as the kernel and the shell would wish: a BOM and CRs before
/// line breaks blanked to spaces (offsets unchanged), since WP309 and WP310 report them.
fn blank_bom_and_crs(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.starts_with('\u{feff}') && !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\u{feff}' if i == 0 => out.push_str("   "),
            '\r' if chars.peek().is_some_and(|&(_, n)| n == '\n') => out.push(' '),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
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
