//! WP405 entry-point-not-enabled.

use super::{ShippedCx, wiring};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo::services::{self, Enable};

pub const CHECK: Check = Check {
    code: "WP405",
    slug: "entry-point-not-enabled",
    family: Family::Shipped,
    severity: Severity::Error,
    summary: "An entry point is installed and never loaded: no conf.d file the plugin ships enables it",
    why: "A Wazo service loads only the plugins its configuration enables, by entry-point name \
          (`enabled_plugins: {name: true}` for wazo-calld, nested under `backends:` for \
          wazo-dird, `enabled_http_plugins` for wazo-auth, ...). Without a conf.d file enabling \
          it, the code is installed and the service never loads it.",
    example: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my_x.plugin:Plugin']})\netc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  y: true\n",
    fixed: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my_x.plugin:Plugin']})\netc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: true\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    // A built distribution with data_files may carry the conf.d file itself.
    let python_opaque = cx.shipped.opaque.iter().any(|o| o.python);
    if !cx.rules_known()
        || cx.shipped.may_miss_files()
        || (python_opaque && cx.packaging.data_files)
    {
        return;
    }
    for ep in &cx.packaging.entry_points {
        let Some((service, group)) = services::group(&ep.group) else {
            continue;
        };
        if group.enable() == Enable::All {
            continue;
        }
        // A plugin that writes the service's conf.d itself at install time (`install -m 644
        // ... /etc/<service>/conf.d/...`) is not judged on what it packages.
        let confd_dir = format!("/etc/{}/conf.d", service.name);
        if cx
            .commands_in("install")
            .iter()
            .any(|c| c.args.iter().any(|a| a.raw.contains(&confd_dir)))
        {
            continue;
        }
        // The files the service reads: named *.yml, not hidden, and parsed.
        let files: Vec<_> = cx
            .confd_of(service.name)
            .filter(|f| crate::confd::skipped_because(&f.name).is_none())
            .filter(|f| f.loaded.as_ref().is_none_or(|(_, p)| p.error.is_none()))
            .collect();
        // A conf.d file whose content is unknown (built, generated) may enable it.
        if files.iter().any(|f| f.loaded.is_none()) {
            continue;
        }
        let states: Vec<Option<bool>> = files
            .iter()
            .filter_map(|f| f.loaded.as_ref())
            .map(|(_, parsed)| wiring::enabled(parsed, &group, &ep.name))
            .collect();
        if states.iter().flatten().next().is_some_and(|&first| first) {
            continue;
        }
        let disabled = states.iter().flatten().next() == Some(&false);
        let shape = group.enable().shape(&ep.name);
        let message = if disabled {
            format!(
                "entry point `{}` ({}) is disabled by the conf.d file the plugin ships: {} never loads it",
                ep.name, ep.group, service.name
            )
        } else {
            format!(
                "entry point `{}` ({}) is installed and never loaded: no conf.d file the plugin ships for {} enables it",
                ep.name, ep.group, service.name
            )
        };
        out.push(
            cx.diag(&CHECK, &ep.file, message)
                .at(ep.span.clone(), Some("never enabled".to_string()))
                .help(format!(
                    "ship /etc/{}/conf.d/50-{}.yml with:\n{shape}",
                    service.name, ep.name
                )),
        );
    }
}
