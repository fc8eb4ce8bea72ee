//! WP407 service-not-restarted.

use std::collections::BTreeSet;

use super::{ShippedCx, restarts};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo::services;

pub const CHECK: Check = Check {
    code: "WP407",
    slug: "service-not-restarted",
    family: Family::Shipped,
    severity: Severity::Warning,
    summary: "The plugin ships conf.d files or entry points for a Wazo service and does not restart it",
    why: "A Wazo service reads its conf.d folder and loads its plugins at start-up only: until \
          `systemctl restart <service>` runs in `install`, the plugin does nothing (until the \
          next reboot), and without a restart in `uninstall` or `postrm` the removed plugin \
          stays loaded (format 1: postrm runs after the files are gone). Real Python plugins \
          restart the service in both.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|uninstall|postrm)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/wazo-calld/conf.d\"\n        cp x.yml \"${pkgdir}/etc/wazo-calld/conf.d/\"\n        ;;\n    install)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|uninstall)\n        ;;\n    package)\n        mkdir -p \"${pkgdir}/etc/wazo-calld/conf.d\"\n        cp x.yml \"${pkgdir}/etc/wazo-calld/conf.d/\"\n        ;;\n    install|postrm)\n        systemctl restart wazo-calld\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// The Wazo services (with a unit) whose conf.d or entry points the plugin ships.
pub fn services_touched(cx: &ShippedCx) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    for c in &cx.confd {
        if let Some(s) = services::service(&c.service)
            && s.unit
            && crate::confd::skipped_because(&c.name).is_none()
        {
            out.insert(s.name);
        }
    }
    for ep in &cx.packaging.entry_points {
        if let Some((s, _)) = services::group(&ep.group)
            && s.unit
        {
            out.insert(s.name);
        }
    }
    out
}

/// plugin_format_version as wazo-plugind reads it (0 when absent or unreadable).
fn format_version(cx: &ShippedCx) -> i128 {
    cx.manifest
        .and_then(|m| super::wiring::child(m, "plugin_format_version"))
        .and_then(crate::confd::scalar_value)
        .and_then(|v| v.as_i128())
        .unwrap_or(0)
}

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    if !cx.rules_known() {
        return;
    }
    for service in services_touched(cx) {
        let restarted_in = |arm: &str| cx.commands_in(arm).iter().any(|c| restarts(c, service));
        if let Some(span) = cx.arm_span("install")
            && !restarted_in("install")
        {
            out.push(
                cx.diag(
                    &CHECK,
                    std::path::Path::new(crate::plugin::load::RULES),
                    format!("`install` does not restart {service}: the plugin takes effect at its next restart only"),
                )
                .at(span, Some(format!("no `systemctl restart {service}`")))
                .help(format!("add `systemctl restart {service}` to the install arm")),
            );
        }
        // With format 0 there is no postrm, and a restart in uninstall (prerm) runs while the
        // files are still there: nothing can unload the plugin then, so only format 1 is held
        // to it.
        let removal = ["uninstall", "postrm"];
        if format_version(cx) >= 1
            && !removal.iter().any(|a| restarted_in(a))
            && let Some(span) = cx.arm_span("postrm").or_else(|| cx.arm_span("uninstall"))
        {
            out.push(
                cx.diag(
                    &CHECK,
                    std::path::Path::new(crate::plugin::load::RULES),
                    format!("neither `uninstall` nor `postrm` restarts {service}: a removed plugin stays loaded"),
                )
                .at(span, Some(format!("no `systemctl restart {service}`")))
                .help(format!("add `systemctl restart {service}` to postrm (format 1) or uninstall")),
            );
        }
    }
}
