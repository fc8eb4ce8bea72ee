//! WP202 manifest-missing.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::{FileState, MANIFEST, Plugin};

pub const CHECK: Check = Check {
    code: "WP202",
    slug: "manifest-missing",
    family: Family::Layout,
    severity: Severity::Error,
    summary: "wazo/plugin.yml is missing",
    why: "wazo-plugind reads the plugin's name, namespace and version from wazo/plugin.yml; \
          without it the installation fails at the extracting step.",
    example: "myplugin/\n  wazo/\n    rules\n",
    fixed: "myplugin/\n  wazo/\n    plugin.yml\n    rules\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    if plugin.has_wazo_dir && matches!(plugin.manifest, FileState::Missing) {
        out.push(
            Diagnostic::new(&CHECK, MANIFEST, "wazo/plugin.yml is missing")
                .help("create it with at least `name`, `namespace` and `version`"),
        );
    }
}
