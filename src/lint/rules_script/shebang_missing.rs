//! WP307 shebang-missing.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP307",
    slug: "shebang-missing",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "wazo/rules does not start with a #! line",
    why: "wazo-plugind executes wazo/rules directly (not through a shell), so the kernel needs \
          the `#!` line to know which interpreter to run: without it the building step fails \
          with \"Exec format error\".",
    example: "case \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let text = cx.text();
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.starts_with("#!") {
        return;
    }
    let start = text.len() - body.len();
    let end = body.find('\n').map_or(text.len(), |i| start + i);
    let (span, label) = if body.trim().is_empty() {
        (0..0, None)
    } else {
        (
            start..end.max(start),
            Some("expected `#!/bin/sh` before this".to_string()),
        )
    };
    let mut d = cx
        .diag(&CHECK, "wazo/rules has no #! line: it cannot be executed")
        .help("make `#!/bin/sh` (or `#!/bin/bash`) the very first line");
    if !span.is_empty() {
        d = d.at(span, label);
    }
    out.push(d);
}
