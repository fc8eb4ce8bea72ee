//! What a plugin ships: the files its Debian package will hold, each with its path on the
//! server (`/etc/wazo-calld/conf.d/50-x.yml`) and where it comes from in the plugin tree.
//!
//! [`Shipped::from_rules`] reads the package arm of wazo/rules without running it: it follows
//! `mkdir`, `cp` (files, `-R` folders, `etc/*` globs, `dir/.`), `install` (`-D`, `-d`, `-t`),
//! `rsync`, `mv` and `rm` under `${pkgdir}`, and simple variable assignments
//! (`config=etc/x.yml`), against the plugin's own tree. What it cannot follow (an archive
//! unpacked, `pip install --target`, a loop variable) is listed in [`Shipped::opaque`], so checks
//! know the list may be incomplete. [`Shipped::from_staged`] lists a staged `${pkgdir}` after a
//! real `rules package` run: exact.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::shell::{ArmId, Command, Script, Span, Table, Word};

/// Where a shipped file's content comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file of the plugin tree, by its path inside the plugin (`etc/wazo-calld/conf.d/x.yml`).
    Plugin(PathBuf),
    /// A file of a staged package tree, by its path on disk.
    Staged(PathBuf),
    /// Made while building or packaging (a build output, a redirection): content unknown.
    Generated,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedFile {
    /// The absolute path on the server: `/etc/wazo-calld/conf.d/50-x.yml`.
    pub path: String,
    pub origin: Origin,
    /// The word of wazo/rules that ships it (the destination of the copy), when read from rules.
    pub span: Option<Span>,
}

impl ShippedFile {
    /// The path inside the plugin of the source file, for plugin files.
    pub fn plugin_rel(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Plugin(rel) => Some(rel),
            _ => None,
        }
    }
}

/// A package-arm command whose effect on the package could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opaque {
    pub span: Span,
    /// What it is: "pip install", "tar", "an unresolved path".
    pub what: String,
    /// True for a Python install (`pip install --target`, `setup.py install --root`): it adds
    /// Python packages, not configuration files.
    pub python: bool,
}

/// The files a plugin ships.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shipped {
    /// In the order they were added; one entry per package path (a later copy replaces).
    pub files: Vec<ShippedFile>,
    /// Folders created under `${pkgdir}` (`/etc/wazo-calld/conf.d`).
    pub dirs: BTreeSet<String>,
    pub opaque: Vec<Opaque>,
    /// True for a staged tree: the list is the package's content.
    pub exact: bool,
}

/// Stops walking huge trees: a plugin ships at most this many files from one copy.
const MAX_FILES: usize = 20_000;

