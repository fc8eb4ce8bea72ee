//! How a rules script handles its first argument: the arms of its dispatch and its default.

use super::{Body, Script, Span, arms, make, words};

/// How the script chooses what to do from its first argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dispatch {
    /// A dispatch we could read.
    Known(Table),
    /// Nothing recognisable (another language, dispatch through functions or eval...); the
    /// reason says what was seen. Nothing is guessed.
    Unknown {
        /// Why the commands could not be read statically.
        reason: String,
    },
    /// A shell script that does not choose what to do from its first argument (it ignores it,
    /// or reads it as something else, such as a destination folder): wazo-plugind's commands
    /// are not handled.
    Ignored {
        /// What was seen.
        reason: String,
    },
}

/// The form of a known dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchStyle {
    /// `case "$1" in ... esac`
    Case,
    /// `if [ "$1" = x ]; then ... elif ...; else ...; fi` (one or several chains).
    IfChain,
    /// Makefile rules, one per target.
    Make,
    /// Functions named after the commands, run as `"$1"` (or `"$CMD"`, `$1 "$@"`).
    Functions,
}

/// A readable dispatch: its arms and its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Case, if/elif or Makefile.
    pub style: DispatchStyle,
    /// Where diagnostics about the dispatch point: the `case` keyword, the first `if` keyword,
    /// or the first rule's first target (the shebang line for a Makefile without rules).
    pub anchor: Span,
    /// The arms handling named commands, in source order (the default arm is not among them).
    pub arms: Vec<Arm>,
    /// What happens to a command no arm names.
    pub default: DefaultArm,
}

/// One arm of the dispatch: the patterns it answers to and what it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arm {
    /// The patterns (`build`, `"install"`, `a|b` gives two), in order.
    pub patterns: Vec<Pattern>,
    /// The whole arm: from its first pattern (or test) to its end (`;;` for a case arm).
    pub span: Span,
    /// Indexes into [`Script::commands`] of the simple commands written inside the arm.
    pub commands: Vec<usize>,
}

/// A pattern of an arm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// As written (`"build"`, `'install'`, `b*`).
    pub raw: String,
    /// Quotes removed (`build`).
    pub value: String,
    /// False when the pattern holds an unquoted glob (`*`, `?`, `[`) or an expansion.
    pub literal: bool,
    /// Where the pattern is.
    pub span: Span,
}

impl Pattern {
    /// Whether the pattern matches a command name (exact for literals, glob otherwise).
    pub fn matches(&self, command: &str) -> bool {
        if self.literal {
            self.value == command
        } else {
            glob_match(self.value.as_bytes(), command.as_bytes())
        }
    }
}

/// What the dispatch does with an unknown command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultArm {
    /// No default: an unknown command falls through (and the script exits 0 unless something
    /// after the dispatch fails).
    Absent,
    /// A `*)` arm, `else` branch, or Makefile `%:` / `.DEFAULT:` rule.
    Present {
        /// The arm (its patterns are empty for an `else` branch).
        arm: Arm,
        /// Whether it makes the script fail.
        outcome: Outcome,
    },
    /// The tool fails by itself on a command it has no rule for: make without a rule, or a
    /// `"$1"` call with no function of that name (command not found).
    Builtin,
}

/// Whether a default arm makes the script exit non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It ends with `exit N` (N ≠ 0 or not a literal), `return N`, or `false`, directly or
    /// through a function of the script.
    Fails,
    /// It is empty, ends with `exit 0` / bare `exit`, or only runs `echo`, `printf`, `:` or `true`.
    Succeeds,
    /// It ends with some other command, whose status we cannot know.
    Unclear,
}

/// Which arm of a [`Table`] something is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArmId {
    /// `table.arms[i]`
    Arm(usize),
    /// The default arm.
    Default,
}

impl Table {
    /// The first arm that handles `command` (the arm the shell would run), default excluded.
    pub fn arm_for(&self, command: &str) -> Option<&Arm> {
        self.arms
            .iter()
            .find(|arm| arm.patterns.iter().any(|p| p.matches(command)))
    }

    /// The arm containing a byte range, if any.
    pub fn arm_of(&self, span: &Span) -> Option<ArmId> {
        let inside = |arm: &Arm| arm.span.start <= span.start && span.end <= arm.span.end;
        if let Some(i) = self.arms.iter().position(inside) {
            return Some(ArmId::Arm(i));
        }
        match &self.default {
            DefaultArm::Present { arm, .. } if inside(arm) => Some(ArmId::Default),
            _ => None,
        }
    }

