//! WP320 download-execute.

use super::{RulesCx, effective_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP320",
    slug: "download-execute",
    family: Family::Rules,
    severity: Severity::Warning,
    summary: "The rules script downloads a script and runs it (`curl ... | sh`, or saved then run)",
    why: "What runs is whatever the server answers at install time, as root in install, \
          uninstall and postrm: it can change, disappear (the installation then fails) or be \
          replaced, and nothing pins or checks it. Ship the script in the plugin, or download \
          a fixed version and check its checksum before running it. Found: a download piped \
          into a shell or interpreter, `sh -c \"$(curl ...)\"`, and a file saved by curl or \
          wget (`-o`, `-O`, `>`) that the script then runs.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        curl -fsSL https://example.com/setup.sh | sh\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        sh /usr/share/myplugin/setup.sh\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

const DOWNLOADERS: &[&str] = &["curl", "wget"];
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "zsh", "python", "python3", "perl", "ruby", "node",
];

/// The interpreter a pipe after `end` feeds (`| sh`, `| sudo bash -s --`), if any.
fn piped_into(text: &str, end: usize) -> Option<&str> {
    let rest = text.get(end..)?;
    let line = rest.split('\n').next().unwrap_or("");
    let after = line.trim_start().strip_prefix('|')?;
    if after.starts_with('|') {
        return None;
    }
    let mut words = after.split_whitespace();
    let mut next = words.next()?;
    if matches!(next, "sudo" | "env" | "exec" | "command") {
        next = words.find(|w| !w.starts_with('-') && !w.contains('='))?;
    }
    let base = next.rsplit('/').next().unwrap_or(next);
    INTERPRETERS.iter().find(|i| **i == base).copied()
}

/// The file a download command writes: `curl -o F`, `curl --output F`, `wget -O F`,
/// `wget --output-document=F`, or `> F`.
fn downloaded_file(command: &crate::shell::Command) -> Option<String> {
    let args: Vec<String> = command.args.iter().map(|a| a.unquoted()).collect();
    for (i, a) in args.iter().enumerate() {
        if matches!(a.as_str(), "-o" | "--output" | "-O" | "--output-document") {
            return args.get(i + 1).filter(|f| f.as_str() != "-").cloned();
        }
        if let Some(f) = a
            .strip_prefix("--output-document=")
            .or_else(|| a.strip_prefix("--output="))
        {
            return (f != "-").then(|| f.to_string());
        }
    }
    command
        .redirects
        .iter()
        .find(|r| r.op == crate::shell::RedirectOp::Write)
        .map(|r| r.target.unquoted())
}

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(script) = cx.script else {
        return;
    };
    let text = cx.text();
    // Files downloaded so far, and the command that runs one of them.
    let mut downloads: Vec<String> = Vec::new();
    for command in script.commands() {
        if let Some((name, _)) = effective_name(command)
            && DOWNLOADERS.contains(&name.as_str())
            && let Some(file) = downloaded_file(command)
        {
            downloads.push(file);
            continue;
        }
        if let Some((name, word)) = effective_name(command) {
            let runs = if INTERPRETERS.contains(&name.as_str()) {
                command
                    .args
                    .iter()
                    .map(|a| a.unquoted())
                    .find(|a| !a.starts_with('-'))
            } else {
                Some(word.unquoted())
            };
            if let Some(file) = runs.filter(|f| downloads.contains(f)) {
                out.push(
                    cx.diag(
                        &CHECK,
                        format!("`{file}` is downloaded, then run: the script run is whatever the server sent"),
                    )
                    .at(
                        word.span.start..command.span.end.max(word.span.end),
                        Some("downloaded and run".to_string()),
                    )
                    .help("ship the script in the plugin, or pin its version and check its sha256sum before running it"),
                );
                continue;
            }
        }
        let Some((name, word)) = effective_name(command) else {
            continue;
        };
        let found = if DOWNLOADERS.contains(&name.as_str()) {
            piped_into(text, command.span.end).map(|i| format!("`{name} ... | {i}`"))
        } else if INTERPRETERS.contains(&name.as_str()) {
            command
                .args
                .iter()
                .find(|a| {
                    DOWNLOADERS.iter().any(|d| {
                        a.raw.contains(&format!("$({d} ")) || a.raw.contains(&format!("<({d} "))
                    })
                })
                .map(|_| format!("`{name}` running a download"))
        } else {
            None
        };
        let Some(what) = found else {
            continue;
        };
        out.push(
            cx.diag(
                &CHECK,
                format!("{what}: the script run is whatever the server sends at that moment"),
            )
            .at(
                word.span.start..command.span.end.max(word.span.end),
                Some("downloaded and run".to_string()),
            )
            .help("ship the script in the plugin, or pin its version and check its sha256sum before running it"),
        );
    }
}
