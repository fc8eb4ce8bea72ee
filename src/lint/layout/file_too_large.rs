//! WP207 file-too-large.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::{FileState, MAX_FILE_SIZE, Plugin};

pub const CHECK: Check = Check {
    code: "WP207",
    slug: "file-too-large",
    family: Family::Layout,
    severity: Severity::Error,
    summary: "wazo/plugin.yml or wazo/rules is larger than 1 MiB",
    why: "Real plugin.yml and rules files are a few kilobytes. A file of megabytes is generated \
          or corrupted, and is not checked further.",
    example: "myplugin/\n  wazo/\n    plugin.yml   (10 MB)\n    rules\n",
    fixed: "myplugin/\n  wazo/\n    plugin.yml   (a few hundred bytes)\n    rules\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    for (rel, state) in super::files(plugin) {
        if let FileState::TooLarge(size) = state {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    rel,
                    format!("{rel} is {size} bytes, more than the {MAX_FILE_SIZE} bytes checked"),
                )
                .help("check that this is the file you meant to ship"),
            );
        }
    }
}
