//! WP603 dialplan-target-unknown.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dialplan::{WAZO_CONTEXTS, jump_target};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP603",
    slug: "dialplan-target-unknown",
    family: Family::Dialplan,
    severity: Severity::Warning,
    summary: "A Goto or Gosub names a context that neither the plugin nor Wazo defines",
    why: "A jump to a context that does not exist hangs the call up at that step. Contexts \
          made from the configuration (a tenant's contexts, a custom context made in the UI) \
          cannot be known here, hence a warning.",
    example: "etc/asterisk/extensions_extra.d/x.conf:\n[xivo-extrafeatures]\nexten = ***43,1,Goto(my-ctxt,s,1)\n\n[my-ctx]\nexten = s,1,Playback(hello-world)\n",
    fixed: "etc/asterisk/extensions_extra.d/x.conf:\n[xivo-extrafeatures]\nexten = ***43,1,Goto(my-ctx,s,1)\n\n[my-ctx]\nexten = s,1,Playback(hello-world)\n",
};

const JUMPS: &[&str] = &["goto", "gosub", "gotoif", "gosubif"];

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    let own: Vec<&str> = cx
        .dialplans
        .iter()
        .filter_map(|d| d.loaded.as_ref())
        .flat_map(|(_, p)| p.contexts.iter().map(|c| c.name.as_str()))
        .collect();
    for d in &cx.dialplans {
        let Some((loaded, parsed)) = &d.loaded else {
            continue;
        };
        for e in parsed.contexts.iter().flat_map(|c| &c.extensions) {
            let app = e.app.to_ascii_lowercase();
            if !JUMPS.contains(&app.as_str()) {
                continue;
            }
            // GotoIf(cond?a,b,c:d,e,f): both branches.
            let branches: Vec<&str> = if app.ends_with("if") {
                match e.args.split_once('?') {
                    Some((_, rest)) => rest.split(':').collect(),
                    None => continue,
                }
            } else {
                vec![e.args.as_str()]
            };
            for b in branches {
                let Some(ctx) = jump_target(b) else { continue };
                if own.contains(&ctx.as_str()) || WAZO_CONTEXTS.contains(&ctx.as_str()) {
                    continue;
                }
                let mut diag = cx.about(
                    &CHECK,
                    d.file,
                    Some(loaded),
                    Some(e.app_span.clone()),
                    format!(
                        "{} jumps to context `{ctx}`, which neither the plugin nor Wazo defines",
                        e.app
                    ),
                );
                if let Some(m) = crate::wazo::did_you_mean(
                    &ctx,
                    own.iter().copied().chain(WAZO_CONTEXTS.iter().copied()),
                ) {
                    diag = diag.help(format!("did you mean `{m}`?"));
                }
                out.push(diag);
            }
        }
    }
}
