//! WP601 dialplan-syntax.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dialplan::ProblemKind;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP601",
    slug: "dialplan-syntax",
    family: Family::Dialplan,
    severity: Severity::Error,
    summary: "A dialplan line is malformed: extension, priority, application, parentheses or quotes",
    why: "Asterisk skips an `exten` line it cannot read (no priority, a priority that is not a \
          number, `n`, `n(label)` or `hint`, no application) with a warning in its log, and an \
          unbalanced parenthesis or quote makes the application get arguments it does not expect: \
          the extension does not work.",
    example: "etc/asterisk/extensions_extra.d/x.conf:\n[xivo-extrafeatures]\nexten = ***42,1,Playback(hello-world\n",
    fixed: "etc/asterisk/extensions_extra.d/x.conf:\n[xivo-extrafeatures]\nexten = ***42,1,Playback(hello-world)\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for d in &cx.dialplans {
        let Some((loaded, parsed)) = &d.loaded else {
            continue;
        };
        for p in parsed
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::Syntax)
        {
            out.push(cx.about(
                &CHECK,
                d.file,
                Some(loaded),
                Some(p.span.clone()),
                p.message.clone(),
            ));
        }
    }
}
