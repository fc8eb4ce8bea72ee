//! Walks brush-parser's AST and collects the model: simple commands, functions, redirections
//! and parameter expansions, all with byte spans.

use brush_parser::ast;

use super::{Command, Expansion, Function, Redirect, RedirectOp, ShellModel, Span, Word, words};

/// Maximum nesting of command substitutions parsed again for their commands.
const MAX_SUBSTITUTION_DEPTH: usize = 8;

/// Converts brush positions (character indexes into `text`) to byte spans in the whole script.
/// Cloning it is cheap: the offset table is shared.
#[derive(Clone)]
pub(crate) struct Positions<'a> {
    /// The text brush parsed (the whole script, or the inside of a command substitution).
    pub text: &'a str,
    /// Byte offset of each character of `text`, plus `text.len()` at the end.
    pub char_bytes: std::rc::Rc<Vec<usize>>,
    /// Byte offset of `text` in the whole script.
    pub base: usize,
}

impl<'a> Positions<'a> {
    pub(crate) fn new(text: &'a str, base: usize) -> Self {
        let mut char_bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        char_bytes.push(text.len());
        Positions {
            text,
            char_bytes: std::rc::Rc::new(char_bytes),
            base,
        }
    }

    /// Byte offset (in the whole script) of a brush character index.
    pub(crate) fn byte(&self, char_index: usize) -> usize {
        self.base
            + self
                .char_bytes
                .get(char_index)
                .copied()
                .unwrap_or(self.text.len())
    }

    pub(crate) fn span(&self, loc: &brush_parser::SourceSpan) -> Span {
        let start = self.byte(loc.start.index);
        start..self.byte(loc.end.index).max(start)
    }
}

/// Collects the model of one parsed text into `out`.
pub(crate) struct Walker<'a, 'm> {
    pub pos: Positions<'a>,
    pub out: &'m mut ShellModel,
    pub function: Option<String>,
    pub depth: usize,
    pub bash: bool,
}

impl Walker<'_, '_> {
    pub(crate) fn program(&mut self, program: &ast::Program) {
        for list in &program.complete_commands {
            self.list(list);
        }
    }

    pub(crate) fn list(&mut self, list: &ast::CompoundList) {
        for ast::CompoundListItem(and_or, _) in &list.0 {
            self.pipeline(&and_or.first);
            for next in &and_or.additional {
                match next {
                    ast::AndOr::And(p) | ast::AndOr::Or(p) => self.pipeline(p),
                }
            }
        }
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline) {
        for command in &pipeline.seq {
            self.command(command);
        }
    }

    fn command(&mut self, command: &ast::Command) {
        match command {
            ast::Command::Simple(simple) => self.simple(simple),
            ast::Command::Compound(compound, redirects) => {
                self.compound(compound);
                self.compound_redirects(redirects.as_ref());
            }
            ast::Command::Function(def) => self.function(def),
            ast::Command::ExtendedTest(test, redirects) => {
                let span = self.pos.span(&test.loc);
                self.out.bash_compounds.push((span, "[[ ]]"));
                self.extended_test(&test.expr);
                self.compound_redirects(redirects.as_ref());
            }
        }
    }

    fn compound_redirects(&mut self, redirects: Option<&ast::RedirectList>) {
        for r in redirects.map(|l| l.0.as_slice()).unwrap_or_default() {
            if let Some(r) = self.redirect(r) {
                self.out.compound_redirects.push(r);
            }
        }
    }

    fn compound(&mut self, compound: &ast::CompoundCommand) {
        use ast::CompoundCommand as C;
        match compound {
            C::Arithmetic(a) => {
                let span = self.pos.span(&a.loc);
                self.out.bash_compounds.push((span, "(( ))"));
            }
            C::ArithmeticForClause(f) => self.list(&f.body.list),
            C::BraceGroup(g) => self.list(&g.list),
            C::Subshell(s) => self.list(&s.list),
            C::ForClause(f) => {
                for w in f.values.iter().flatten() {
                    self.word(w);
                }
                self.list(&f.body.list);
            }
            C::CaseClause(c) => {
                self.word(&c.value);
                for item in &c.cases {
                    for p in &item.patterns {
                        self.word(p);
                    }
                    if let Some(body) = &item.cmd {
                        self.list(body);
                    }
                }
            }
            C::IfClause(i) => {
                self.list(&i.condition);
                self.list(&i.then);
                for e in i.elses.iter().flatten() {
                    if let Some(c) = &e.condition {
                        self.list(c);
                    }
                    self.list(&e.body);
                }
            }
            C::WhileClause(w) | C::UntilClause(w) => {
                self.list(&w.0);
                self.list(&w.1.list);
            }
            C::Coprocess(c) => self.command(&c.body),
        }
    }

    fn function(&mut self, def: &ast::FunctionDefinition) {
        let name = def.fname.value.clone();
        let name_span = def
            .fname
            .loc
            .as_ref()
            .map(|l| self.pos.span(l))
            .unwrap_or_default();
        let body = ast::SourceLocation::location(&def.body.0)
            .map(|l| self.pos.span(&l))
            .unwrap_or_else(|| name_span.clone());
        self.out.functions.push(Function {
            name: name.clone(),
            name_span,
            body,
        });
        let outer = self.function.replace(name);
        self.compound(&def.body.0);
        self.compound_redirects(def.body.1.as_ref());
        self.function = outer;
    }

