//! Finding the dispatch of a shell script in brush-parser's AST: a `case` on `$1`, or
//! if/elif chains testing `$1`; and whether the default arm fails.

use std::collections::{HashMap, HashSet};

use brush_parser::ast;

use super::dispatch::{Arm, DefaultArm, DispatchStyle, Table, pattern};
use super::walk::{Positions, Walker};
use super::{Script, ShellModel, Span, Word, words};

pub(super) struct Ctx<'a> {
    pub(super) pos: Positions<'a>,
    pub(super) functions: HashMap<String, &'a ast::FunctionDefinition>,
    pub(super) bash: bool,
    /// Variables holding the first argument (`CMD="$1"`, `local action=${1:-}`, `for a in "$@"`).
    pub(super) aliases: HashSet<String>,
}

impl Ctx<'_> {
    /// Whether a word is the first argument, directly or through an alias (`"$CMD"`).
    pub(super) fn is_arg(&self, raw: &str) -> bool {
        // With the one argument wazo-plugind passes, "$@" and "$*" are "$1".
        if matches!(words::unquote(raw).as_str(), "$@" | "${@}" | "$*" | "${*}") {
            return true;
        }
        words::sole_parameter(raw).is_some_and(|p| p == "1" || self.aliases.contains(&p))
    }
}

/// Why a shell script has no dispatch we can read.
pub(crate) enum NoTable {
    /// It dispatches in a way that cannot be read statically (`"do_$1"`, eval).
    Dynamic(String),
    /// It does not choose what to do from its first argument at all.
    Ignored(String),
}

/// The variables assigned the first argument: `X=$1`, `X="${1:-}"`, with `readonly`, `local`,
/// `export`, `declare` or `typeset` too, and the variable of `for X in "$@"` / `for X`.
fn aliases(script: &Script, program: &ast::Program) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut consider = |raw: &str| {
        if let Some((name, value)) = raw.split_once('=')
            && !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && words::is_first_arg(value)
        {
            found.insert(name.to_string());
        }
    };
    for c in script.commands() {
        let declares = c.name.as_ref().is_some_and(|n| {
            matches!(
                n.raw.as_str(),
                "readonly" | "local" | "export" | "declare" | "typeset"
            )
        });
        if c.name.is_none() || declares {
            c.assignments.iter().for_each(|a| consider(&a.raw));
        }
        if declares {
            c.args.iter().for_each(|a| consider(&a.raw));
        }
    }
    for list in &program.complete_commands {
        visit_all(list, &mut |c| {
            if let ast::Command::Compound(ast::CompoundCommand::ForClause(f), _) = c {
                let over_args = match &f.values {
                    None => true,
                    Some(values) => {
                        values.len() == 1
                            && matches!(values[0].value.as_str(), "\"$@\"" | "$@" | "\"${@}\"")
                    }
                };
                if over_args {
                    found.insert(f.variable_name.clone());
                }
            }
        });
    }
    found
}

/// Like [`visit`], but into function bodies too.
fn visit_all<'a>(list: &'a ast::CompoundList, f: &mut impl FnMut(&'a ast::Command)) {
    visit(list, &mut |c| {
        f(c);
        if let ast::Command::Function(def) = c
            && let Some(body) = brace_list(&def.body.0)
        {
            visit_all(body, f);
        }
        true
    });
}

/// The dispatch table of a shell script, or why there is none.
pub(crate) fn shell_table(script: &Script, model: &ShellModel) -> Result<Table, NoTable> {
    let Some(program) = &model.program else {
        return Err(NoTable::Dynamic(
            "the script could not be parsed".to_string(),
        ));
    };
    let mut ctx = Ctx {
        pos: Positions::new(script.text(), 0),
        functions: HashMap::new(),
        bash: script.dialect() == Some(super::ShellDialect::Bash),
        aliases: aliases(script, program),
    };
    let top: Vec<&ast::CompoundList> = program.complete_commands.iter().collect();
    for list in &top {
        visit(list, &mut |c| {
            if let ast::Command::Function(f) = c {
                ctx.functions.insert(f.fname.value.clone(), f);
            }
            true
        });
    }
    // Where to look: the top level, then each function called with the script's arguments.
    let mut scopes = vec![top.clone()];
    scopes.extend(
        called_with_args(&ctx, &top)
            .into_iter()
            .map(|body| vec![body]),
    );

    for scope in scopes.iter().flatten() {
        let mut found = None;
        visit(scope, &mut |c| {
            if found.is_some() {
                return false;
            }
            if let ast::Command::Compound(ast::CompoundCommand::CaseClause(case), _) = c
                && ctx.word(&case.value).is_some_and(|w| ctx.is_arg(&w.raw))
            {
                found = Some(case);
                return false;
            }
            true
        });
        if let Some(case) = found {
            return Ok(case_table(&ctx, case));
        }
    }
    for scope in &scopes {
        let mut chains = Vec::new();
        for list in scope {
            visit(list, &mut |c| {
                if let ast::Command::Compound(ast::CompoundCommand::IfClause(i), _) = c
                    && branches(i)
                        .any(|(cond, _)| cond.is_some_and(|c| ctx.first_arg_test(c).is_some()))
                {
                    chains.push(i);
                    return false;
                }
                true
            });
        }
        if !chains.is_empty() {
            return Ok(if_table(&ctx, &chains));
        }
    }
    if let Some(table) = function_table(&ctx, script) {
        return Ok(table);
    }
    if let Some(reason) = indirect_dispatch(&ctx, script) {
        return Err(NoTable::Dynamic(reason));
    }
    let reads = script
        .expansions()
        .iter()
        .any(|e| matches!(e.name.as_str(), "1" | "@" | "*") || ctx.aliases.contains(&e.name));
    Err(NoTable::Ignored(if reads {
        "it reads its arguments, but no `case`, if/elif chain or function call chooses what \
         to do from the command"
            .to_string()
    } else {
        "it never reads its first argument: every command runs the same code".to_string()
    }))
}

