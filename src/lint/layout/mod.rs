//! Checks on the plugin folder (WP2xx).

pub mod file_not_utf8;
pub mod file_too_large;
pub mod file_unreadable;
pub mod manifest_executable;
pub mod manifest_missing;
pub mod pkg_dir_present;
pub mod rules_missing;
pub mod symlink_outside;
pub mod wazo_dir_missing;

use crate::diagnostic::Diagnostic;
use crate::plugin::load::{FileState, MANIFEST, Plugin, RULES};

/// Runs every layout check on the plugin.
pub fn lint(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    for rule in crate::lint::registry::RULES {
        if let crate::lint::registry::Run::Layout(run) = rule.run {
            run(plugin, out);
        }
    }
}

/// The plugin's two files with their paths inside the plugin.
pub fn files(plugin: &Plugin) -> [(&'static str, &FileState); 2] {
    [(MANIFEST, &plugin.manifest), (RULES, &plugin.rules)]
}
