//! WP409 asterisk-not-reloaded.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::lint::rules_script::effective_name;
use crate::shell::Command;

pub const CHECK: Check = Check {
    code: "WP409",
    slug: "asterisk-not-reloaded",
    family: Family::Shipped,
    severity: Severity::Warning,
    summary: "The plugin ships /etc/asterisk files and its install step does not reload Asterisk",
    why: "Asterisk reads its configuration when a module reloads: a new dialplan file does \
          nothing until `asterisk -rx 'dialplan reload'` (or the matching module reload) runs.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/asterisk/extensions_extra.d\"\n        cp x.conf \"${pkgdir}/etc/asterisk/extensions_extra.d/\"\n        ;;\n    install)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/asterisk/extensions_extra.d\"\n        cp x.conf \"${pkgdir}/etc/asterisk/extensions_extra.d/\"\n        ;;\n    install)\n        asterisk -rx 'dialplan reload'\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// `asterisk -rx '... reload'`, `asterisk -x 'module load ...'`, `systemctl restart|reload asterisk`.
pub fn reloads_asterisk(c: &Command) -> bool {
    let Some((name, _)) = effective_name(c) else {
        return false;
    };
    let args: Vec<String> = c.args.iter().map(|a| a.unquoted()).collect();
    match name.as_str() {
        "asterisk" => args
            .iter()
            .any(|a| a.contains("reload") || a.contains("module load")),
        "systemctl" | "service" => {
            args.iter()
                .any(|a| a == "asterisk" || a == "asterisk.service")
                && args
                    .iter()
                    .any(|a| a.contains("reload") || a.contains("restart"))
        }
        "wazo-confgen" | "xivo-confgen" => true,
        _ => false,
    }
}

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    if !cx.rules_known() || !cx.shipped.ships_under("/etc/asterisk") {
        return;
    }
    out.extend(cx.install_lacks(
        &CHECK,
        reloads_asterisk,
        "the plugin ships /etc/asterisk files and `install` does not reload Asterisk",
        "no `asterisk -rx '... reload'`",
        "add `asterisk -rx 'dialplan reload'` (or `module reload <module>`) to the install arm",
    ));
}
