//! WP602 dialplan-priority-duplicate.

use std::collections::HashMap;

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::dialplan::Priority;
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP602",
    slug: "dialplan-priority-duplicate",
    family: Family::Dialplan,
    severity: Severity::Error,
    summary: "An extension has the same priority twice in a context",
    why: "Asterisk keeps the first line with a given extension and priority and refuses the \
          other (\"Unable to register extension ... already in use\"): the second step of the \
          call never runs.",
    example: "etc/asterisk/extensions_extra.d/x.conf:\n[my-ctx]\nexten = s,1,Answer()\nexten = s,1,Playback(hello-world)\n",
    fixed: "etc/asterisk/extensions_extra.d/x.conf:\n[my-ctx]\nexten = s,1,Answer()\nsame = n,Playback(hello-world)\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for d in &cx.dialplans {
        let Some((loaded, parsed)) = &d.loaded else {
            continue;
        };
        for context in &parsed.contexts {
            let mut seen: HashMap<(&str, u32), std::ops::Range<usize>> = HashMap::new();
            for e in &context.extensions {
                let (Some(n), false) = (e.number, e.priority == Priority::Hint) else {
                    continue;
                };
                if let Some(first) = seen.get(&(e.exten.as_str(), n)) {
                    out.push(
                        cx.about(
                            &CHECK,
                            d.file,
                            Some(loaded),
                            Some(e.span.clone()),
                            format!(
                                "extension `{}` has priority {n} twice in [{}]: Asterisk refuses this one",
                                e.exten, context.name
                            ),
                        )
                        .also(first.clone(), "first defined here")
                        .help("use `same = n,...` for the next step"),
                    );
                } else {
                    seen.insert((e.exten.as_str(), n), e.span.clone());
                }
            }
        }
    }
}
