//! Checks on what the plugin ships and how Wazo will load it: Python entry points and their
//! wiring (WP4xx), conf.d files (WP5xx), dialplan files (WP6xx), the target Wazo release
//! (WP7xx). All read [`ShippedCx`]: the shipped files (from the package arm of wazo/rules or a
//! staged package), their parsed content, the Python packaging and the rules script.

pub mod api_spec_missing;
pub mod asterisk_not_reloaded;
pub mod auth_keys_not_updated;
pub mod confd_enabled_not_boolean;
pub mod confd_enabled_shape;
pub mod confd_file_ignored;
pub mod confd_key_unknown;
pub mod confd_service_unknown;
pub mod confd_shadowed_by_wazo;
pub mod confd_yaml_invalid;
pub mod depends_cycle;
pub mod dialplan_backup_file;
pub mod dialplan_hook_no_return;
pub mod dialplan_outside_context;
pub mod dialplan_priority_duplicate;
pub mod dialplan_syntax;
pub mod dialplan_target_unknown;
pub mod enabled_name_unknown;
pub mod entry_point_group_legacy;
pub mod entry_point_group_unknown;
pub mod entry_point_module_missing;
pub mod entry_point_not_enabled;
pub mod entry_point_target_invalid;
pub mod packaging_syntax;
pub mod service_not_restarted;
pub mod version_not_bumped;
pub mod wazo_version_excluded;
pub mod wazo_version_unknown;
pub mod wiring;

use std::path::{Path, PathBuf};

use crate::confd::{ConfdFile, confd_path};
use crate::diagnostic::Diagnostic;
use crate::dialplan::{self, Dialplan};
use crate::lint::check::Check;
use crate::lint::rules_script::{RulesCx, arm_names};
use crate::plugin::load::{FileState, Plugin, RULES};
use crate::plugin::shipped::{Origin, Shipped, ShippedFile};
use crate::python::Packaging;
use crate::shell::{Command, Table};
use crate::source::SourceFile;
use crate::wazo_version::{WazoVersion, check_wazo_version};

/// A shipped file whose text was read.
#[derive(Debug)]
pub struct Loaded<'a> {
    pub file: &'a ShippedFile,
    /// The file findings point into: its path inside the plugin (or the staged tree).
    pub rel: PathBuf,
    pub text: String,
}

/// A shipped conf.d file: `/etc/<service>/conf.d/<name>`.
#[derive(Debug)]
pub struct Confd<'a> {
    pub file: &'a ShippedFile,
    pub service: String,
    pub name: String,
    /// The text and its parse, when the content is known.
    pub loaded: Option<(Loaded<'a>, ConfdFile)>,
}

/// A shipped dialplan file under /etc/asterisk/<folder>.d/.
#[derive(Debug)]
pub struct DialplanFile<'a> {
    pub file: &'a ShippedFile,
    /// `extensions_extra.d`.
    pub folder: String,
    pub name: String,
    pub loaded: Option<(Loaded<'a>, Dialplan)>,
}

/// The release a lint run targets: `--wazo-version`, by default the newest known.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub version: Option<WazoVersion>,
    /// Whether the user chose it (messages say "the target" rather than "the newest release").
    pub chosen: bool,
}

/// What the checks of this module read.
pub struct ShippedCx<'a> {
    pub plugin: &'a Plugin,
    pub shipped: &'a Shipped,
    pub confd: Vec<Confd<'a>>,
    pub dialplans: Vec<DialplanFile<'a>>,
    pub packaging: &'a Packaging,
    /// The rules script, parsed, with its dispatch (for restarts).
    pub rules: Option<RulesCx<'a>>,
    pub target: Target,
    /// plugin.yml, parsed (for min/max_wazo_version).
    pub manifest: Option<&'a crate::plugin::yaml::Node>,
    /// `--since REF`: the git revision of the last release.
    pub since: Option<&'a str>,
}

impl<'a> ShippedCx<'a> {
    /// A diagnostic of `check` about a file of the plugin.
    pub fn diag(&self, check: &Check, file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(check, file, message)
    }

    /// A diagnostic about a shipped file: in the file when its text is known and `span` is
    /// given, else on the rules word that ships it, else on the whole file.
    pub fn about(
        &self,
        check: &Check,
        file: &ShippedFile,
        loaded: Option<&Loaded>,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let message = message.into();
        match (loaded, span, &file.span) {
            (Some(l), Some(span), _) => Diagnostic::new(check, &l.rel, message).at(span, None),
            (_, _, Some(word)) if self.rules.is_some() => Diagnostic::new(check, RULES, message)
                .at(word.clone(), Some(format!("ships {}", file.path))),
            (Some(l), None, _) => Diagnostic::new(check, &l.rel, message),
            _ => Diagnostic::new(check, RULES, message),
        }
    }

