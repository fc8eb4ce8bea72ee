//! WP604 dialplan-hook-no-return.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dialplan::HOOK_PREFIXES;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP604",
    slug: "dialplan-hook-no-return",
    family: Family::Dialplan,
    severity: Severity::Error,
    summary: "A Wazo hook subroutine (xivo-subrgbl-*, xivo-subrfwd-*) never reaches Return()",
    why: "Wazo calls these contexts with Gosub in the middle of every call of that kind; \
          \"Subroutines should always end with a Return()\" (uc-doc/api_sdk/subroutine.md): \
          without it the call ends in the subroutine and never reaches the user, group or \
          queue.",
    example: "etc/asterisk/extensions_extra.d/x.conf:\n[xivo-subrgbl-user]\nexten = s,1,NoOp(user call)\n",
    fixed: "etc/asterisk/extensions_extra.d/x.conf:\n[xivo-subrgbl-user]\nexten = s,1,NoOp(user call)\nsame = n,Return()\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for d in &cx.dialplans {
        let Some((loaded, parsed)) = &d.loaded else {
            continue;
        };
        for c in &parsed.contexts {
            if c.template || !HOOK_PREFIXES.iter().any(|p| c.name.starts_with(p)) {
                continue;
            }
            let returns = c.extensions.iter().any(|e| {
                let app = e.app.to_ascii_lowercase();
                // Return, or a jump/ExecIf that may return (not followed further).
                app == "return"
                    || e.args.to_ascii_lowercase().contains("return")
                    || app.starts_with("goto")
            });
            if returns || c.extensions.is_empty() {
                continue;
            }
            out.push(
                cx.about(
                    &CHECK,
                    d.file,
                    Some(loaded),
                    Some(c.name_span.clone()),
                    format!("[{}] is a Wazo hook subroutine and never calls Return(): the call stops there", c.name),
                )
                .help("end it with `same = n,Return()`"),
            );
        }
    }
}
