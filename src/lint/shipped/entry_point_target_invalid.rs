//! WP402 entry-point-target-invalid.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::python::valid_target;

pub const CHECK: Check = Check {
    code: "WP402",
    slug: "entry-point-target-invalid",
    family: Family::Shipped,
    severity: Severity::Error,
    summary: "An entry point's target is not `package.module:Attribute`",
    why: "The service imports the module before the colon and takes the attribute after it: a \
          path, a dash or an empty part cannot be imported, so the plugin fails to load (the \
          service logs the error and starts without it).",
    example: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my-x/plugin.py:Plugin']})\n",
    fixed: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my_x.plugin:Plugin']})\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for ep in &cx.packaging.entry_points {
        if valid_target(&ep.target) {
            continue;
        }
        out.push(
            cx.diag(
                &CHECK,
                &ep.file,
                format!(
                    "entry point `{}` targets `{}`, which Python cannot import",
                    ep.name, ep.target
                ),
            )
            .at(
                ep.span.clone(),
                Some("not package.module:Attribute".to_string()),
            )
            .help("name the module with dotted Python identifiers: `my_plugin.plugin:Plugin`"),
        );
    }
}
