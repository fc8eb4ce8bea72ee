//! WP311 pkgdir-write-outside.

use super::{RulesCx, command_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::{Command, Word};

pub const CHECK: Check = Check {
    code: "WP311",
    slug: "pkgdir-write-outside",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "The package arm writes or changes an absolute path outside ${pkgdir}",
    why: "`rules package` must only stage files under ${pkgdir}: what is there becomes the \
          Debian package. A write to /etc/... changes the server that builds the plugin \
          instead (under fakeroot it often fails), and the file is missing from the package. \
          The same goes for changing live files of the host: chown, chgrp, chmod, touch, \
          `sed -i`, ln, rm, rmdir and truncate on an absolute path not under ${pkgdir}; do \
          it in install, on the installed file.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p /etc/asterisk/extensions_extra.d\n        cp hello.conf /etc/asterisk/extensions_extra.d/\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|install|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/asterisk/extensions_extra.d\"\n        cp hello.conf \"${pkgdir}/etc/asterisk/extensions_extra.d/\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// Paths writing to which changes nothing on disk.
const HARMLESS: &[&str] = &["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"];

/// Scratch folders of the build host: staging work there changes nothing that matters.
const SCRATCH: &[&str] = &["/tmp", "/var/tmp"];

/// The words a command writes to or changes: every operand of mkdir/touch/tee/rm/rmdir/
/// truncate/unlink, the files of chown/chgrp/chmod (after the owner or mode) and of `sed -i`
/// (after the script), the destination of cp/mv/install/ln.
pub fn targets(command: &Command) -> Vec<&Word> {
    let Some(name) = command_name(command) else {
        return Vec::new();
    };
    let name = name.rsplit('/').next().unwrap_or(&name).to_string();
    let operands: Vec<&Word> = command
        .args
        .iter()
        .filter(|a| !a.raw.starts_with('-'))
        .collect();
    let options: Vec<&Word> = command
        .args
        .iter()
        .filter(|a| a.raw.starts_with('-'))
        .collect();
    match name.as_str() {
        "mkdir" | "touch" | "tee" | "rm" | "rmdir" | "truncate" | "unlink" => operands,
        "chown" | "chgrp" | "chmod" => {
            if options.iter().any(|o| o.raw.starts_with("--reference")) {
                operands
            } else {
                operands.into_iter().skip(1).collect()
            }
        }
        "sed" => {
            let in_place = options.iter().any(|o| {
                o.raw.starts_with("--in-place")
                    || (!o.raw.starts_with("--") && o.raw[1..].contains('i'))
            });
            if !in_place {
                return Vec::new();
            }
            let scripted = options
                .iter()
                .any(|o| o.raw == "-e" || o.raw == "-f" || o.raw.starts_with("--expression"));
            if scripted {
                // The words after -e/-f are scripts and files of scripts, not edited files.
                let mut edited = Vec::new();
                let mut skip = false;
                for a in &command.args {
                    if skip {
                        skip = false;
                        continue;
                    }
                    if a.raw == "-e" || a.raw == "-f" {
                        skip = true;
                    } else if !a.raw.starts_with('-') {
                        edited.push(a);
                    }
                }
                edited
            } else {
                operands.into_iter().skip(1).collect()
            }
        }
        "cp" | "mv" | "install" | "ln" => {
            // `-t DIR` / `--target-directory=DIR` name the destination explicitly.
            if let Some(i) = command.args.iter().position(|a| a.raw == "-t") {
                return command.args.get(i + 1).into_iter().collect();
            }
            if options
                .iter()
                .any(|o| o.raw.starts_with("--target-directory"))
            {
                return Vec::new();
            }
            if name == "install"
                && options
                    .iter()
                    .any(|o| o.raw == "-d" || o.raw.starts_with("-d") && !o.raw.starts_with("--"))
            {
                return operands;
            }
            if operands.len() >= 2 {
                operands.last().copied().into_iter().collect()
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// Whether a written path is absolute and outside ${pkgdir}.
pub fn outside(word: &Word) -> bool {
    let path = word.unquoted();
    path.starts_with('/')
        && !HARMLESS.contains(&path.as_str())
        && !path.starts_with("/dev/fd/")
        && !SCRATCH
            .iter()
            .any(|s| path == *s || path.starts_with(&format!("{s}/")))
}

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let commands = cx.commands_in("package");
    let mut words: Vec<&Word> = commands.iter().flat_map(|c| targets(c)).collect();
    words.extend(cx.redirect_targets_in("package"));
    for word in words.into_iter().filter(|w| outside(w)) {
        let path = word.unquoted();
        out.push(
            cx.diag(
                &CHECK,
                format!("the package arm writes to or changes `{path}`, outside ${{pkgdir}}"),
            )
            .at(word.span.clone(), Some("not under ${pkgdir}".to_string()))
            .help(format!(
                "stage it in the package instead: \"${{pkgdir}}{path}\""
            )),
        );
    }
}
