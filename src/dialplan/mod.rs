//! An Asterisk dialplan file (extensions.conf syntax) as Wazo includes it: contexts (with `(+)`
//! additions and `(!)` templates), `exten =>` / `same =>` lines with their priority and
//! application, and what is wrong with a line.
//!
//! Sources: Asterisk's `main/config.c` (sections, `;` comments, `;-- --;` blocks, `(+)` and
//! `(!)`, templates) and `pbx/pbx_config.c` (`exten`, `same`, priorities `n`, `n(label)`,
//! `hint`, `s`); Wazo's includes in `wazo-asterisk-config@ee0929a:etc/asterisk/extensions.d/
//! 01-wazo.conf` (`#include extensions_extra.d/*`).

use std::ops::Range;

/// A priority as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Priority {
    Number(u32),
    /// `n`, or `n+2`.
    Next,
    Hint,
}

/// An `exten =>` or `same =>` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The extension (for `same`, the one of the line before).
    pub exten: String,
    pub priority: Priority,
    /// The resolved priority number (`n` counts from the previous line), `None` for hints.
    pub number: Option<u32>,
    pub label: Option<String>,
    /// The application name (`Goto`) and its arguments (`ctx,s,1`).
    pub app: String,
    pub args: String,
    /// The whole line.
    pub span: Range<usize>,
    /// The application and its arguments.
    pub app_span: Range<usize>,
}

/// A `[context]` and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub name: String,
    pub name_span: Range<usize>,
    /// `[name](+)`: adds to a context defined elsewhere.
    pub additive: bool,
    /// `[name](!)`: a template, not a context.
    pub template: bool,
    pub extensions: Vec<Extension>,
    /// `include => other`.
    pub includes: Vec<(String, Range<usize>)>,
}

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A line before the first `[context]`.
    OutsideContext,
    /// A line that is not an `exten`/`same`/`include` line or is malformed.
    Syntax,
}

/// A dialplan file, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dialplan {
    pub contexts: Vec<Context>,
    pub problems: Vec<Problem>,
}

/// Keys a dialplan context may hold besides `exten` and `same`.
const OTHER_KEYS: &[&str] = &["include", "switch", "lswitch", "eswitch", "ignorepat"];

/// Parses the text of a dialplan file.
pub fn parse(text: &str) -> Dialplan {
    let mut out = Dialplan::default();
    let mut offset = 0;
    let mut in_block = false;
    let mut last: Option<(String, Option<u32>)> = None;
    let mut globals = false;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let line = strip_comment(line, &mut in_block);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let span = start + lead..start + lead + trimmed.len();
        if trimmed.starts_with('#') {
            continue; // #include, #exec, #tryinclude
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                out.problems.push(Problem {
                    span,
                    message: "a context header without its closing `]`".into(),
                    kind: ProblemKind::Syntax,
                });
                continue;
            };
            let name = rest[..close].trim().to_string();
            let options = rest[close + 1..].trim();
            let (additive, template) = match options {
                "" => (false, false),
                o if o.starts_with('(') && o.ends_with(')') => {
                    let inner = &o[1..o.len() - 1];
                    let flags: Vec<&str> = inner.split(',').map(str::trim).collect();
                    (flags.contains(&"+"), flags.contains(&"!"))
                }
                _ => {
                    out.problems.push(Problem {
                        span: span.clone(),
                        message: format!("unexpected `{options}` after the context header"),
                        kind: ProblemKind::Syntax,
                    });
                    (false, false)
                }
            };
            let name_start =
                span.start + 1 + (rest[..close].len() - rest[..close].trim_start().len());
            globals = matches!(name.as_str(), "general" | "globals");
            out.contexts.push(Context {
                name_span: name_start..name_start + name.len(),
                name,
                additive,
                template,
                extensions: Vec::new(),
                includes: Vec::new(),
            });
            last = None;
            continue;
        }
        let Some(context) = out.contexts.last_mut() else {
            out.problems.push(Problem {
                span,
                message: "this line comes before any `[context]`: Asterisk ignores it".into(),
                kind: ProblemKind::OutsideContext,
            });
            continue;
        };
        let (key, value) = match trimmed.split_once('=') {
            Some((k, v)) => (k.trim(), v.strip_prefix('>').unwrap_or(v).trim()),
            None => {
                out.problems.push(Problem {
                    span,
                    message: "expected `exten = ...`, `same = ...` or `include = ...`".into(),
                    kind: ProblemKind::Syntax,
                });
                continue;
            }
        };
        if globals {
            continue; // [general] and [globals] hold settings and variables.
        }
        let value_start = start + lead + trimmed.find(value).unwrap_or(0);
        match key {
            "exten" | "same" => {
                match extension(key, value, value_start, span.clone(), last.as_ref()) {
                    Ok(e) => {
                        if e.priority != Priority::Hint {
                            last = Some((e.exten.clone(), e.number));
                        }
                        context.extensions.push(e);
                    }
                    Err(message) => out.problems.push(Problem {
                        span,
                        message,
                        kind: ProblemKind::Syntax,
                    }),
                }
            }
            "include" => context
                .includes
                .push((value.to_string(), value_start..value_start + value.len())),
            k if OTHER_KEYS.contains(&k) => {}
            k => out.problems.push(Problem {
                span,
                message: format!(
                    "`{k}` is not a dialplan line: expected `exten`, `same` or `include`"
                ),
                kind: ProblemKind::Syntax,
            }),
        }
    }
    out
}