    fn extended_test(&mut self, expr: &ast::ExtendedTestExpr) {
        use ast::ExtendedTestExpr as E;
        match expr {
            E::And(a, b) | E::Or(a, b) => {
                self.extended_test(a);
                self.extended_test(b);
            }
            E::Not(e) | E::Parenthesized(e) => self.extended_test(e),
            E::UnaryTest(_, w) => {
                self.word(w);
            }
            E::BinaryTest(_, a, b) => {
                self.word(a);
                self.word(b);
            }
        }
    }

    fn simple(&mut self, simple: &ast::SimpleCommand) {
        let mut command = Command {
            name: None,
            args: Vec::new(),
            assignments: Vec::new(),
            redirects: Vec::new(),
            span: 0..0,
            function: self.function.clone(),
        };
        let prefix = simple
            .prefix
            .as_ref()
            .map(|p| p.0.as_slice())
            .unwrap_or_default();
        let suffix = simple
            .suffix
            .as_ref()
            .map(|s| s.0.as_slice())
            .unwrap_or_default();
        for item in prefix {
            self.item(item, &mut command, true);
        }
        if let Some(name) = &simple.word_or_name {
            command.name = self.word(name);
        }
        for item in suffix {
            self.item(item, &mut command, false);
        }
        let spans = command
            .name
            .iter()
            .chain(&command.args)
            .chain(&command.assignments)
            .map(|w| &w.span)
            .chain(command.redirects.iter().map(|r| &r.target.span));
        let (mut start, mut end) = (usize::MAX, 0);
        for s in spans {
            start = start.min(s.start);
            end = end.max(s.end);
        }
        if start <= end {
            command.span = start..end;
            self.out.commands.push(command);
        }
    }

    fn item(&mut self, item: &ast::CommandPrefixOrSuffixItem, command: &mut Command, prefix: bool) {
        use ast::CommandPrefixOrSuffixItem as I;
        match item {
            I::IoRedirect(r) => {
                if let Some(r) = self.redirect(r) {
                    command.redirects.push(r);
                }
            }
            I::Word(w) => {
                if let Some(w) = self.word(w) {
                    command.args.push(w);
                }
            }
            I::AssignmentWord(_, w) => {
                if let Some(w) = self.word(w) {
                    if prefix {
                        command.assignments.push(w);
                    } else {
                        command.args.push(w);
                    }
                }
            }
            I::ProcessSubstitution(_, subshell) => self.list(&subshell.list),
        }
    }

    fn redirect(&mut self, redirect: &ast::IoRedirect) -> Option<Redirect> {
        use ast::{IoFileRedirectKind as K, IoFileRedirectTarget as T, IoRedirect as R};
        let (op, fd, target) = match redirect {
            R::File(fd, kind, target) => {
                let op = match kind {
                    K::Read => RedirectOp::Read,
                    K::Write => RedirectOp::Write,
                    K::Append => RedirectOp::Append,
                    K::ReadAndWrite => RedirectOp::ReadWrite,
                    K::Clobber => RedirectOp::Clobber,
                    K::DuplicateInput => RedirectOp::DupInput,
                    K::DuplicateOutput => RedirectOp::DupOutput,
                };
                let target = match target {
                    T::Filename(w) | T::Duplicate(w) => self.word(w)?,
                    T::Fd(_) => return None,
                    T::ProcessSubstitution(_, subshell) => {
                        self.list(&subshell.list);
                        return None;
                    }
                };
                (op, *fd, target)
            }
            R::OutputAndError(w, append) => {
                let op = if *append {
                    RedirectOp::AppendOutputAndError
                } else {
                    RedirectOp::OutputAndError
                };
                (op, None, self.word(w)?)
            }
            R::HereString(fd, w) => (RedirectOp::HereString, *fd, self.word(w)?),
            R::HereDocument(fd, doc) => {
                let delimiter = self.word_no_scan(&doc.here_end)?;
                if doc.requires_expansion
                    && let Some(body) = self.word_no_scan(&doc.doc)
                {
                    self.scan(&body, true);
                }
                (RedirectOp::HereDoc, *fd, delimiter)
            }
        };
        Some(Redirect {
            op,
            fd,
            target,
            function: self.function.clone(),
        })
    }

    /// Converts a word and records its expansions and the commands of its substitutions.
    fn word(&mut self, word: &ast::Word) -> Option<Word> {
        let w = self.word_no_scan(word)?;
        self.scan(&w, false);
        Some(w)
    }

    fn word_no_scan(&self, word: &ast::Word) -> Option<Word> {
        let span = self.pos.span(word.loc.as_ref()?);
        let local = span.start - self.pos.base..span.end - self.pos.base;
        let raw = self.pos.text.get(local)?.to_string();
        Some(Word { raw, span })
    }

    fn scan(&mut self, word: &Word, heredoc: bool) {
        for e in words::expansions(&word.raw, heredoc) {
            let name_start = word.span.start + e.name_start;
            self.out.expansions.push(Expansion {
                name_span: name_start..name_start + e.name.len(),
                name: e.name,
                span: word.span.start + e.start..word.span.start + e.end,
                braced: e.braced,
                quoted: e.quoted,
                function: self.function.clone(),
            });
        }
        if self.depth >= MAX_SUBSTITUTION_DEPTH {
            return;
        }
        for inner in words::command_substitutions(&word.raw) {
            let Some(text) = word.raw.get(inner.clone()) else {
                continue;
            };
            let Ok(program) = super::parse::brush_parse(text, self.bash) else {
                continue;
            };
            let mut sub = Walker {
                pos: Positions::new(text, word.span.start + inner.start),
                out: &mut *self.out,
                function: self.function.clone(),
                depth: self.depth + 1,
                bash: self.bash,
            };
            sub.program(&program);
        }
    }
}
