//! WP318 bashism.

use super::{BASE_COMMANDS, POSTRM, RulesCx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::{ShellKind, bashisms::bashisms};

pub const CHECK: Check = Check {
    code: "WP318",
    slug: "bashism",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "A #!/bin/sh rules script uses a construct only bash has",
    why: "On Debian, /bin/sh is dash. `set -o pipefail`, `[[ ]]`, `function f`, arrays, `==` in \
          `[ ]`, `source`, `$'...'`, `<<<`, `&>`, `{a,b}`, `${v//a/b}`, `${v:0:1}` and the like \
          are bash: dash stops with a syntax error or \"not found\", or quietly does something \
          else, and the command fails. An error where the line runs for a wazo-plugind command \
          (its arm, a function it calls, or the top level), a warning elsewhere. A second `#!` \
          line further down is only a comment: it does not make the script bash (a warning). \
          This check needs no shellcheck; shellcheck's SC3xxx finding at the same place is \
          dropped.",
    example: "#!/bin/sh\nset -eo pipefail\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        if [[ -f /etc/foo.conf ]]; then\n            echo found\n        fi\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\nset -e\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        if [ -f /etc/foo.conf ]; then\n            echo found\n        fi\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(script) = cx.script else {
        return;
    };
    if *script.kind() != ShellKind::Sh {
        return;
    }
    let runs = |span: &crate::shell::Span| {
        if cx.table.is_none() {
            return true;
        }
        let arms = cx.arms_of(span);
        arms.is_empty()
            || arms
                .iter()
                .any(|a| BASE_COMMANDS.contains(a) || *a == POSTRM)
    };
    for b in bashisms(script) {
        let mut d = cx
            .diag(
                &CHECK,
                format!(
                    "{} is bash, but wazo/rules runs with /bin/sh (dash on Debian)",
                    b.what
                ),
            )
            .at(b.span.clone(), Some("not in dash".to_string()))
            .help(format!("{}; or make the #! line `#!/bin/bash`", b.instead));
        if !runs(&b.span) {
            d.severity = Severity::Warning;
            d.message = format!(
                "{} is bash, but wazo/rules runs with /bin/sh (dash on Debian); wazo-plugind never runs this line",
                b.what
            );
        }
        out.push(d);
    }
    // A later `#!` line is a comment.
    let text = cx.text();
    let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
    for line in text.get(offset..).unwrap_or("").split_inclusive('\n') {
        let trimmed = line.trim_start();
        let names_another = crate::shell::shebang(trimmed).is_some_and(|later| {
            later.interpreter.starts_with('/')
                && !matches!(later.program.as_str(), "sh" | "dash" | "ash" | "")
        });
        if names_another {
            let start = offset + (line.len() - trimmed.len());
            let end = offset + line.trim_end().len();
            let mut d = cx
                .diag(
                    &CHECK,
                    "only the first line's #! chooses the interpreter: this one is a comment, the script still runs with /bin/sh",
                )
                .at(start..end.max(start), Some("a comment".to_string()))
                .help("put the interpreter you mean on the first line (`#!/bin/bash`), and remove this line");
            d.severity = Severity::Warning;
            out.push(d);
        }
        offset += line.len();
    }
}
