//! WP400 entry-point-group-unknown.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo::{did_you_mean, services};

pub const CHECK: Check = Check {
    code: "WP400",
    slug: "entry-point-group-unknown",
    family: Family::Shipped,
    severity: Severity::Warning,
    summary: "An entry point's group is not one a Wazo service loads",
    why: "A Wazo service only loads the entry points of its own groups (wazo_calld.plugins, \
          wazo_dird.backends, wazo_confgend.<resource>.<file>, ...): an entry point in another \
          group is installed and never loaded. The list of groups may miss a new one: this is \
          a warning.",
    example: "setup.py:\nsetup(entry_points={'wazo_calld.plugin': ['x = my_x.plugin:Plugin']})\n",
    fixed: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my_x.plugin:Plugin']})\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for ep in &cx.packaging.entry_points {
        let g = ep.group.as_str();
        if services::group(g).is_some()
            || services::legacy_group(g).is_some()
            || services::is_client_commands(g)
            || !(g.starts_with("wazo") || g.starts_with("xivo"))
        {
            continue;
        }
        let mut d = cx
            .diag(
                &CHECK,
                &ep.file,
                format!("no Wazo service loads the entry-point group `{g}`"),
            )
            .at(ep.group_span.clone(), Some("unknown group".to_string()));
        if let Some(s) = did_you_mean(g, services::group_names()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        out.push(d);
    }
}
