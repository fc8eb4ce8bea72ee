//! WP310 utf8-bom.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, FixAction, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::RULES;

pub const CHECK: Check = Check {
    code: "WP310",
    slug: "utf8-bom",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "wazo/rules starts with a UTF-8 byte order mark",
    why: "The kernel only honours a #! line at the very first byte. An editor's invisible \
          byte order mark (EF BB BF) in front of it makes the script unexecutable \
          (\"Exec format error\").",
    example: "<BOM>#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    if cx.text().starts_with('\u{feff}') {
        let bom = '\u{feff}'.len_utf8();
        out.push(
            cx.diag(
                &CHECK,
                "wazo/rules starts with a byte order mark, before #!",
            )
            .at(0..bom, Some("byte order mark".to_string()))
            .help("save the file as UTF-8 without BOM")
            .fix(
                "remove the byte order mark",
                vec![FixAction::Edit {
                    file: RULES.into(),
                    span: 0..bom,
                    replacement: String::new(),
                }],
            ),
        );
    }
}
