//! WP406 enabled-name-unknown.

use super::{ShippedCx, wiring};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo::{did_you_mean, services};

pub const CHECK: Check = Check {
    code: "WP406",
    slug: "enabled-name-unknown",
    family: Family::Shipped,
    severity: Severity::Warning,
    summary: "A conf.d file enables a plugin name that no entry point of the plugin declares",
    why: "The service loads entry points by name: a name with no entry point is only logged, and \
          the plugin's own entry point (often a near spelling) stays unloaded. It may name a \
          plugin Wazo itself ships, which is why this is a warning.",
    example: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['my_x = my_x.plugin:Plugin']})\netc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  my-x: true\n",
    fixed: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['my_x = my_x.plugin:Plugin']})\netc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  my_x: true\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for confd in &cx.confd {
        let Some(service) = services::service(&confd.service) else {
            continue;
        };
        let Some((loaded, parsed)) = &confd.loaded else {
            continue;
        };
        for group in service.groups {
            let declared: Vec<&str> = cx
                .packaging
                .entry_points
                .iter()
                .filter(|e| e.group == group.name)
                .map(|e| e.name.as_str())
                .collect();
            // Only for a plugin that declares entry points of this group: enabling a plugin of
            // Wazo's own is legitimate.
            if declared.is_empty() {
                continue;
            }
            for (name, node) in wiring::enabled_names(parsed, group.enable) {
                if declared.contains(&name) {
                    continue;
                }
                let mut d = cx
                    .diag(
                        &CHECK,
                        &loaded.rel,
                        format!(
                            "`{name}` is enabled for {} but the plugin declares no `{}` entry point of that name",
                            service.name, group.name
                        ),
                    )
                    .at(node.span.clone(), Some("no such entry point".to_string()));
                if let Some(s) = did_you_mean(name, declared.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
        }
    }
}
