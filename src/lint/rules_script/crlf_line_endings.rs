//! WP309 crlf-line-endings.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, FixAction, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::RULES;

pub const CHECK: Check = Check {
    code: "WP309",
    slug: "crlf-line-endings",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "wazo/rules has Windows (CRLF) line endings",
    why: "With CRLF endings the #! line reads `#!/bin/sh\\r`: the kernel looks for an \
          interpreter called `sh\\r`, which does not exist, and the script cannot run. The \
          shell would also read `build\\r` instead of `build`.",
    example: "#!/bin/sh^M\ncase \"$1\" in^M\n    build|package|install|uninstall|postrm)^M\n        ;;^M\n    *)^M\n        exit 1^M\n        ;;^M\nesac^M\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let text = cx.text();
    let edits: Vec<FixAction> = text
        .match_indices("\r\n")
        .map(|(i, _)| FixAction::Edit {
            file: RULES.into(),
            span: i..i + 1,
            replacement: String::new(),
        })
        .collect();
    let Some(FixAction::Edit { span: first, .. }) = edits.first().cloned() else {
        return;
    };
    out.push(
        cx.diag(
            &CHECK,
            format!("wazo/rules has CRLF line endings ({} lines)", edits.len()),
        )
        .at(first, Some("carriage return".to_string()))
        .help("convert to LF (`sed -i 's/\\r$//' wazo/rules`) and add `wazo/rules text eol=lf` to .gitattributes")
        .fix("convert line endings to LF", edits),
    );
}