    /// The arm with this id.
    pub fn arm(&self, id: ArmId) -> Option<&Arm> {
        match (id, &self.default) {
            (ArmId::Arm(i), _) => self.arms.get(i),
            (ArmId::Default, DefaultArm::Present { arm, .. }) => Some(arm),
            (ArmId::Default, _) => None,
        }
    }

    /// The literal command names an arm answers to (`["install", "upgrade"]`).
    pub fn names(&self, id: ArmId) -> Vec<&str> {
        self.arm(id)
            .map(|arm| {
                arm.patterns
                    .iter()
                    .filter(|p| p.literal)
                    .map(|p| p.value.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Reads the dispatch of a parsed script.
pub fn dispatch(script: &Script) -> Dispatch {
    let mut found = match &script.body {
        Body::Foreign => {
            let program = match script.kind() {
                super::ShellKind::Other(p) if !p.is_empty() => p.clone(),
                _ => "an unknown interpreter".to_string(),
            };
            return Dispatch::Unknown {
                reason: format!(
                    "the script runs with {program}, not a shell: its commands cannot be read statically"
                ),
            };
        }
        Body::Make(rules) => make_table(script, rules),
        Body::Shell(model) => match arms::shell_table(script, model) {
            Ok(table) => table,
            Err(arms::NoTable::Dynamic(reason)) => return Dispatch::Unknown { reason },
            Err(arms::NoTable::Ignored(reason)) => return Dispatch::Ignored { reason },
        },
    };
    let commands = script.commands();
    let fill = |arm: &mut Arm| {
        arm.commands = (0..commands.len())
            .filter(|&i| {
                arm.span.start <= commands[i].span.start && commands[i].span.end <= arm.span.end
            })
            .collect();
    };
    found.arms.iter_mut().for_each(fill);
    if let DefaultArm::Present { arm, .. } = &mut found.default {
        fill(arm);
    }
    Dispatch::Known(found)
}

fn make_table(script: &Script, rules: &[make::Rule]) -> Table {
    let mut arms = Vec::new();
    let mut default = DefaultArm::Builtin;
    for rule in rules {
        let patterns: Vec<Pattern> = rule
            .targets
            .iter()
            .map(|(name, span)| Pattern {
                raw: name.clone(),
                value: name.clone(),
                literal: !name.contains('%') && !name.contains('$'),
                span: span.clone(),
            })
            .collect();
        let arm = Arm {
            patterns,
            span: rule.span.clone(),
            commands: Vec::new(),
        };
        if arm
            .patterns
            .iter()
            .any(|p| p.value == "%" || p.value == ".DEFAULT")
        {
            default = DefaultArm::Present {
                arm,
                outcome: Outcome::Unclear,
            };
        } else {
            arms.push(arm);
        }
    }
    let anchor = rules
        .first()
        .and_then(|r| r.targets.first())
        .map(|(_, span)| span.clone())
        .or_else(|| super::shebang(script.text()).map(|s| s.span))
        .unwrap_or(0..0);
    Table {
        style: DispatchStyle::Make,
        anchor,
        arms,
        default,
    }
}

/// Builds a pattern from a word of the script.
pub(crate) fn pattern(word: &super::Word) -> Pattern {
    Pattern {
        value: words::unquote(&word.raw),
        literal: !words::has_unquoted_glob(&word.raw)
            && !word.raw.contains('$')
            && !word.raw.contains('`'),
        raw: word.raw.clone(),
        span: word.span.clone(),
    }
}

/// Shell glob matching of a whole string: `*`, `?`, `[...]` (with `!`/`^` negation).
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(b'?') => {
                p += 1;
                t += 1;
                continue;
            }
            Some(b'[') => {
                if let Some((matched, next)) = class_match(pattern, p, text[t]) {
                    if matched {
                        p = next;
                        t += 1;
                        continue;
                    }
                } else if text[t] == b'[' {
                    p += 1;
                    t += 1;
                    continue;
                }
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

/// Matches one byte against the class starting at `pattern[open]` (`[`); returns whether it
/// matched and the index after the class, or `None` when the class is not closed.
fn class_match(pattern: &[u8], open: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = open + 1;
    let negate = matches!(pattern.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < pattern.len() && (first || pattern[i] != b']') {
        first = false;
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&e| e != b']') {
            matched |= pattern[i] <= c && c <= pattern[i + 2];
            i += 3;
        } else {
            matched |= pattern[i] == c;
            i += 1;
        }
    }
    (i < pattern.len()).then_some((matched != negate, i + 1))
}