impl Shipped {
    /// The files under a folder of the server (`/etc/asterisk/extensions_extra.d`).
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a ShippedFile> + 'a {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.files
            .iter()
            .filter(move |f| f.path.starts_with(&prefix))
    }

    /// Whether the list may miss configuration files: a command that is not a Python install
    /// could not be followed.
    pub fn may_miss_files(&self) -> bool {
        !self.exact && self.opaque.iter().any(|o| !o.python)
    }

    /// Whether anything is shipped under `dir` (files, or folders created there).
    pub fn ships_under(&self, dir: &str) -> bool {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.under(dir).next().is_some()
            || self.dirs.iter().any(|d| d == dir || d.starts_with(&prefix))
    }

    /// Lists a staged package tree (the `${pkgdir}` a real `rules package` filled).
    pub fn from_staged(dir: &Path) -> Shipped {
        let mut out = Shipped {
            exact: true,
            ..Shipped::default()
        };
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let Ok(rel) = entry.path().strip_prefix(dir) else {
                continue;
            };
            if rel.as_os_str().is_empty() || rel.starts_with("DEBIAN") {
                continue;
            }
            let path = format!("/{}", rel.to_string_lossy());
            if entry.file_type().is_dir() {
                out.dirs.insert(path);
            } else {
                out.files.push(ShippedFile {
                    path,
                    origin: Origin::Staged(entry.path().to_path_buf()),
                    span: None,
                });
            }
        }
        out
    }

    /// What the package arm of the parsed rules script ships, read against the plugin tree at
    /// `root` (`None` for a plugin given as text: only what names no plugin file is known).
    pub fn from_rules(root: Option<&Path>, script: &Script, table: &Table) -> Shipped {
        let mut state = State {
            root,
            vars: HashMap::new(),
            cwd: Some(PathBuf::new()),
            out: Shipped::default(),
            seen: std::collections::HashSet::new(),
        };
        for command in script.commands() {
            let arm = table.arm_of(&command.span);
            let in_package = match arm {
                Some(ArmId::Default) => false,
                Some(id) => table.names(id).contains(&"package"),
                None => false,
            };
            if arm.is_none() && command.function.is_none() {
                state.assign(command);
                continue;
            }
            if in_package {
                state.assign(command);
                state.run(command);
            }
        }
        for redirect in script.redirects() {
            if !redirect.op.writes_file() {
                continue;
            }
            let in_package = table
                .arm_of(&redirect.target.span)
                .is_some_and(|id| id != ArmId::Default && table.names(id).contains(&"package"));
            if in_package && let Some(Dest::Pkg(path)) = state.resolve_dest(&redirect.target) {
                state.add(path, Origin::Generated, &redirect.target.span);
            }
        }
        state.out
    }
}

/// A resolved word: a path under `${pkgdir}` (absolute on the server) or in the plugin tree.
enum Dest {
    Pkg(String),
    Tree,
    /// An absolute path outside the package, or a word with unknown parts.
    Other,
}

struct State<'a> {
    root: Option<&'a Path>,
    vars: HashMap<String, Option<String>>,
    /// The working directory relative to the plugin root; `None` once unknown.
    cwd: Option<PathBuf>,
    out: Shipped,
    /// The paths in `out.files` (removals may leave stale entries: only a hint).
    seen: std::collections::HashSet<String>,
}

/// The marker a resolved `${pkgdir}` becomes.
const PKG: &str = "\u{0}PKGDIR\u{0}";

