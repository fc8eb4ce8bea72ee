//! WP408 auth-keys-not-updated.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::lint::rules_script::effective_name;

pub const CHECK: Check = Check {
    code: "WP408",
    slug: "auth-keys-not-updated",
    family: Family::Shipped,
    severity: Severity::Warning,
    summary: "The plugin ships /etc/wazo-auth-keys/conf.d and its install step does not run `wazo-auth-keys service update`",
    why: "wazo-auth-keys creates the service users and keys its conf.d files describe only when \
          `wazo-auth-keys service update` runs (`wazo-auth-keys@0fb6489:wazo_auth_keys/config.py`): \
          without it the plugin's service has no credentials and its calls to wazo-auth fail.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/wazo-auth-keys/conf.d\"\n        cp keys.yml \"${pkgdir}/etc/wazo-auth-keys/conf.d/\"\n        ;;\n    install)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/wazo-auth-keys/conf.d\"\n        cp keys.yml \"${pkgdir}/etc/wazo-auth-keys/conf.d/\"\n        ;;\n    install)\n        wazo-auth-keys service update\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    if !cx.rules_known() || !cx.shipped.ships_under("/etc/wazo-auth-keys/conf.d") {
        return;
    }
    out.extend(cx.install_lacks(
        &CHECK,
        |c| {
            effective_name(c).is_some_and(|(n, _)| n == "wazo-auth-keys")
                && c.args.iter().any(|a| a.unquoted() == "update")
        },
        "the plugin ships /etc/wazo-auth-keys/conf.d and `install` does not apply it",
        "no `wazo-auth-keys service update`",
        "add `wazo-auth-keys service update` to the install arm, before restarting the service",
    ));
}
