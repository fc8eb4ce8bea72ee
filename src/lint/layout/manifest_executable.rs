//! WP208 manifest-executable.

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::{MANIFEST, Plugin};

pub const CHECK: Check = Check {
    code: "WP208",
    slug: "manifest-executable",
    family: Family::Layout,
    severity: Severity::Info,
    summary: "wazo/plugin.yml is executable (on disk or in git's index)",
    why: "plugin.yml is data, not a program. An executable bit on it is usually the trace of a \
          `chmod +x wazo/*` meant for the rules file, and it is shipped as is in the package.",
    example: "$ ls -l wazo/plugin.yml\n-rwxr-xr-x 1 dev dev 120 wazo/plugin.yml\n",
    fixed: "$ chmod -x wazo/plugin.yml && git update-index --chmod=-x wazo/plugin.yml\n$ ls -l wazo/plugin.yml\n-rw-r--r-- 1 dev dev 120 wazo/plugin.yml\n",
};

pub fn run(plugin: &Plugin, out: &mut Vec<Diagnostic>) {
    let on_disk = plugin.manifest_mode.is_some_and(|m| m & 0o111 != 0);
    let in_git = plugin.manifest_git_mode.is_some_and(|m| m & 0o111 != 0);
    let message = match (on_disk, in_git) {
        (true, true) => "wazo/plugin.yml is executable, on disk and in git's index",
        (true, false) => "wazo/plugin.yml is executable",
        (false, true) => "git records wazo/plugin.yml as executable (100755)",
        (false, false) => return,
    };
    out.push(
        Diagnostic::new(&CHECK, MANIFEST, message).help(
            "run `chmod -x wazo/plugin.yml` and `git update-index --chmod=-x wazo/plugin.yml`",
        ),
    );
}