    /// The commands of the arms handling `command` (`install`, `uninstall`, `postrm`), with
    /// the functions they call followed once.
    pub fn commands_in(&self, command: &str) -> Vec<&'a Command> {
        let Some(rules) = &self.rules else {
            return Vec::new();
        };
        let mut out = rules.commands_in(command);
        let Some(script) = rules.script else {
            return out;
        };
        let called: Vec<String> = out
            .iter()
            .filter_map(|c| c.name.as_ref().map(|n| n.unquoted()))
            .filter(|n| script.functions().iter().any(|f| &f.name == n))
            .collect();
        for c in script.commands() {
            if c.function.as_ref().is_some_and(|f| called.contains(f)) {
                out.push(c);
            }
        }
        out
    }

    /// Whether the rules script could be read well enough to tell what an arm runs.
    /// A shell script only: a Makefile's recipes are not read as commands.
    pub fn rules_known(&self) -> bool {
        self.rules
            .as_ref()
            .is_some_and(|r| r.table.is_some() && r.script.is_some_and(|s| s.dialect().is_some()))
    }

    /// Where the pattern of the arm handling `command` is (`install)`), if there is one.
    /// A finding of `check` on the install arm when none of its commands `does` the step a
    /// shipped file needs (a restart, a reload, a key update); `None` when one does, or when
    /// there is no install arm to point at.
    pub fn install_lacks(
        &self,
        check: &Check,
        does: impl Fn(&Command) -> bool,
        message: &str,
        label: &str,
        help: &str,
    ) -> Option<Diagnostic> {
        if self.commands_in("install").iter().any(|c| does(c)) {
            return None;
        }
        let span = self.arm_span("install")?;
        Some(
            self.diag(check, Path::new(crate::plugin::load::RULES), message)
                .at(span, Some(label.to_string()))
                .help(help),
        )
    }

    pub fn arm_span(&self, command: &str) -> Option<std::ops::Range<usize>> {
        let table = self.rules.as_ref()?.table?;
        table
            .arms
            .iter()
            .flat_map(|a| &a.patterns)
            .find(|p| p.literal && p.value == command)
            .map(|p| p.span.clone())
    }

    /// The conf.d files shipped for `service` whose content is known.
    pub fn confd_of(&self, service: &str) -> impl Iterator<Item = &Confd<'a>> {
        self.confd.iter().filter(move |c| c.service == service)
    }
}

/// The text of a shipped file, read from the plugin tree or the staged package.
fn load<'a>(plugin: &Plugin, file: &'a ShippedFile) -> Option<Loaded<'a>> {
    if let Origin::Plugin(rel) = &file.origin
        && let Some(text) = plugin.text_of(rel)
    {
        // An editor's buffer of the file.
        return Some(Loaded {
            file,
            rel: rel.clone(),
            text: text.to_string(),
        });
    }
    let (rel, path) = match &file.origin {
        Origin::Plugin(rel) => (rel.clone(), plugin.root.as_ref()?.join(rel)),
        Origin::Staged(abs) => (
            PathBuf::from(file.path.trim_start_matches('/')),
            abs.clone(),
        ),
        Origin::Generated => return None,
    };
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > crate::plugin::load::MAX_FILE_SIZE {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Some(Loaded { file, rel, text })
}

