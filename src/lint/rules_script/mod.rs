//! Checks on wazo/rules (WP3xx): command coverage per format version, script hygiene.

pub mod command_missing;
pub mod crlf_line_endings;
pub mod default_arm_missing;
pub mod default_arm_succeeds;
pub mod dispatch_unknown;
pub mod dpkg_in_maintainer_script;
pub mod interpreter_unknown;
pub mod pkgdir_outside_package;
pub mod pkgdir_reserved_path;
pub mod pkgdir_write_outside;
pub mod postrm_ignored;
pub mod rules_not_executable;
pub mod rules_syntax;
pub mod shebang_missing;
pub mod sudo_used;
pub mod unset_variable;
pub mod utf8_bom;

use crate::diagnostic::Diagnostic;
use crate::lint::check::Check;
use crate::lint::manifest::ManifestFacts;
use crate::plugin::load::{FileState, Plugin, RULES};
use crate::shell::{self, ArmId, Command, Dispatch, Script, Table, Word};
use crate::source::SourceFile;

/// The commands every format version requires, and the one format 1 adds.
pub const BASE_COMMANDS: &[&str] = &["build", "package", "install", "uninstall"];
pub const POSTRM: &str = "postrm";

/// What a rules check reads.
pub struct RulesCx<'a> {
    pub plugin: &'a Plugin,
    pub source: &'a SourceFile,
    /// The parsed script, when it parsed (shell syntax errors are WP300's).
    pub script: Option<&'a Script>,
    /// The dispatch, when one was recognised.
    pub table: Option<&'a Table>,
    pub dispatch: Option<&'a Dispatch>,
    /// What plugin.yml says, when it could be read.
    pub manifest: Option<&'a ManifestFacts>,
}

impl<'a> RulesCx<'a> {
    /// A diagnostic of `check` on wazo/rules.
    pub fn diag(&self, check: &Check, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(check, RULES, message)
    }

    pub fn text(&self) -> &'a str {
        &self.source.text
    }

    /// The commands of the script with the names of the arm each is in (empty for commands
    /// outside any arm, `*` for the default arm).
    pub fn commands_with_arms(&self) -> Vec<(&'a Command, Vec<&'a str>)> {
        let (Some(script), Some(table)) = (self.script, self.table) else {
            return Vec::new();
        };
        script
            .commands()
            .iter()
            .map(|c| (c, arm_names(table, &c.span)))
            .collect()
    }

    /// The files the arm handling `command` writes by redirection (`> f`, `>> f`, ...).
    pub fn redirect_targets_in(&self, command: &str) -> Vec<&'a Word> {
        let (Some(script), Some(table)) = (self.script, self.table) else {
            return Vec::new();
        };
        script
            .redirects()
            .into_iter()
            .filter(|r| r.op.writes_file() && arm_names(table, &r.target.span).contains(&command))
            .map(|r| &r.target)
            .collect()
    }

    /// The commands inside the arm handling `command`.
    pub fn commands_in(&self, command: &str) -> Vec<&'a Command> {
        self.commands_with_arms()
            .into_iter()
            .filter(|(_, arms)| arms.contains(&command))
            .map(|(c, _)| c)
            .collect()
    }
}

/// The literal names of the arm containing `span` (`["*"]` for the default arm).
pub fn arm_names<'t>(table: &'t Table, span: &shell::Span) -> Vec<&'t str> {
    match table.arm_of(span) {
        Some(ArmId::Default) => vec!["*"],
        Some(id) => table.names(id),
        None => Vec::new(),
    }
}

/// The command's name, quotes removed.
pub fn command_name(command: &Command) -> Option<String> {
    command.name.as_ref().map(Word::unquoted)
}

/// The command run, looking through `sudo` and `env` (`sudo apt-get ...` runs apt-get).
pub fn effective_name(command: &Command) -> Option<(String, &Word)> {
    let name = command.name.as_ref()?;
    let unquoted = name.unquoted();
    if matches!(unquoted.as_str(), "sudo" | "env" | "command" | "exec") {
        let inner = command
            .args
            .iter()
            .find(|a| !a.raw.starts_with('-') && !a.raw.contains('='))?;
        return Some((base_name(&inner.unquoted()).to_string(), inner));
    }
    Some((base_name(&unquoted).to_string(), name))
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Runs every rules check on the plugin.
pub fn lint(plugin: &Plugin, manifest: Option<&ManifestFacts>, out: &mut Vec<Diagnostic>) {
    let (FileState::Loaded(source) | FileState::NotUtf8 { source, .. }) = &plugin.rules else {
        return;
    };
    let Some(parsed) = &plugin.script else {
        return;
    };
    let (script, dispatch) = match parsed {
        Ok(script) => (Some(script), Some(shell::dispatch(script))),
        Err(_) => (None, None),
    };
    let table = match &dispatch {
        Some(Dispatch::Known(t)) => Some(t),
        _ => None,
    };
    let cx = RulesCx {
        plugin,
        source,
        script,
        table,
        dispatch: dispatch.as_ref(),
        manifest,
    };
    if let Err(e) = parsed {
        out.push(rules_syntax::diagnostic(&cx, e));
    }
    for rule in crate::lint::registry::RULES {
        if let crate::lint::registry::Run::Rules(run) = rule.run {
            run(&cx, out);
        }
    }
}
