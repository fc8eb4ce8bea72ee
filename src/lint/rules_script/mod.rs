//! Checks on wazo/rules (WP3xx): command coverage per format version, script hygiene.

pub mod bashism;
pub mod command_missing;
pub mod commands_not_handled;
pub mod crlf_line_endings;
pub mod default_arm_missing;
pub mod default_arm_succeeds;
pub mod dispatch_unknown;
pub mod download_execute;
pub mod dpkg_in_maintainer_script;
pub mod install_not_idempotent;
pub mod interpreter_unknown;
pub mod pkgdir_outside_package;
pub mod pkgdir_reserved_path;
pub mod pkgdir_write_outside;
pub mod postrm_ignored;
pub mod python_unversioned;
pub mod removes_unshipped;
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
    /// Per function of the script (same index), the arms that call it; empty when it runs
    /// outside any arm (or is never called).
    function_arms: Vec<Vec<&'a str>>,
}

impl<'a> RulesCx<'a> {
    /// What the rules checks read of `plugin`, whose rules script is `source`: its syntax tree
    /// and dispatch as the loader read them.
    pub fn new(
        plugin: &'a Plugin,
        source: &'a SourceFile,
        manifest: Option<&'a ManifestFacts>,
    ) -> RulesCx<'a> {
        let script = match &plugin.script {
            Some(Ok(script)) => Some(script),
            _ => None,
        };
        let dispatch = plugin.dispatch.as_ref();
        let table = match dispatch {
            Some(Dispatch::Known(t)) => Some(t),
            _ => None,
        };
        RulesCx {
            plugin,
            source,
            script,
            table,
            dispatch,
            manifest,
            function_arms: script.map_or_else(Vec::new, |s| function_arms(s, table)),
        }
    }

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
        let (Some(script), Some(_)) = (self.script, self.table) else {
            return Vec::new();
        };
        script
            .commands()
            .iter()
            .map(|c| (c, self.arms_of(&c.span)))
            .collect()
    }

    /// The names of the arms running what is at `span`: the arm it is written in, or, inside a
    /// function, the arms calling that function (through other functions too). Empty when it
    /// runs outside any arm (for every command). Without a dispatch, empty.
    pub fn arms_of(&self, span: &shell::Span) -> Vec<&'a str> {
        let (Some(script), Some(table)) = (self.script, self.table) else {
            return Vec::new();
        };
        if table.arm_of(span).is_some() {
            return arm_names(table, span);
        }
        innermost_function(script, span)
            .and_then(|i| self.function_arms.get(i).cloned())
            .unwrap_or_default()
    }

    /// The files the arm handling `command` writes by redirection (`> f`, `>> f`, ...).
    pub fn redirect_targets_in(&self, command: &str) -> Vec<&'a Word> {
        let (Some(script), Some(_)) = (self.script, self.table) else {
            return Vec::new();
        };
        script
            .redirects()
            .into_iter()
            .filter(|r| r.op.writes_file() && self.arms_of(&r.target.span).contains(&command))
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

/// How deep calls are followed from a function back to the arms calling it.
const MAX_CALL_DEPTH: usize = 4;

/// The index of the innermost function whose body holds `span`.
fn innermost_function(script: &Script, span: &shell::Span) -> Option<usize> {
    script
        .functions()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.body.start <= span.start && span.end <= f.body.end)
        .min_by_key(|(_, f)| f.body.end - f.body.start)
        .map(|(i, _)| i)
}

/// For every function of the script, the arms calling it (see [`RulesCx::arms_of`]).
fn function_arms<'t>(script: &'t Script, table: Option<&'t Table>) -> Vec<Vec<&'t str>> {
    let Some(table) = table else {
        return Vec::new();
    };
    let count = script.functions().len();
    let mut memo: Vec<Option<Vec<&str>>> = vec![None; count];
    for i in 0..count {
        let mut visiting = vec![false; count];
        resolve(script, table, i, 0, &mut memo, &mut visiting);
    }
    memo.into_iter().map(Option::unwrap_or_default).collect()
}

fn resolve<'t>(
    script: &'t Script,
    table: &'t Table,
    i: usize,
    depth: usize,
    memo: &mut Vec<Option<Vec<&'t str>>>,
    visiting: &mut Vec<bool>,
) -> Vec<&'t str> {
    if let Some(Some(done)) = memo.get(i) {
        return done.clone();
    }
    if depth >= MAX_CALL_DEPTH || visiting.get(i).copied().unwrap_or(true) {
        return Vec::new();
    }
    visiting[i] = true;
    let name = &script.functions()[i].name;
    let mut names: Vec<&str> = Vec::new();
    let mut everywhere = false;
    for call in script
        .commands()
        .iter()
        .filter(|c| c.name.as_ref().is_some_and(|n| n.unquoted() == *name))
    {
        let arms = if table.arm_of(&call.span).is_some() {
            arm_names(table, &call.span)
        } else {
            match innermost_function(script, &call.span) {
                Some(j) if j != i => resolve(script, table, j, depth + 1, memo, visiting),
                Some(_) => continue,
                // Called from outside any arm: it runs for every command.
                None => Vec::new(),
            }
        };
        if arms.is_empty() {
            everywhere = true;
            break;
        }
        for a in arms {
            if !names.contains(&a) {
                names.push(a);
            }
        }
    }
    visiting[i] = false;
    let result = if everywhere { Vec::new() } else { names };
    if depth == 0 {
        memo[i] = Some(result.clone());
    }
    result
}

/// Whether an arm runs nothing but `:` or `true` (`postrm) ;;`).
pub fn arm_does_nothing(cx: &RulesCx, arm: &shell::Arm) -> bool {
    let Some(script) = cx.script else {
        return false;
    };
    let commands = script.commands();
    arm.commands.iter().all(|&i| {
        commands.get(i).is_some_and(|c| {
            c.redirects.is_empty()
                && c.assignments.is_empty()
                && matches!(command_name(c).as_deref(), Some(":" | "true"))
        })
    }) && !script
        .redirects()
        .iter()
        .any(|r| arm.span.start <= r.target.span.start && r.target.span.end <= arm.span.end)
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
    let cx = RulesCx::new(plugin, source, manifest);
    if let Err(e) = parsed {
        out.push(rules_syntax::diagnostic(&cx, e));
    }
    for rule in crate::lint::registry::RULES {
        if let crate::lint::registry::Run::Rules(run) = rule.run {
            run(&cx, out);
        }
    }
}
