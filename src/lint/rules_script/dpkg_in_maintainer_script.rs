//! WP314 dpkg-in-maintainer-script.

use super::{RulesCx, effective_name};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP314",
    slug: "dpkg-in-maintainer-script",
    family: Family::Rules,
    severity: Severity::Error,
    summary: "install, uninstall or postrm calls apt-get, apt or dpkg",
    why: "These commands run inside dpkg (from the package's postinst, prerm and postrm), which \
          holds the dpkg lock: apt-get, apt and dpkg fail to take it and the installation or \
          removal fails. Declare Debian packages in `debian_depends` instead.",
    example: "#!/bin/sh\ncase \"$1\" in\n    build|package|uninstall|postrm)\n        ;;\n    install)\n        apt-get install -y curl\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\n# plugin.yml: debian_depends: [curl]\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

const LOCKERS: &[&str] = &["apt-get", "apt", "aptitude", "dpkg", "gdebi"];
const MAINTAINER: &[&str] = &["install", "uninstall", "postrm"];

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    for (command, arms) in cx.commands_with_arms() {
        let Some(arm) = arms.iter().find(|a| MAINTAINER.contains(a)) else {
            continue;
        };
        let Some((name, word)) = effective_name(command) else {
            continue;
        };
        if LOCKERS.contains(&name.as_str()) {
            out.push(
                cx.diag(
                    &CHECK,
                    format!("`{name}` in `{arm}`: it runs inside dpkg, which holds the lock"),
                )
                .at(word.span.clone(), Some("dpkg is locked here".to_string()))
                .help(
                    "list the Debian packages the plugin needs in `debian_depends` in plugin.yml",
                ),
            );
        }
    }
}