/// What a lint run needs to run these checks on a plugin folder: the shipped files computed
/// from the rules script, or given (a staged package).
pub fn lint(
    plugin: &Plugin,
    options: &crate::lint::LintOptions,
    staged: Option<&Shipped>,
    out: &mut Vec<Diagnostic>,
) -> Vec<SourceFile> {
    let rules_source = match &plugin.rules {
        FileState::Loaded(s) | FileState::NotUtf8 { source: s, .. } => Some(s),
        _ => None,
    };
    let script = match &plugin.script {
        Some(Ok(script)) => Some(script),
        _ => None,
    };
    let shipped = staged.unwrap_or(&plugin.shipped);
    let packaging = match &plugin.root {
        Some(root) => crate::python::read(root),
        None => Packaging::default(),
    };
    let manifest_root = match &plugin.manifest_yaml {
        Some(Ok(Some(root))) => Some(root),
        _ => None,
    };
    let rules = match (rules_source, script) {
        (Some(source), Some(_)) => Some(RulesCx::new(plugin, source, None)),
        _ => None,
    };
    let target = target_release(options.wazo_version.as_deref());
    let mut cx = ShippedCx {
        plugin,
        shipped,
        confd: Vec::new(),
        dialplans: Vec::new(),
        packaging: &packaging,
        rules,
        target,
        manifest: manifest_root,
        since: options.since.as_deref(),
    };
    for file in &shipped.files {
        if let Some((service, name)) = confd_path(&file.path) {
            let loaded = load(plugin, file).map(|l| {
                let parsed = ConfdFile::parse(&l.text);
                (l, parsed)
            });
            cx.confd.push(Confd {
                file,
                service: service.to_string(),
                name: name.to_string(),
                loaded,
            });
        } else if let Some(rest) = file.path.strip_prefix("/etc/asterisk/")
            && let Some((folder, name)) = rest.split_once('/')
            && is_dialplan_folder(folder)
            && !name.contains('/')
        {
            // Only *.conf files are read as dialplan: anything else in extensions_extra.d is
            // WP605's (it is included all the same, but is rarely dialplan at all).
            let loaded = load(plugin, file)
                .filter(|_| name.ends_with(".conf"))
                .map(|l| {
                    let parsed = dialplan::parse(&l.text);
                    (l, parsed)
                });
            cx.dialplans.push(DialplanFile {
                file,
                folder: folder.to_string(),
                name: name.to_string(),
                loaded,
            });
        }
    }
    for rule in crate::lint::registry::RULES {
        if let crate::lint::registry::Run::Shipped(run) = rule.run {
            run(&cx, out);
        }
    }
    let display = &plugin.display;
    let mut sources: Vec<SourceFile> = Vec::new();
    let mut add = |rel: &Path, text: &str| {
        if !sources.iter().any(|s| s.rel == rel) && rel != Path::new(RULES) {
            sources.push(SourceFile::new(
                display.join(rel),
                rel.to_path_buf(),
                text.to_string(),
            ));
        }
    };
    for c in &cx.confd {
        if let Some((l, _)) = &c.loaded {
            add(&l.rel, &l.text);
        }
    }
    for d in &cx.dialplans {
        if let Some((l, _)) = &d.loaded {
            add(&l.rel, &l.text);
        }
    }
    for (rel, text) in &packaging.files {
        add(rel, text);
    }
    sources
}

/// Dialplan folders: extensions_extra.d (every file included) and extensions.d.
pub fn is_dialplan_folder(folder: &str) -> bool {
    matches!(folder, "extensions_extra.d" | "extensions.d")
}

/// The release to check against: `wanted` when it is a Wazo version, else the newest known.
pub fn target_release(wanted: Option<&str>) -> Target {
    if let Some(w) = wanted
        && let Ok(version) = check_wazo_version(w)
    {
        return Target {
            name: w.to_string(),
            version: Some(version),
            chosen: true,
        };
    }
    let newest = crate::wazo::releases::newest();
    Target {
        version: newest.version(),
        name: newest.name,
        chosen: false,
    }
}

/// Whether a command restarts the systemd unit `unit` (`systemctl restart|try-restart|
/// reload-or-restart unit`, `service unit restart`, `wazo-service restart`).
pub fn restarts(command: &Command, unit: &str) -> bool {
    let Some(name) = crate::lint::rules_script::effective_name(command).map(|(n, _)| n) else {
        return false;
    };
    let args: Vec<String> = command
        .args
        .iter()
        .map(|a| a.unquoted())
        .filter(|a| !a.starts_with('-'))
        .collect();
    let names_unit = |a: &String| a == unit || a == &format!("{unit}.service");
    match name.as_str() {
        "systemctl" => {
            args.iter().any(|a| {
                matches!(
                    a.as_str(),
                    "restart" | "try-restart" | "reload-or-restart" | "try-reload-or-restart"
                )
            }) && args.iter().any(names_unit)
        }
        "service" => {
            args.first().is_some_and(names_unit) && args.get(1).is_some_and(|a| a == "restart")
        }
        "wazo-service" => args.iter().any(|a| a == "restart"),
        "deb-systemd-invoke" => args.iter().any(|a| a == "restart") && args.iter().any(names_unit),
        _ => false,
    }
}

/// The arms a command is in.
pub fn arms_of<'t>(table: &'t Table, command: &Command) -> Vec<&'t str> {
    arm_names(table, &command.span)
}
