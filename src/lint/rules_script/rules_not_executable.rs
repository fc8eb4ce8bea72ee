//! WP306 rules-not-executable.

use super::RulesCx;
use crate::diagnostic::{Diagnostic, FixAction, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::RULES;

pub const CHECK: Check = Check {
    code: "WP306",
    slug: "rules-not-executable",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "wazo/rules is not executable (on disk or in git's index)",
    why: "wazo-plugind executes wazo/rules directly; without the executable bit the building \
          step fails with a PermissionError. wazo-plugind clones the plugin with git, so what \
          counts is the mode git recorded: a file committed from Windows is 100644 even when it \
          is executable on the author's disk.",
    example: "$ ls -l wazo/rules\n-rw-r--r-- 1 dev dev 310 wazo/rules\n",
    fixed: "$ chmod +x wazo/rules && git update-index --chmod=+x wazo/rules\n$ ls -l wazo/rules\n-rwxr-xr-x 1 dev dev 310 wazo/rules\n",
};

const HELP: &str = "run `chmod +x wazo/rules` and `git update-index --chmod=+x wazo/rules`";

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let on_disk = cx.plugin.rules_mode.map(|m| m & 0o111 != 0);
    let in_git = cx.plugin.rules_git_mode.map(|m| m & 0o111 != 0);
    let message = match (on_disk, in_git) {
        (Some(false), Some(false)) => "wazo/rules is not executable, on disk nor in git's index",
        (Some(false), _) => "wazo/rules is not executable",
        (_, Some(false)) => {
            "git records wazo/rules as not executable (100644): a clone, and wazo-plugind, cannot run it"
        }
        _ => return,
    };
    let mut d = cx.diag(&CHECK, message).help(HELP);
    if on_disk == Some(false) {
        d = d.fix(
            "make wazo/rules executable",
            vec![FixAction::MakeExecutable { file: RULES.into() }],
        );
    }
    out.push(d);
}