impl State<'_> {
    /// Records `name=value` assignments (a bare assignment, or `export name=value`).
    fn assign(&mut self, command: &Command) {
        let words: Vec<&Word> = match command.name.as_ref().map(Word::unquoted).as_deref() {
            None => command.assignments.iter().collect(),
            Some("export" | "readonly" | "local" | "declare") => command.args.iter().collect(),
            _ => return,
        };
        for word in words {
            let Some((name, value)) = word.raw.split_once('=') else {
                continue;
            };
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.is_empty() {
                continue;
            }
            let value = self.expand(&crate::shell::Word {
                raw: value.to_string(),
                span: word.span.clone(),
            });
            self.vars.insert(name.to_string(), value);
        }
    }

    /// The word with quotes removed and variables substituted; `None` when a part is unknown
    /// (a command substitution, an unset or computed variable).
    fn expand(&self, word: &Word) -> Option<String> {
        let text = word.unquoted();
        if text.contains("$(") || text.contains('`') {
            return None;
        }
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let (name, len) = if let Some(inner) = after.strip_prefix('{') {
                let end = inner.find('}')?;
                let body = &inner[..end];
                let name_len = body
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(body.len());
                let (name, op) = body.split_at(name_len);
                // ${x:?msg} and ${x:-} keep x's value; other operators change it.
                if !(op.is_empty() || op.starts_with(":?") || op.starts_with('?')) {
                    return None;
                }
                (name.to_string(), end + 2)
            } else {
                let len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (after[..len].to_string(), len)
            };
            if name.is_empty() {
                return None;
            }
            if name == "pkgdir" {
                out.push_str(PKG);
            } else {
                out.push_str(self.vars.get(&name)?.as_deref()?);
            }
            rest = &after[len..];
        }
        out.push_str(rest);
        Some(out)
    }

    fn resolve(&self, word: &Word) -> Option<String> {
        self.expand(word)
    }

    fn resolve_dest(&self, word: &Word) -> Option<Dest> {
        let text = self.resolve(word)?;
        Some(classify(&text, self.cwd.as_deref()))
    }

    fn opaque(&mut self, span: &Span, what: impl Into<String>) {
        self.out.opaque.push(Opaque {
            span: span.clone(),
            what: what.into(),
            python: false,
        });
    }

    fn add(&mut self, path: String, origin: Origin, span: &Span) {
        let path = normalize(&path);
        if let Some(parent) = parent(&path) {
            self.out.dirs.insert(parent.to_string());
        }
        // A later copy to the same path replaces the earlier one.
        if self.seen.contains(&path) {
            self.out.files.retain(|f| f.path != path);
        } else if self.out.files.len() < MAX_FILES {
            self.seen.insert(path.clone());
        } else {
            return;
        }
        self.out.files.push(ShippedFile {
            path,
            origin,
            span: Some(span.clone()),
        });
    }

    fn is_dir(&self, path: &str) -> bool {
        let path = normalize(path);
        path == "/"
            || self.out.dirs.contains(&path)
            || self
                .out
                .files
                .iter()
                .any(|f| f.path.starts_with(&format!("{path}/")))
    }

    fn run(&mut self, command: &Command) {
        let Some(name) = command.name.as_ref().map(Word::unquoted) else {
            return;
        };
        let name = name.rsplit('/').next().unwrap_or(&name).to_string();
        match name.as_str() {
            "cd" => {
                let target = command.args.first().and_then(|w| self.resolve(w));
                self.cwd = match (target, self.cwd.take()) {
                    (Some(t), Some(cwd)) if !t.starts_with('/') && !t.contains(PKG) => {
                        Some(cwd.join(t))
                    }
                    _ => None,
                };
            }
            "mkdir" => {
                for w in operands(command, &["-m", "--mode"]) {
                    if let Some(Dest::Pkg(p)) = self.resolve_dest(w) {
                        self.out.dirs.insert(normalize(&p));
                    }
                }
            }
            "cp" | "rsync" => self.copy(command, name == "rsync"),
            "install" => self.install(command),
            "mv" => self.mv(command),
            "rm" => {
                for w in operands(command, &[]) {
                    if let Some(Dest::Pkg(p)) = self.resolve_dest(w) {
                        let p = normalize(&p);
                        if p.contains(['*', '?', '[']) {
                            let Some(m) = matcher(&p) else { continue };
                            self.out.files.retain(|f| !m.is_match(&f.path));
                        } else {
                            let prefix = format!("{p}/");
                            self.out
                                .files
                                .retain(|f| f.path != p && !f.path.starts_with(&prefix));
                        }
                    }
                }
            }
            "tar" | "unzip" | "dpkg-deb" | "cpio" => {
                if command.args.iter().any(|a| a.raw.contains("pkgdir")) {
                    // `tar xf dist/x.tar.gz -C ${pkgdir}`: the tree `setup.py bdist` built,
                    // Python code (and the setup.py's data_files, which checks account for).
                    let built = command
                        .args
                        .iter()
                        .any(|a| a.unquoted().starts_with("dist/"));
                    self.out.opaque.push(Opaque {
                        span: command.span.clone(),
                        what: format!("`{name}` unpacking into ${{pkgdir}}"),
                        python: built,
                    });
                }
            }
            "pip" | "pip3" | "python" | "python3" => {
                if command.args.iter().any(|a| a.raw.contains("pkgdir")) {
                    self.out.opaque.push(Opaque {
                        span: command.span.clone(),
                        what: format!("`{name}` installing Python code into ${{pkgdir}}"),
                        python: true,
                    });
                }
            }
            "make" | "ln" | "chmod" | "chown" | "sed" | "find" => {
                if name == "make" && command.args.iter().any(|a| a.raw.contains("pkgdir")) {
                    self.opaque(&command.span, format!("`{name}` writing into ${{pkgdir}}"));
                }
            }
            _ => {
                if command.args.iter().any(|a| a.raw.contains("pkgdir")) && name != ":" {
                    self.opaque(&command.span, format!("`{name}` with ${{pkgdir}}"));
                }
            }
        }
    }

    fn copy(&mut self, command: &Command, rsync: bool) {
        let flags = short_flags(command);
        let recursive = rsync && (flags.contains('a') || flags.contains('r'))
            || !rsync && (flags.contains('r') || flags.contains('R') || flags.contains('a'))
            || command
                .args
                .iter()
                .any(|a| matches!(a.raw.as_str(), "--recursive" | "--archive"));
        let mut ops = operands(command, &["-t", "--target-directory", "-S", "--suffix"]);
        let target_dir = option_value(command, "-t");
        let dest_word = match target_dir {
            Some(w) => w,
            None => match ops.pop() {
                Some(w) => w,
                None => return,
            },
        };
        let Some(dest) = self.resolve_dest(dest_word) else {
            if dest_word.raw.contains("pkgdir") {
                self.opaque(&dest_word.span, "a destination with unknown parts");
            }
            return;
        };
        let Dest::Pkg(dest) = dest else { return };
        let mut sources = Vec::new();
        for w in &ops {
            match self.sources(w, rsync) {
                Some(list) => sources.extend(list),
                None => self.opaque(&w.span, "a source with unknown parts"),
            }
        }
        let into = target_dir.is_some()
            || dest_word.unquoted().ends_with('/')
            || sources.len() > 1
            || self.is_dir(&dest);
        for source in sources {
            self.copy_one(&source, &dest, into, recursive, &dest_word.span);
        }
    }

    /// The plugin-tree paths (or built files) a source word names, globs expanded.
    fn sources(&self, word: &Word, rsync: bool) -> Option<Vec<Source>> {
        let text = self.resolve(word)?;
        if text.contains(PKG) {
            // Copying inside the package: a file already listed.
            return Some(vec![Source::Pkg(text.replace(PKG, ""))]);
        }
        let cwd = self.cwd.clone()?;
        if text.starts_with('/') {
            return Some(vec![Source::Outside(text)]);
        }
        // `dir/.` copies the folder's contents; so does rsync's `dir/` (cp's `dir/` copies dir).
        let trailing = text.ends_with("/.") || (rsync && text.ends_with('/'));
        let rel = cwd.join(text.trim_end_matches('.').trim_end_matches('/'));
        let Some(root) = self.root else {
            return Some(vec![Source::Tree {
                rel,
                contents: trailing,
            }]);
        };
        let has_glob = text.contains(['*', '?', '[']);
        if !has_glob {
            return Some(vec![Source::Tree {
                rel,
                contents: trailing,
            }]);
        }
        let pattern = rel.to_string_lossy().into_owned();
        let m = matcher(&pattern)?;
        let mut found = Vec::new();
        // Walk from the deepest folder without a glob.
        let base: PathBuf = rel
            .components()
            .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
            .collect();
        let depth = rel.components().count();
        for entry in walkdir::WalkDir::new(root.join(&base))
            .max_depth(depth)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let Ok(r) = entry.path().strip_prefix(root) else {
                continue;
            };
            let hidden = r
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if r.components().count() == depth && !hidden && m.is_match(r) {
                found.push(Source::Tree {
                    rel: r.to_path_buf(),
                    contents: false,
                });
            }
        }
        Some(found)
    }

    fn copy_one(&mut self, source: &Source, dest: &str, into: bool, recursive: bool, span: &Span) {
        match source {
            Source::Outside(path) => {
                let base = path.rsplit('/').next().unwrap_or(path);
                let target = if into {
                    format!("{dest}/{base}")
                } else {
                    dest.to_string()
                };
                self.add(target, Origin::Generated, span);
            }
            Source::Pkg(from) => {
                let from = normalize(from);
                let base = from.rsplit('/').next().unwrap_or(&from).to_string();
                let target = if into {
                    format!("{dest}/{base}")
                } else {
                    dest.to_string()
                };
                let copies: Vec<ShippedFile> = self
                    .out
                    .files
                    .iter()
                    .filter(|f| f.path == from || f.path.starts_with(&format!("{from}/")))
                    .cloned()
                    .collect();
                for f in copies {
                    let rest = &f.path[from.len()..];
                    self.add(format!("{target}{rest}"), f.origin.clone(), span);
                }
            }
            Source::Tree { rel, contents } => {
                let is_dir = self.root.is_some_and(|r| r.join(rel).is_dir());
                let base = rel
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if is_dir {
                    if !recursive {
                        return;
                    }
                    // `cp -R dir dest/` puts dir inside dest; `dir/.` copies its contents.
                    let target = if *contents || !into {
                        dest.to_string()
                    } else {
                        format!("{dest}/{base}")
                    };
                    self.out.dirs.insert(normalize(&target));
                    let Some(root) = self.root else { return };
                    for entry in walkdir::WalkDir::new(root.join(rel))
                        .sort_by_file_name()
                        .into_iter()
                        .flatten()
                        .take(MAX_FILES)
                    {
                        let Ok(inner) = entry.path().strip_prefix(root.join(rel)) else {
                            continue;
                        };
                        let path = format!("{target}/{}", inner.to_string_lossy());
                        if entry.file_type().is_dir() {
                            self.out.dirs.insert(normalize(&path));
                        } else if let Ok(r) = entry.path().strip_prefix(root) {
                            self.add(path, Origin::Plugin(r.to_path_buf()), span);
                        }
                    }
                } else {
                    let target = if into {
                        format!("{dest}/{base}")
                    } else {
                        dest.to_string()
                    };
                    let exists = self.root.is_none_or(|r| r.join(rel).is_file());
                    let origin = if exists {
                        Origin::Plugin(rel.clone())
                    } else {
                        Origin::Generated
                    };
                    self.add(target, origin, span);
                }
            }
        }
    }

    fn install(&mut self, command: &Command) {
        let flags = short_flags(command);
        let ops = operands(
            command,
            &["-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "-S"],
        );
        if flags.contains('d') {
            for w in ops {
                if let Some(Dest::Pkg(p)) = self.resolve_dest(w) {
                    self.out.dirs.insert(normalize(&p));
                }
            }
            return;
        }
        let (dest_word, sources) = match option_value(command, "-t") {
            Some(t) => (t, ops),
            None => match ops.split_last() {
                Some((d, s)) => (*d, s.to_vec()),
                None => return,
            },
        };
        let Some(Dest::Pkg(dest)) = self.resolve_dest(dest_word) else {
            return;
        };
        let into = option_value(command, "-t").is_some()
            || dest_word.unquoted().ends_with('/')
            || sources.len() > 1
            || (!flags.contains('D') && self.is_dir(&dest));
        for w in sources {
            match self.sources(w, false) {
                Some(list) => {
                    for s in list {
                        self.copy_one(&s, &dest, into, false, &dest_word.span);
                    }
                }
                None => self.opaque(&w.span, "a source with unknown parts"),
            }
        }
    }

    fn mv(&mut self, command: &Command) {
        let mut ops = operands(command, &["-t", "-S"]);
        let Some(dest_word) = ops.pop() else { return };
        let Some(Dest::Pkg(dest)) = self.resolve_dest(dest_word) else {
            return;
        };
        let into = dest_word.unquoted().ends_with('/') || ops.len() > 1 || self.is_dir(&dest);
        for w in ops {
            let Some(list) = self.sources(w, false) else {
                self.opaque(&w.span, "a source with unknown parts");
                continue;
            };
            for s in list {
                self.copy_one(&s, &dest, into, true, &dest_word.span);
                if let Source::Pkg(from) = s {
                    let from = normalize(&from);
                    let target = if into {
                        format!("{dest}/{}", from.rsplit('/').next().unwrap_or(&from))
                    } else {
                        dest.clone()
                    };
                    let target = normalize(&target);
                    self.out.files.retain(|f| {
                        f.path.starts_with(&target)
                            || !(f.path == from || f.path.starts_with(&format!("{from}/")))
                    });
                }
            }
        }
    }
}

