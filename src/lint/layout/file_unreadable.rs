//! WP205 file-unreadable.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::{FileState, Plugin};

pub const CHECK: Check = Check {
    code: "WP205",
    slug: "file-unreadable",
    family: Family::Layout,
    severity: Severity::Error,
    summary: "wazo/plugin.yml or wazo/rules is not a readable file",
    why: "A directory named plugin.yml, a dangling or looping symbolic link, or a file without \
          read permission cannot be read by wazo-plugind either.",
    example: "myplugin/\n  wazo/\n    plugin.yml/   (a directory)\n    rules\n",
    fixed: "myplugin/\n  wazo/\n    plugin.yml\n    rules\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    for (rel, state) in super::files(plugin) {
        let message = match state {
            FileState::NotAFile => format!("{rel} is not a regular file"),
            FileState::BrokenLink => format!("{rel} is a symbolic link that leads nowhere"),
            FileState::Unreadable(e) => format!("{rel} cannot be read: {e}"),
            _ => continue,
        };
        out.push(Diagnostic::new(&CHECK, rel, message).help(format!("make {rel} a readable file")));
    }
}
