//! WP321 install-not-idempotent.

use super::{RulesCx, command_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::{Command, RedirectOp, Script, Span};

pub const CHECK: Check = Check {
    code: "WP321",
    slug: "install-not-idempotent",
    family: Family::Rules,
    severity: Severity::Warning,
    summary: "An install step fails or piles up when it runs a second time",
    why: "The package's postinst runs `rules install` on every installation: reinstalling the \
          plugin and upgrading it run it again on a server where the first run's work is done. \
          `ln -s` then fails (the link exists), `patch` finds the patch applied, `sed -i` \
          appends and `>> /etc/...` add their line again, `mkdir` fails under `set -e`, and a \
          backup copy overwrites the pristine backup with the already modified file. Each \
          finding gives the form that is safe to run twice.",
    example: "#!/bin/sh\nset -e\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        ln -s /usr/share/myplugin/myplugin.conf /etc/nginx/conf.d/myplugin.conf\n        echo 'include myplugin.conf' >> /etc/asterisk/extensions.conf\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\nset -e\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        ln -sf /usr/share/myplugin/myplugin.conf /etc/nginx/conf.d/myplugin.conf\n        grep -qxF 'include myplugin.conf' /etc/asterisk/extensions.conf || echo 'include myplugin.conf' >> /etc/asterisk/extensions.conf\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// Suffixes of backup copies.
const BACKUP_SUFFIXES: &[&str] = &[".bak", ".orig", ".old", ".backup", ".save", ".dist", "~"];

/// Short options of a command, merged (`-sfn` gives `sfn`), and its long options.
fn options(command: &Command) -> (String, Vec<String>) {
    let mut short = String::new();
    let mut long = Vec::new();
    for a in &command.args {
        let raw = a.unquoted();
        if raw == "--" {
            break;
        }
        if let Some(l) = raw.strip_prefix("--") {
            long.push(l.split('=').next().unwrap_or(l).to_string());
        } else if let Some(s) = raw.strip_prefix('-') {
            short.push_str(s);
        }
    }
    (short, long)
}

fn operands(command: &Command) -> Vec<String> {
    command
        .args
        .iter()
        .map(|a| a.unquoted())
        .filter(|a| !a.starts_with('-'))
        .collect()
}

/// Whether the script stops on the first failing command (`set -e`, `#!/bin/sh -e`).
fn stops_on_error(script: &Script) -> bool {
    let first = script.text().lines().next().unwrap_or("");
    if first.starts_with("#!")
        && first
            .split_whitespace()
            .skip(1)
            .any(|w| w.starts_with('-') && w.contains('e'))
    {
        return true;
    }
    script.commands().iter().any(|c| {
        command_name(c).as_deref() == Some("set")
            && c.args.iter().any(|a| {
                let a = a.unquoted();
                a.starts_with('-') && !a.starts_with("--") && a.contains('e')
            })
    })
}

/// Whether the command is guarded on its line (`[ -e f ] || cmd`, `cmd || true`, `test ... &&`)
/// or sits right under an `if` testing something.
fn guarded(text: &str, span: &Span) -> bool {
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[span.end.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let before = &text[line_start..span.start.min(text.len())];
    let after = &text[span.end.min(text.len())..line_end];
    if before.contains("||") || before.contains("&&") || after.contains("||") {
        return true;
    }
    // The previous non-empty line opens an `if` or a `then`.
    let prev = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    prev.starts_with("if ") || prev == "then" || prev.ends_with("then")
}

/// Whether a sed script appends or inserts a line (`$a text`, `/re/a text`, `1i\`).
fn sed_adds_line(script: &str) -> bool {
    let s = script.trim();
    // The command letter follows the address: `$`, a line number, `/regex/`, or nothing.
    let after_address = if let Some(rest) = s.strip_prefix('$') {
        rest
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.trim_start_matches(|c: char| c.is_ascii_digit())
    } else if let Some(rest) = s.strip_prefix('/') {
        let mut escaped = false;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '/' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        match end {
            Some(i) => &rest[i + 1..],
            None => return false,
        }
    } else {
        s
    };
    let t = after_address.trim_start();
    let mut chars = t.chars();
    matches!(chars.next(), Some('a' | 'i'))
        && chars
            .next()
            .is_none_or(|c| c == '\\' || c == ' ' || c == '\t')
}

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(script) = cx.script else {
        return;
    };
    let text = cx.text();
    let set_e = stops_on_error(script);
    let mut push = |span: Span, message: String, help: &str| {
        out.push(
            cx.diag(&CHECK, message)
                .at(span, Some("not safe to run twice".to_string()))
                .help(help.to_string()),
        );
    };
    for command in cx.commands_in("install") {
        let Some(name) = command_name(command) else {
            continue;
        };
        let name = name.rsplit('/').next().unwrap_or(&name).to_string();
        if guarded(text, &command.span) {
            continue;
        }
        let (short, long) = options(command);
        let span = command.span.clone();
        match name.as_str() {
            "ln" if short.contains('s')
                && !short.contains('f')
                && !long.iter().any(|l| l == "force") =>
            {
                push(
                    span,
                    "`ln -s` fails on a reinstall or upgrade: the link already exists".into(),
                    "use `ln -sf` (with `-n` when the link points to a folder)",
                );
            }
            "patch"
                if !short.contains('N')
                    && !long.iter().any(|l| l == "forward")
                    && !short.contains('R')
                    && !long.iter().any(|l| l == "reverse" || l == "dry-run") =>
            {
                push(
                    span,
                    "`patch` runs again on a reinstall or upgrade, on files it already patched: it fails".into(),
                    "apply it only when it is not applied yet: `patch -R --dry-run -s -f ... >/dev/null 2>&1 || patch -N ...`",
                );
            }
            "sed" if short.contains('i') || long.iter().any(|l| l == "in-place") => {
                let mut words = command.args.iter().map(|a| a.unquoted());
                let scripts: Vec<String> = if short.contains('e') {
                    let mut found = Vec::new();
                    while let Some(w) = words.next() {
                        if w == "-e" {
                            found.extend(words.next());
                        }
                    }
                    found
                } else {
                    operands(command).into_iter().take(1).collect()
                };
                if scripts.iter().any(|s| s.split(';').any(sed_adds_line)) {
                    push(
                        span,
                        "`sed -i` adds its line again on every reinstall or upgrade".into(),
                        "test first: `grep -qF 'the line' FILE || sed -i ... FILE`",
                    );
                }
            }
            "mkdir" if set_e && !short.contains('p') && !long.iter().any(|l| l == "parents") => {
                push(
                    span,
                    "`mkdir` fails on a reinstall or upgrade under `set -e`: the folder already exists".into(),
                    "use `mkdir -p`",
                );
            }
            "cp" | "mv" if !short.contains('n') && !long.iter().any(|l| l == "no-clobber") => {
                let ops = operands(command);
                if let [src, dest] = ops.as_slice()
                    && src.starts_with('/')
                    && BACKUP_SUFFIXES
                        .iter()
                        .any(|s| dest.strip_suffix(s) == Some(src.as_str()))
                {
                    push(
                        span,
                        format!(
                            "`{name} {src} {dest}` replaces the first backup with the file as the last install left it"
                        ),
                        "keep the first backup: `[ -e BACKUP ] || cp FILE BACKUP` (or `cp -n`)",
                    );
                }
            }
            _ => {}
        }
    }
    for target in cx.redirect_targets_in("install") {
        let path = target.unquoted();
        let append = script
            .redirects()
            .iter()
            .any(|r| r.target.span == target.span && r.op == RedirectOp::Append);
        if append && path.starts_with("/etc/") && !guarded(text, &target.span) {
            push(
                target.span.clone(),
                format!("`>> {path}` adds the line again on every reinstall or upgrade"),
                "append only when it is missing: `grep -qxF 'LINE' FILE || echo 'LINE' >> FILE`",
            );
        }
    }
}
