//! Reading conditions and exits: which `if` conditions test `$1`, and whether an arm makes the
//! script fail.

use brush_parser::ast;

use super::arms::{Ctx, brace_list};
use super::dispatch::Outcome;
use super::{Word, words};

/// How deep function calls are followed when deciding whether a default arm fails.
const MAX_CALL_DEPTH: usize = 4;

/// The effect of running part of an arm.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// The script exits with this outcome.
    Exit(Outcome),
    /// The function returns with this outcome.
    Return(Outcome),
    /// Execution goes on; the last status is this.
    Continue(Outcome),
}

impl Ctx<'_> {
    /// The pattern words when a condition is `[ "$1" = x ]`, `[ "$1" == x ]`, `test "$1" = x`,
    /// `[[ $1 == x ]]` (either operand order), or several of them joined with `||`.
    pub(super) fn first_arg_test(&self, cond: &ast::CompoundList) -> Option<Vec<Word>> {
        let [ast::CompoundListItem(and_or, _)] = cond.0.as_slice() else {
            return None;
        };
        let mut found = self.pipeline_test(&and_or.first)?;
        for next in &and_or.additional {
            match next {
                ast::AndOr::Or(p) => found.extend(self.pipeline_test(p)?),
                ast::AndOr::And(_) => return None,
            }
        }
        Some(found)
    }

    fn pipeline_test(&self, pipeline: &ast::Pipeline) -> Option<Vec<Word>> {
        if pipeline.bang {
            return None;
        }
        match pipeline.seq.as_slice() {
            [ast::Command::Simple(s)] => self.simple_test(s).map(|w| vec![w]),
            [ast::Command::ExtendedTest(t, _)] => self.extended_test(&t.expr),
            _ => None,
        }
    }

    fn simple_test(&self, s: &ast::SimpleCommand) -> Option<Word> {
        if s.prefix.is_some() {
            return None;
        }
        let name = self.word(s.word_or_name.as_ref()?)?;
        let mut args = Vec::new();
        for item in s
            .suffix
            .as_ref()
            .map(|x| x.0.as_slice())
            .unwrap_or_default()
        {
            match item {
                ast::CommandPrefixOrSuffixItem::Word(w) => args.push(self.word(w)?),
                _ => return None,
            }
        }
        match name.raw.as_str() {
            "[" if args.last().is_some_and(|w| w.raw == "]") => {
                args.pop();
            }
            "test" => {}
            _ => return None,
        }
        let [a, op, b] = <[Word; 3]>::try_from(args).ok()?;
        if !matches!(op.raw.as_str(), "=" | "==") {
            return None;
        }
        self.compared(a, b)
    }

    fn extended_test(&self, expr: &ast::ExtendedTestExpr) -> Option<Vec<Word>> {
        use ast::{BinaryPredicate as P, ExtendedTestExpr as E};
        match expr {
            E::Or(a, b) => {
                let mut found = self.extended_test(a)?;
                found.extend(self.extended_test(b)?);
                Some(found)
            }
            E::Parenthesized(e) => self.extended_test(e),
            E::BinaryTest(P::StringExactlyMatchesPattern | P::StringExactlyMatchesString, a, b) => {
                self.compared(self.word(a)?, self.word(b)?).map(|w| vec![w])
            }
            _ => None,
        }
    }

    /// The operand compared with `$1` (or an alias of it), if one of the two is.
    fn compared(&self, a: Word, b: Word) -> Option<Word> {
        if self.is_arg(&a.raw) {
            Some(b)
        } else if self.is_arg(&b.raw) {
            Some(a)
        } else {
            self.prefixed(&a, &b).or_else(|| self.prefixed(&b, &a))
        }
    }

    /// The old `[ "x$1" = xbuild ]` idiom: the argument behind a literal prefix, compared with
    /// a literal with the same prefix; gives the literal without it (`build`).
    fn prefixed(&self, arg: &Word, other: &Word) -> Option<Word> {
        let unquoted = words::unquote(&arg.raw);
        let at = unquoted.find('$')?;
        let (prefix, rest) = unquoted.split_at(at);
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        if !self.is_arg(rest) {
            return None;
        }
        let value = words::unquote(&other.raw);
        if other.raw.contains(['$', '`']) {
            return None;
        }
        let name = value.strip_prefix(prefix)?;
        Some(Word {
            raw: name.to_string(),
            span: other.span.clone(),
        })
    }

    /// Whether running this list (an arm body; `None` for an empty arm) fails the script.
    pub(super) fn outcome(&self, list: Option<&ast::CompoundList>, depth: usize) -> Outcome {
        match list.map(|l| self.list_step(l, depth)) {
            None => Outcome::Succeeds,
            Some(Step::Exit(o) | Step::Return(o) | Step::Continue(o)) => o,
        }
    }

    fn list_step(&self, list: &ast::CompoundList, depth: usize) -> Step {
        let mut last = Outcome::Succeeds;
        for ast::CompoundListItem(and_or, _) in &list.0 {
            match self.and_or_step(and_or, last, depth) {
                Step::Continue(o) => last = o,
                stop => return stop,
            }
        }
        Step::Continue(last)
    }

    fn and_or_step(&self, and_or: &ast::AndOrList, last: Outcome, depth: usize) -> Step {
        let first = self.pipeline_step(&and_or.first, last, depth);
        if and_or.additional.is_empty() {
            return first;
        }
        // `echo usage && exit 1` fails like `echo usage; exit 1`; anything with `||` depends
        // on statuses we do not know.
        let mut step = first;
        for next in &and_or.additional {
            match (next, step) {
                (ast::AndOr::And(p), Step::Continue(Outcome::Succeeds)) => {
                    step = self.pipeline_step(p, Outcome::Succeeds, depth);
                }
                _ => return Step::Continue(Outcome::Unclear),
            }
        }
        step
    }

    fn pipeline_step(&self, pipeline: &ast::Pipeline, last: Outcome, depth: usize) -> Step {
        let [command] = pipeline.seq.as_slice() else {
            return Step::Continue(Outcome::Unclear);
        };
        if pipeline.bang {
            return Step::Continue(Outcome::Unclear);
        }
        match command {
            ast::Command::Simple(s) => self.simple_step(s, last, depth),
            ast::Command::Compound(ast::CompoundCommand::BraceGroup(g), _) => {
                self.list_step(&g.list, depth)
            }
            ast::Command::Compound(ast::CompoundCommand::Subshell(s), _) => {
                match self.list_step(&s.list, depth) {
                    Step::Exit(o) | Step::Return(o) | Step::Continue(o) => Step::Continue(o),
                }
            }
            _ => Step::Continue(Outcome::Unclear),
        }
    }

    fn simple_step(&self, s: &ast::SimpleCommand, last: Outcome, depth: usize) -> Step {
        let Some(name) = s.word_or_name.as_ref().and_then(|w| self.word(w)) else {
            return Step::Continue(Outcome::Succeeds);
        };
        let first_arg = s.suffix.as_ref().and_then(|x| {
            x.0.iter().find_map(|i| match i {
                ast::CommandPrefixOrSuffixItem::Word(w) => self.word(w),
                _ => None,
            })
        });
        let status = |arg: Option<Word>| match arg.map(|w| words::unquote(&w.raw)) {
            None => last,
            Some(v) if v == "$?" => last,
            Some(v) if v == "0" => Outcome::Succeeds,
            Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => Outcome::Fails,
            // `exit $E_USAGE` and the like: a variable status is almost always an error.
            Some(_) => Outcome::Fails,
        };
        let name = words::unquote(&name.raw);
        match name.as_str() {
            "exit" => Step::Exit(status(first_arg)),
            "return" => Step::Return(status(first_arg)),
            "false" => Step::Continue(Outcome::Fails),
            "echo" | "printf" | ":" | "true" => Step::Continue(Outcome::Succeeds),
            _ => match self
                .functions
                .get(&name)
                .and_then(|f| brace_list(&f.body.0))
            {
                Some(body) if depth < MAX_CALL_DEPTH => match self.list_step(body, depth + 1) {
                    Step::Exit(o) => Step::Exit(o),
                    Step::Return(o) | Step::Continue(o) => Step::Continue(o),
                },
                _ => Step::Continue(Outcome::Unclear),
            },
        }
    }
}
