//! WP401 entry-point-group-legacy.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo::services;
use crate::wazo_version::check_wazo_version;

pub const CHECK: Check = Check {
    code: "WP401",
    slug: "entry-point-group-legacy",
    family: Family::Shipped,
    severity: Severity::Error,
    summary: "An entry point uses a group name Wazo renamed (xivo_ctid_ng.plugins, xivo_dird.*)",
    why: "Wazo renamed its services and their entry-point groups (xivo-ctid-ng became wazo-calld \
          in 19.12, and so on): on the target release no service loads the old group, so the \
          plugin is installed and never loaded.",
    example: "setup.py:\nsetup(entry_points={'xivo_ctid_ng.plugins': ['x = my_x.plugin:Plugin']})\n",
    fixed: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my_x.plugin:Plugin']})\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for ep in &cx.packaging.entry_points {
        let Some((old, new, release)) = services::legacy_group(&ep.group) else {
            continue;
        };
        // On a target older than the rename, the old group still works.
        if let (Some(target), Ok(renamed)) = (&cx.target.version, check_wazo_version(release))
            && target < &renamed
        {
            continue;
        }
        let renamed = format!("{new}{}", &ep.group[old.len()..]);
        if old == "wazo_admin_ui." {
            out.push(
                cx.diag(
                    &CHECK,
                    &ep.file,
                    format!(
                        "`{}` is wazo-admin-ui's, removed in Wazo {release} and replaced by wazo-ui: Wazo {} does not load it",
                        ep.group, cx.target.name
                    ),
                )
                .at(ep.group_span.clone(), Some("legacy group".to_string()))
                .help(format!("port the plugin to wazo-ui (`{renamed}`)")),
            );
            continue;
        }
        out.push(
            cx.diag(
                &CHECK,
                &ep.file,
                format!(
                    "`{}` was renamed `{renamed}` in Wazo {release}: Wazo {} does not load it",
                    ep.group, cx.target.name
                ),
            )
            .at(ep.group_span.clone(), Some("legacy group".to_string()))
            .help(format!("use `{renamed}`")),
        );
    }
}