enum Source {
    Tree { rel: PathBuf, contents: bool },
    Pkg(String),
    Outside(String),
}

fn classify(text: &str, cwd: Option<&Path>) -> Dest {
    if let Some(rest) = text.strip_prefix(PKG) {
        let rest = rest.replace(PKG, "");
        return Dest::Pkg(format!("/{}", rest.trim_start_matches('/')));
    }
    if text.contains(PKG) || text.starts_with('/') {
        return Dest::Other;
    }
    match cwd {
        Some(_) => Dest::Tree,
        None => Dest::Other,
    }
}

/// `/etc//x/./y/` as `/etc/x/y`.
fn normalize(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

fn parent(path: &str) -> Option<&str> {
    let (p, _) = path.rsplit_once('/')?;
    (!p.is_empty()).then_some(p)
}

fn matcher(pattern: &str) -> Option<globset::GlobMatcher> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// The letters of a command's short options (`-rf -a` gives "rfa").
fn short_flags(command: &Command) -> String {
    command
        .args
        .iter()
        .filter_map(|a| {
            let u = a.unquoted();
            (u.starts_with('-') && !u.starts_with("--")).then(|| u[1..].to_string())
        })
        .collect()
}

/// The word after option `opt` (`-t DIR`).
fn option_value<'c>(command: &'c Command, opt: &str) -> Option<&'c Word> {
    let i = command.args.iter().position(|a| a.unquoted() == opt)?;
    command.args.get(i + 1)
}

