//! WP300 rules-syntax.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::shell::{SyntaxError, SyntaxErrorKind};

pub const CHECK: Check = Check {
    code: "WP300",
    slug: "rules-syntax",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "wazo/rules has a shell syntax error",
    why: "The shell reads the whole case statement before running any of it: a syntax error \
          anywhere makes every command fail, starting with `rules build`.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc\"\n    install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc\"\n        ;;\n    install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn diagnostic(cx: &RulesCx, e: &SyntaxError) -> Diagnostic {
    let message = match e.kind {
        SyntaxErrorKind::Syntax => format!("shell syntax error: {}", e.message),
        SyntaxErrorKind::TooComplex => format!("the script could not be checked: {}", e.message),
    };
    cx.diag(&CHECK, message)
        .at(
            cx.source.visible_span(e.span.clone()),
            Some("here".to_string()),
        )
        .help("`sh -n wazo/rules` (or `bash -n`) shows the same error")
}
