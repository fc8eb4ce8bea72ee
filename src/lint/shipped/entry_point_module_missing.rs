//! WP403 entry-point-module-missing.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::python::{module_file, valid_target};

pub const CHECK: Check = Check {
    code: "WP403",
    slug: "entry-point-module-missing",
    family: Family::Shipped,
    severity: Severity::Error,
    summary: "An entry point names a module the plugin does not contain",
    why: "The service imports the entry point's module at start-up: when the plugin has no such \
          module (a renamed package, a typo) the import fails and the plugin is not loaded.",
    example: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my_x.plugins:Plugin']})\nmy_x/plugin.py\n",
    fixed: "setup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my_x.plugin:Plugin']})\nmy_x/plugin.py\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    let Some(root) = &cx.plugin.root else { return };
    for ep in &cx.packaging.entry_points {
        if !valid_target(&ep.target) {
            continue;
        }
        let base = ep.file.parent().unwrap_or(std::path::Path::new(""));
        let module = ep.module();
        // Only modules of the plugin's own packages: the top package must be in the tree.
        let top = module.split('.').next().unwrap_or(module);
        if module_file(root, base, top).is_none() {
            // A module from another distribution (or a build output): not ours to check.
            continue;
        }
        if module_file(root, base, module).is_some() {
            continue;
        }
        out.push(
            cx.diag(
                &CHECK,
                &ep.file,
                format!(
                    "entry point `{}` imports `{module}`, which is not in the plugin's `{top}` package",
                    ep.name
                ),
            )
            .at(ep.span.clone(), Some("no such module".to_string()))
            .help(format!(
                "add {}.py, or point the entry point at an existing module",
                module.replace('.', "/")
            )),
        );
    }
}