/// The line without its `;` comment (`\;` is a literal semicolon), tracking `;-- --;` blocks.
fn strip_comment<'a>(line: &'a str, in_block: &mut bool) -> &'a str {
    if *in_block {
        if let Some(i) = line.find("--;") {
            *in_block = false;
            // Text after a block comment on the same line is rare: drop it.
            let _ = i;
        }
        return "";
    }
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b';' => {
                if line[i..].starts_with(";--") && !line[i..].contains("--;") {
                    *in_block = true;
                }
                return &line[..i];
            }
            _ => i += 1,
        }
    }
    line
}

fn extension(
    key: &str,
    value: &str,
    value_start: usize,
    span: Range<usize>,
    last: Option<&(String, Option<u32>)>,
) -> Result<Extension, String> {
    let mut parts = value.splitn(if key == "same" { 2 } else { 3 }, ',');
    let exten = if key == "same" {
        match last {
            Some((e, _)) => e.clone(),
            None => return Err("`same` with no `exten` line before it in this context".into()),
        }
    } else {
        let e = parts.next().unwrap_or("").trim();
        if e.is_empty() {
            return Err("an `exten` line without an extension".into());
        }
        e.to_string()
    };
    let prio_text = parts.next().map(str::trim).unwrap_or("");
    let app_text = parts.next().unwrap_or("");
    let (prio_word, label) = match prio_text.split_once('(') {
        Some((p, l)) if l.ends_with(')') => (p.trim(), Some(l[..l.len() - 1].to_string())),
        Some(_) => {
            return Err(format!(
                "priority `{prio_text}`: the label's `(` is not closed"
            ));
        }
        None => (prio_text, None),
    };
    let previous = last.filter(|(e, _)| *e == exten).and_then(|(_, n)| *n);
    let (priority, number) = match prio_word {
        "hint" => (Priority::Hint, None),
        "n" => (Priority::Next, Some(previous.map_or(1, |n| n + 1))),
        p if p.starts_with("n+") => {
            let k: u32 = p[2..]
                .parse()
                .map_err(|_| format!("priority `{p}` is not n+NUMBER"))?;
            (Priority::Next, Some(previous.map_or(1, |n| n + k)))
        }
        p => match p.parse::<u32>() {
            Ok(n) if n > 0 => (Priority::Number(n), Some(n)),
            _ if p.is_empty() => {
                return Err("a priority is missing (1, n, n(label) or hint)".into());
            }
            _ => {
                return Err(format!(
                    "priority `{p}` is not a number, `n`, `n(label)` or `hint`"
                ));
            }
        },
    };
    if key == "same" && matches!(priority, Priority::Number(1)) && previous.is_some() {
        // `same = 1` restarts: legal, rare.
    }
    let app_text_trim = app_text.trim();
    if app_text_trim.is_empty() && priority != Priority::Hint {
        return Err("an application is missing after the priority".into());
    }
    let app_offset = value.len() - app_text.len() + (app_text.len() - app_text.trim_start().len());
    let app_start = value_start + app_offset;
    let (app, args) = match app_text_trim.split_once('(') {
        Some((a, rest)) => (
            a.trim().to_string(),
            rest.strip_suffix(')').unwrap_or(rest).to_string(),
        ),
        None => (app_text_trim.to_string(), String::new()),
    };
    if priority != Priority::Hint {
        balanced(app_text_trim)?;
    }
    Ok(Extension {
        exten,
        priority,
        number,
        label,
        app,
        args,
        span,
        app_span: app_start..app_start + app_text_trim.len(),
    })
}

/// Whether parentheses, `${ }`/`$[ ]` and double quotes balance in an application call.
fn balanced(text: &str) -> Result<(), String> {
    let mut stack = Vec::new();
    let mut quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => stack.push(c),
            ')' | ']' | '}' if !quoted => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(open) {
                    return Err(format!("unbalanced `{c}` in `{text}`"));
                }
            }
            _ => {}
        }
    }
    if quoted {
        return Err(format!("a double quote is not closed in `{text}`"));
    }
    if let Some(c) = stack.pop() {
        return Err(format!("`{c}` is not closed in `{text}`"));
    }
    Ok(())
}

