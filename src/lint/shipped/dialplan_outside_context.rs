//! WP600 dialplan-outside-context.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dialplan::ProblemKind;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP600",
    slug: "dialplan-outside-context",
    family: Family::Dialplan,
    severity: Severity::Error,
    summary: "A dialplan line comes before any [context]",
    why: "Every file of extensions_extra.d is included into Wazo's extensions.conf after its \
          own contexts: a line before the file's first `[context]` lands in whatever context \
          came last, or is refused by Asterisk.",
    example: "etc/asterisk/extensions_extra.d/x.conf:\nexten = ***42,1,Playback(hello-world)\n",
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
            .filter(|p| p.kind == ProblemKind::OutsideContext)
        {
            out.push(
                cx.about(
                    &CHECK,
                    d.file,
                    Some(loaded),
                    Some(p.span.clone()),
                    p.message.clone(),
                )
                .help("start the file with the context it belongs to, e.g. [xivo-extrafeatures]"),
            );
        }
    }
}
