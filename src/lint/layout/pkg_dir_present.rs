//! WP204 pkg-dir-present.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::Plugin;

pub const CHECK: Check = Check {
    code: "WP204",
    slug: "pkg-dir-present",
    family: Family::Layout,
    severity: Severity::Error,
    summary: "The plugin has a top-level _pkg, which wazo-plugind must create itself",
    why: "wazo-plugind creates <plugin>/_pkg as the package root with os.makedirs, which fails \
          when it already exists: the installation stops at the packaging step.",
    example: "myplugin/\n  _pkg/\n  wazo/\n    plugin.yml\n    rules\n",
    fixed: "myplugin/\n  wazo/\n    plugin.yml\n    rules\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    if plugin.has_pkg_dir {
        out.push(
            Diagnostic::new(
                &CHECK,
                "_pkg",
                "_pkg exists: wazo-plugind fails to create its package root",
            )
            .help("remove _pkg (and add it to .gitignore); build output belongs elsewhere"),
        );
    }
}