/// The 91 contexts Wazo's own dialplan defines (`wazo-asterisk-config@ee0929a`: `dialplan/*.conf`
/// and `etc/asterisk/extensions*`), which a plugin's Goto/Gosub may target. Contexts made from
/// the configuration (tenants' `ctx-...`, user contexts) are not known here.
pub const WAZO_CONTEXTS: &[&str] = &[
    "agentcallback",
    "agentstaticlogin",
    "agentstaticlogoff",
    "agentstaticlogtoggle",
    "agi_fail",
    "authenticate",
    "autoprov",
    "bsfilter",
    "callcounter",
    "callrecord",
    "conference",
    "contextlib",
    "convert_to_stasis",
    "did",
    "enablednd",
    "enablevm",
    "error-missing-group-name",
    "error-missing-group-strategy",
    "feature_forward",
    "forward",
    "fwdundoall",
    "group",
    "group-member-join",
    "group-member-leave",
    "group-member-toggle",
    "hangup",
    "incallfilter",
    "meetingjoin",
    "originate-caller-id",
    "outcall",
    "paging",
    "phoneprogfunckey",
    "phonestatus",
    "phonestatus_say_enabled_disabled",
    "pre-mobility",
    "queue",
    "recsnd",
    "rxfax",
    "switchboard",
    "txfax",
    "user",
    "usersharedlines",
    "vmauthenticate",
    "vmbox",
    "vmboxmsg",
    "vmboxpurge",
    "vmuser",
    "vmusermsg",
    "vmuserpurge",
    "voicemail",
    "wazo-add-pre-dial-hook",
    "wazo-application",
    "wazo-callbackdisa",
    "wazo-connectedline",
    "wazo-fwd-subroutine",
    "wazo-global-subroutine",
    "wazo-group-answered",
    "wazo-meeting",
    "wazo-meeting-guest",
    "wazo-meeting-user",
    "wazo-originate-mobile-leg1",
    "wazo-originate-mobile-leg2",
    "wazo-outcall-set-anonymous",
    "wazo-pickup",
    "wazo-play-beep",
    "wazo-pre-dial-hooks",
    "wazo-queue-answered",
    "wazo-record-answered",
    "wazo-record-beep",
    "wazo-record-listening-channel",
    "wazo-record-peer",
    "wazo-ring_type_set",
    "wazo-schedule-pre-dial-hooks",
    "wazo-setup-userevent-dial-echo",
    "wazo-subroutine",
    "wazo-user_callfilter",
    "wazo-user_permission_check",
    "wazo-userevent-dial-echo",
    "wazo-verbose",
    "wazo_wait_for_registration",
    "xivo-callme",
    "xivo-chk_feature_access",
    "xivo-extrafeatures",
    "xivo-initconfig",
    "xivo-ivr",
    "xivo-pickup",
    "xivo-provisioning",
    "xivo-verbose",
    "xivo_subr_switchboard",
    "xivo_switchboard_answered_callback",
    "xivo_switchboard_retrieve",
];

/// Hook subroutine prefixes Wazo calls (`uc-doc/api_sdk/subroutine.md`), which must `Return()`.
pub const HOOK_PREFIXES: &[&str] = &["xivo-subrgbl-", "xivo-subrfwd-"];

/// The context, extension and priority a `Goto`/`Gosub`/`GotoIf` argument names, when it
/// names a context (`ctx,exten,prio`): `None` for a label or an expression.
pub fn jump_target(args: &str) -> Option<String> {
    let args = args.trim();
    if args.contains('$') {
        return None;
    }
    let target = args.split('(').next().unwrap_or(args);
    let parts: Vec<&str> = target.split(',').map(str::trim).collect();
    (parts.len() == 3 && !parts[0].is_empty()).then(|| parts[0].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_priorities_and_templates() {
        let text = "; a comment\n[xivo-extrafeatures](+)\nexten = ***42,1,Playback(hello-world)\nsame = n(end),Return()\n\n[tpl](!)\nexten => s,1,NoOp()\n";
        let d = parse(text);
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.contexts.len(), 2);
        assert!(d.contexts[0].additive);
        assert!(d.contexts[1].template);
        let same = &d.contexts[0].extensions[1];
        assert_eq!((same.exten.as_str(), same.number), ("***42", Some(2)));
        assert_eq!(same.label.as_deref(), Some("end"));
        assert_eq!(same.app, "Return");
    }

    #[test]
    fn problems() {
        let d = parse(
            "exten = 1,1,NoOp()\n[c]\nexten = 1,1,NoOp(\nexten = 2,x,NoOp()\nsame = n,Set(A=\"b)\nfoo\n",
        );
        let kinds: Vec<_> = d.problems.iter().map(|p| p.kind).collect();
        assert_eq!(kinds[0], ProblemKind::OutsideContext);
        assert_eq!(d.problems.len(), 5, "{:?}", d.problems);
    }

    #[test]
    fn a_semicolon_can_be_escaped_and_a_block_comment_spans_lines() {
        let d =
            parse("[c]\nexten = 1,1,Set(A=a\\;b) ; comment\n;-- a\nblock --;\nsame = n,Hangup()\n");
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.contexts[0].extensions.len(), 2);
    }

    #[test]
    fn jump_targets() {
        assert_eq!(jump_target("my-ctx,s,1"), Some("my-ctx".into()));
        assert_eq!(jump_target("s,1"), None);
        assert_eq!(jump_target("${CTX},s,1"), None);
        assert_eq!(jump_target("sub,s,1(arg)"), Some("sub".into()));
    }
}
