//! WP308 interpreter-unknown.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::shebang;

pub const CHECK: Check = Check {
    code: "WP308",
    slug: "interpreter-unknown",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "The #! line names an interpreter that a Wazo server does not have",
    why: "Wazo runs on Debian: /bin/sh, /bin/bash, /usr/bin/make, /usr/bin/python3 and \
          /usr/bin/perl exist there; /usr/local/bin/bash, /usr/bin/python (Python 2) or \
          /bin/zsh do not, and executing the script fails with \"No such file or directory\".",
    example: "#!/usr/local/bin/bash\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/bash\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// Interpreters present on a Wazo server (Debian), by path.
const PATHS: &[&str] = &[
    "/bin/sh",
    "/usr/bin/sh",
    "/bin/dash",
    "/usr/bin/dash",
    "/bin/bash",
    "/usr/bin/bash",
    "/usr/bin/make",
    "/usr/bin/python3",
    "/usr/bin/perl",
    "/bin/perl",
];

/// Programs `/usr/bin/env` may run.
const PROGRAMS: &[&str] = &["sh", "dash", "bash", "make", "python3", "perl"];

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let Some(line) = shebang(cx.text()) else {
        return;
    };
    let problem = if line.interpreter == "/usr/bin/env" || line.interpreter == "/bin/env" {
        if line.program.is_empty() {
            Some("`env` is given no program to run".to_string())
        } else if PROGRAMS.contains(&line.program.as_str()) {
            None
        } else {
            Some(format!(
                "`{}` is not installed on a Wazo server",
                line.program
            ))
        }
    } else if PATHS.contains(&line.interpreter.as_str()) {
        None
    } else if line.program == "python" {
        Some(format!(
            "{} is Python 2, which Wazo does not ship",
            line.interpreter
        ))
    } else {
        Some(format!(
            "{} does not exist on a Wazo server",
            line.interpreter
        ))
    };
    if let Some(problem) = problem {
        out.push(
            cx.diag(&CHECK, format!("unknown interpreter: {problem}"))
                .at(line.span.clone(), Some("not on Wazo".to_string()))
                .help("use #!/bin/sh, #!/bin/bash, #!/usr/bin/make -f or #!/usr/bin/python3"),
        );
    }
}
