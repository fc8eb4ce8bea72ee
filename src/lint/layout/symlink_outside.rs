//! WP209 symlink-outside.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::Plugin;

pub const CHECK: Check = Check {
    code: "WP209",
    slug: "symlink-outside",
    family: Family::Layout,
    severity: Severity::Error,
    summary: "A symbolic link in the plugin points outside the plugin folder",
    why: "wazo-plugind installs a plugin from a git clone, and git keeps symbolic links as \
          links. A link to an absolute path, or one whose `..` climb out of the plugin folder, \
          names a place on the machine it was made on: on the Wazo server it dangles, or reads \
          whatever that server has there, and the package ships it the same way. Copy the file \
          into the plugin, or make the link relative to a file inside it.",
    example: "myplugin/\n  wazo/\n    plugin.yml -> /home/dev/shared/plugin.yml\n    rules\n",
    fixed: "myplugin/\n  wazo/\n    plugin.yml\n    rules\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    for link in &plugin.outside_links {
        let rel = link.rel.display();
        let target = link.target.display();
        let (message, help) = if link.target.has_root() {
            (
                format!("{rel} is a symbolic link to the absolute path {target}"),
                "copy the file into the plugin, or link to it with a path relative to the link",
            )
        } else {
            (
                format!("{rel} is a symbolic link to {target}, outside the plugin folder"),
                "copy the file into the plugin instead of linking to it",
            )
        };
        out.push(Diagnostic::new(&CHECK, &link.rel, message).help(help));
    }
}