/// A command's operands: words that are not options, nor the value of an option in
/// `with_value`.
fn operands<'c>(command: &'c Command, with_value: &[&str]) -> Vec<&'c Word> {
    let mut out = Vec::new();
    let mut skip = false;
    let mut only_operands = false;
    for a in &command.args {
        if skip {
            skip = false;
            continue;
        }
        let u = a.unquoted();
        if only_operands {
            out.push(a);
        } else if u == "--" {
            only_operands = true;
        } else if u.starts_with('-') && u.len() > 1 {
            if with_value.contains(&u.as_str()) {
                skip = true;
            }
        } else {
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(tree: &[(&str, &str)], package: &str) -> Shipped {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, text) in tree {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        let rules = format!(
            "#!/bin/sh\nconf=etc/wazo-calld/conf.d/50-x.yml\ncase \"$1\" in\n  build|install|uninstall) ;;\n  package)\n{package}\n  ;;\n  *) exit 1 ;;\nesac\n"
        );
        let script = crate::shell::parse(&rules).expect("parses");
        let crate::shell::Dispatch::Known(table) = crate::shell::dispatch(&script) else {
            panic!("no dispatch");
        };
        Shipped::from_rules(Some(dir.path()), &script, &table)
    }

    fn paths(s: &Shipped) -> Vec<String> {
        s.files.iter().map(|f| f.path.clone()).collect()
    }

    #[test]
    fn a_file_copied_into_a_created_folder() {
        let s = shipped(
            &[("hello.conf", "x")],
            "mkdir -p ${pkgdir}/etc/asterisk/extensions_extra.d\ncp hello.conf ${pkgdir}/etc/asterisk/extensions_extra.d",
        );
        assert_eq!(paths(&s), ["/etc/asterisk/extensions_extra.d/hello.conf"]);
        assert_eq!(
            s.files[0].origin,
            Origin::Plugin(PathBuf::from("hello.conf"))
        );
    }

    #[test]
    fn a_variable_names_source_and_destination() {
        let s = shipped(
            &[("etc/wazo-calld/conf.d/50-x.yml", "a: 1")],
            "mkdir -p \"${pkgdir}/etc/wazo-calld/conf.d\"\ncp \"${conf}\" \"${pkgdir}/${conf}\"",
        );
        assert_eq!(paths(&s), ["/etc/wazo-calld/conf.d/50-x.yml"]);
    }

    #[test]
    fn a_whole_folder_by_glob_and_recursively() {
        let tree = [
            ("etc/wazo-calld/conf.d/50-x.yml", ""),
            ("etc/asterisk/extensions_extra.d/x.conf", ""),
        ];
        let s = shipped(&tree, "cp -R etc/* ${pkgdir}/etc/");
        assert_eq!(
            paths(&s),
            [
                "/etc/asterisk/extensions_extra.d/x.conf",
                "/etc/wazo-calld/conf.d/50-x.yml"
            ]
        );
        let s = shipped(&tree, "cp -r etc ${pkgdir}");
        assert_eq!(s.files.len(), 2);
        let s = shipped(&tree, "mkdir -p ${pkgdir}/etc\ncp -a etc/. ${pkgdir}/etc");
        assert_eq!(s.files.len(), 2);
        assert!(s.files.iter().all(|f| f.path.starts_with("/etc/")));
        // Without -r a folder is not copied.
        let s = shipped(&tree, "cp etc ${pkgdir}/");
        assert!(s.files.is_empty());
    }

    #[test]
    fn install_d_and_removal() {
        let s = shipped(
            &[("a.yml", "")],
            "install -D -m 644 a.yml ${pkgdir}/etc/wazo-auth/conf.d/a.yml\nrm -f ${pkgdir}/etc/wazo-auth/conf.d/a.yml",
        );
        assert!(s.files.is_empty());
        assert!(s.dirs.contains("/etc/wazo-auth/conf.d"));
    }

    #[test]
    fn what_cannot_be_followed_is_listed() {
        let s = shipped(
            &[],
            "tar -xf build.tar -C ${pkgdir}\nfor f in *.conf; do cp \"$f\" ${pkgdir}/etc/; done",
        );
        assert_eq!(s.opaque.len(), 2, "{:?}", s.opaque);
    }

    #[test]
    fn copying_a_large_tree_stays_fast_and_bounded() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..3000 {
            let p = dir.path().join(format!("data/{}/f{i}.txt", i % 30));
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "").expect("write");
        }
        let rules = "#!/bin/sh\ncase \"$1\" in\n  package) cp -R . \"${pkgdir}/usr/share/x\" ;;\n  *) exit 1 ;;\nesac\n";
        let script = crate::shell::parse(rules).expect("parses");
        let crate::shell::Dispatch::Known(table) = crate::shell::dispatch(&script) else {
            panic!("no dispatch");
        };
        let start = std::time::Instant::now();
        let s = Shipped::from_rules(Some(dir.path()), &script, &table);
        assert_eq!(s.files.len(), 3000);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    }

    #[test]
    fn a_staged_tree_is_listed_as_is() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("etc/wazo-calld/conf.d");
        std::fs::create_dir_all(&p).expect("mkdir");
        std::fs::write(p.join("x.yml"), "").expect("write");
        std::fs::create_dir_all(dir.path().join("DEBIAN")).expect("mkdir");
        let s = Shipped::from_staged(dir.path());
        assert!(s.exact);
        assert_eq!(paths(&s), ["/etc/wazo-calld/conf.d/x.yml"]);
    }
}