/// A script running the function named after its argument: `"$1"`, `$1 "$@"`, `"$CMD"`.
/// Each function of the script is an arm; a command with no function runs the program of that
/// name (or is not found) instead, which is not a wazo-plugind command.
fn function_table(ctx: &Ctx<'_>, script: &Script) -> Option<Table> {
    let call = script.commands().iter().find(|c| {
        c.name
            .as_ref()
            .is_some_and(|n| ctx.is_arg(&n.raw) || matches!(n.raw.as_str(), "\"$@\"" | "$@"))
    })?;
    let anchor = call.name.as_ref()?.span.clone();
    let arms = script
        .functions()
        .iter()
        .map(|f| Arm {
            patterns: vec![super::dispatch::Pattern {
                raw: f.name.clone(),
                value: f.name.clone(),
                literal: true,
                span: f.name_span.clone(),
            }],
            span: f.name_span.start.min(f.body.start)..f.body.end,
            commands: Vec::new(),
        })
        .collect();
    Some(Table {
        style: DispatchStyle::Functions,
        anchor,
        arms,
        default: DefaultArm::Builtin,
    })
}

/// A command named after the argument (`cmd_$1`, `"do_${1}"`) or `eval` of it.
fn indirect_dispatch(ctx: &Ctx<'_>, script: &Script) -> Option<String> {
    let refers = |raw: &str| {
        words::expansions(raw, false)
            .iter()
            .any(|e| matches!(e.name.as_str(), "1" | "@" | "*") || ctx.aliases.contains(&e.name))
    };
    script.commands().iter().find_map(|c| {
        let name = c.name.as_ref()?;
        if refers(&name.raw) {
            Some(format!(
                "the script runs a command named after its argument (`{}`)",
                name.raw
            ))
        } else if name.raw == "eval" && c.args.iter().any(|a| refers(&a.raw)) {
            Some("the script dispatches through `eval`".to_string())
        } else {
            None
        }
    })
}

/// Bodies of the functions called at top level with the script's arguments (`main "$@"`).
fn called_with_args<'a>(
    ctx: &Ctx<'a>,
    top: &[&'a ast::CompoundList],
) -> Vec<&'a ast::CompoundList> {
    let mut bodies = Vec::new();
    for list in top {
        visit(list, &mut |c| {
            if let ast::Command::Simple(s) = c
                && let Some(f) = s
                    .word_or_name
                    .as_ref()
                    .and_then(|n| ctx.functions.get(&n.value))
                && let Some(ast::CommandPrefixOrSuffixItem::Word(arg)) =
                    s.suffix.as_ref().and_then(|x| x.0.first())
                && let Some(arg) = ctx.word(arg)
                && (ctx.is_arg(&arg.raw)
                    || matches!(
                        words::unquote(&arg.raw).as_str(),
                        "$@" | "${@}" | "$*" | "${*}"
                    ))
                && let Some(body) = brace_list(&f.body.0)
            {
                bodies.push(body);
            }
            !matches!(c, ast::Command::Function(_))
        });
    }
    bodies
}

pub(super) fn brace_list(body: &ast::CompoundCommand) -> Option<&ast::CompoundList> {
    match body {
        ast::CompoundCommand::BraceGroup(g) => Some(&g.list),
        ast::CompoundCommand::Subshell(s) => Some(&s.list),
        _ => None,
    }
}

