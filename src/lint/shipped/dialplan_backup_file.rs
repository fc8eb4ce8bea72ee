//! WP605 dialplan-backup-file.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP605",
    slug: "dialplan-backup-file",
    family: Family::Dialplan,
    severity: Severity::Error,
    summary: "A file in extensions_extra.d that is not a .conf file (an editor backup, a .orig)",
    why: "Wazo includes every file of /etc/asterisk/extensions_extra.d, not only *.conf \
          (`#include extensions_extra.d/*` in wazo-asterisk-config's extensions.d/01-wazo.conf): \
          a `x.conf~` backup is read too, and its contexts and extensions clash with the real ones.",
    example: "etc/asterisk/extensions_extra.d/x.conf\netc/asterisk/extensions_extra.d/x.conf~\n",
    fixed: "etc/asterisk/extensions_extra.d/x.conf\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for d in &cx.dialplans {
        if d.folder != "extensions_extra.d" || d.name.ends_with(".conf") {
            continue;
        }
        out.push(
            cx.about(
                &CHECK,
                d.file,
                None,
                None,
                format!(
                    "{} is included into the dialplan like any .conf file",
                    d.file.path
                ),
            )
            .help("do not ship it: remove the file, or copy only *.conf"),
        );
    }
}
