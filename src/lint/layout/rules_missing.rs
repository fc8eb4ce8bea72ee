//! WP203 rules-missing.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::{FileState, Plugin, RULES};

pub const CHECK: Check = Check {
    code: "WP203",
    slug: "rules-missing",
    family: Family::Layout,
    severity: Severity::Error,
    summary: "wazo/rules is missing",
    why: "wazo-plugind runs wazo/rules to build, package, install and uninstall the plugin; \
          without it the installation fails at the building step.",
    example: "myplugin/\n  wazo/\n    plugin.yml\n",
    fixed: "myplugin/\n  wazo/\n    plugin.yml\n    rules\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    if plugin.has_wazo_dir && matches!(plugin.rules, FileState::Missing) {
        out.push(
            Diagnostic::new(&CHECK, RULES, "wazo/rules is missing")
                .help("create an executable script handling build, package, install, uninstall and postrm"),
        );
    }
}