fn case_table(ctx: &Ctx<'_>, case: &ast::CaseClauseCommand) -> Table {
    let start = ctx.pos.byte(case.loc.start.index);
    let mut arms = Vec::new();
    let mut default = DefaultArm::Absent;
    for item in &case.cases {
        let patterns: Vec<_> = item
            .patterns
            .iter()
            .filter_map(|w| ctx.word(w))
            .map(|w| pattern(&w))
            .collect();
        let mut span = item
            .loc
            .as_ref()
            .map(|l| ctx.pos.span(l))
            .unwrap_or_else(|| {
                patterns
                    .first()
                    .map(|p| p.span.clone())
                    .unwrap_or(start..start)
            });
        if let Some(extent) = item.cmd.as_ref().and_then(|l| ctx.extent(l)) {
            span = span.start.min(extent.start)..span.end.max(extent.end);
        }
        let arm = Arm {
            patterns,
            span,
            commands: Vec::new(),
        };
        if arm.patterns.iter().any(|p| p.raw == "*") {
            if default == DefaultArm::Absent {
                let outcome = ctx.outcome(item.cmd.as_ref(), 0);
                default = DefaultArm::Present { arm, outcome };
            }
        } else {
            arms.push(arm);
        }
    }
    Table {
        style: DispatchStyle::Case,
        anchor: start..start + "case".len(),
        arms,
        default,
    }
}

fn branches(
    i: &ast::IfClauseCommand,
) -> impl Iterator<Item = (Option<&ast::CompoundList>, &ast::CompoundList)> {
    std::iter::once((Some(&i.condition), &i.then)).chain(
        i.elses
            .iter()
            .flatten()
            .map(|e| (e.condition.as_ref(), &e.body)),
    )
}

fn if_table(ctx: &Ctx<'_>, chains: &[&ast::IfClauseCommand]) -> Table {
    let mut arms = Vec::new();
    let mut default = DefaultArm::Absent;
    for (n, chain) in chains.iter().enumerate() {
        for (cond, body) in branches(chain) {
            let body_span = ctx.extent(body);
            match cond {
                Some(cond) => {
                    let Some(found) = ctx.first_arg_test(cond) else {
                        continue;
                    };
                    let patterns: Vec<_> = found.iter().map(pattern).collect();
                    let start = ctx.extent(cond).map_or(0, |s| s.start);
                    let end = body_span.map_or(start, |s| s.end);
                    arms.push(Arm {
                        patterns,
                        span: start..end.max(start),
                        commands: Vec::new(),
                    });
                }
                None if n + 1 == chains.len() => {
                    default = DefaultArm::Present {
                        arm: Arm {
                            patterns: Vec::new(),
                            span: body_span.unwrap_or(0..0),
                            commands: Vec::new(),
                        },
                        outcome: ctx.outcome(Some(body), 0),
                    };
                }
                None => {}
            }
        }
    }
    let start = chains
        .first()
        .map_or(0, |c| ctx.pos.byte(c.loc.start.index));
    Table {
        style: DispatchStyle::IfChain,
        anchor: start..start + "if".len(),
        arms,
        default,
    }
}

/// Calls `f` on every command of the list, descending into compound commands (not into
/// function bodies) while `f` returns true.
fn visit<'a>(list: &'a ast::CompoundList, f: &mut impl FnMut(&'a ast::Command) -> bool) {
    for item in &list.0 {
        let and_or = &item.0;
        let pipelines =
            std::iter::once(&and_or.first).chain(and_or.additional.iter().map(|a| match a {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => p,
            }));
        for command in pipelines.flat_map(|p| &p.seq) {
            if !f(command) {
                continue;
            }
            if let ast::Command::Compound(compound, _) = command {
                for child in children(compound) {
                    visit(child, f);
                }
            }
        }
    }
}

fn children(compound: &ast::CompoundCommand) -> Vec<&ast::CompoundList> {
    use ast::CompoundCommand as C;
    match compound {
        C::Arithmetic(_) | C::Coprocess(_) => Vec::new(),
        C::ArithmeticForClause(f) => vec![&f.body.list],
        C::BraceGroup(g) => vec![&g.list],
        C::Subshell(s) => vec![&s.list],
        C::ForClause(f) => vec![&f.body.list],
        C::CaseClause(c) => c.cases.iter().filter_map(|i| i.cmd.as_ref()).collect(),
        C::IfClause(i) => branches(i)
            .flat_map(|(c, b)| c.into_iter().chain([b]))
            .collect(),
        C::WhileClause(w) | C::UntilClause(w) => vec![&w.0, &w.1.list],
    }
}

impl Ctx<'_> {
    pub(super) fn word(&self, word: &ast::Word) -> Option<Word> {
        let span = self.pos.span(word.loc.as_ref()?);
        Some(Word {
            raw: self.pos.text.get(span.clone())?.to_string(),
            span,
        })
    }

    /// The byte range covered by the commands of a list (redirections included).
    pub(super) fn extent(&self, list: &ast::CompoundList) -> Option<Span> {
        let mut model = ShellModel::default();
        let mut walker = Walker {
            pos: self.pos.clone(),
            out: &mut model,
            function: None,
            depth: 0,
            bash: self.bash,
        };
        walker.list(list);
        let spans = model.commands.iter().map(|c| &c.span);
        let spans = spans.chain(model.compound_redirects.iter().map(|r| &r.target.span));
        let spans = spans.chain(model.expansions.iter().map(|e| &e.span));
        spans.fold(None, |acc: Option<Span>, s| match acc {
            None => Some(s.clone()),
            Some(a) => Some(a.start.min(s.start)..a.end.max(s.end)),
        })
    }
}
