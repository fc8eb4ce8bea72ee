//! WP201 wazo-dir-missing.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::Plugin;

pub const CHECK: Check = Check {
    code: "WP201",
    slug: "wazo-dir-missing",
    family: Family::Layout,
    severity: Severity::Error,
    summary: "No plugin found: the folder has no wazo/ folder, nor any plugin below it",
    why: "wazo-plugind looks for wazo/plugin.yml and wazo/rules at the top of the plugin's \
          repository (or of the subdirectory it is told). Without them there is nothing to \
          install.",
    example: "myplugin/\n  plugin.yml\n  rules\n",
    fixed: "myplugin/\n  wazo/\n    plugin.yml\n    rules\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    if !plugin.has_wazo_dir {
        out.push(
            Diagnostic::new(
                &CHECK,
                "",
                "no wazo/ folder here or below: not a Wazo plugin",
            )
            .help(
                "a plugin holds wazo/plugin.yml and wazo/rules; `wazo-plugin new NAME` creates one",
            ),
        );
    }
}
