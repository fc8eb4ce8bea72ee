//! WP906 shellcheck-directive-unused: a `# shellcheck disable=SCnnnn` directive in wazo/rules
//! for a code shellcheck does not find anywhere in the script.
//!
//! shellcheck does not report directives that suppress nothing. To know, the scripts that have
//! `disable=` directives are checked a second time with those directives neutralised
//! (`disable=` becomes `disablX=`, the same length, so that every offset stays), in one more
//! shellcheck run for all of them; scripts without such a directive cost nothing. A code is
//! reported only when that second run finds it nowhere in the script: a directive whose code
//! occurs elsewhere in the file (outside the directive's reach) is not reported, so there are
//! no false reports, at the price of missing some dead directives.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::lint::PluginReport;
use crate::lint::check::{Check, Family};
use crate::plugin::load::{FileState, Plugin, RULES};
use crate::shell::shellcheck;
use crate::shell::{ShellDialect, ShellKind, shell_kind};

pub const CHECK: Check = Check {
    code: "WP906",
    slug: "shellcheck-directive-unused",
    family: Family::Meta,
    severity: Severity::Warning,
    summary: "A `# shellcheck disable=` directive suppresses nothing",
    why: "A directive that disables a code shellcheck no longer finds (the line it silenced was \
          fixed or removed) only misleads, and would hide a new finding of the same kind later. \
          Remove the code from the directive, or the directive.",
    example: "#!/bin/sh\n# shellcheck disable=SC2086\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        echo \"$1\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\ncase \"$1\" in\n    build|package|install|uninstall|postrm)\n        echo \"$1\"\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

/// A code named by a `disable=` directive, with its span in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disabled {
    pub code: u32,
    pub span: std::ops::Range<usize>,
}

/// The codes of the `# shellcheck disable=...` directives of a script, and the script with
/// each such `disable=` neutralised (same length).
pub fn directives(text: &str) -> (Vec<Disabled>, String) {
    let mut found = Vec::new();
    let mut neutral = text.to_string();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let Some(hash) = line.find('#') else {
            line_start += line.len();
            continue;
        };
        let comment = &line[hash + 1..];
        let body = comment.trim_start();
        if let Some(rest) = body.strip_prefix("shellcheck") {
            let mut at = line_start + hash + 1 + (comment.len() - body.len()) + "shellcheck".len();
            for word in rest.split(' ') {
                if let Some(list) = word.strip_prefix("disable=") {
                    let list_start = at + "disable=".len();
                    neutral.replace_range(at..at + "disable=".len(), "disablX=");
                    let mut code_at = list_start;
                    for item in list.trim_end().split(',') {
                        if let Some(n) = item
                            .strip_prefix("SC")
                            .or_else(|| item.strip_prefix("sc"))
                            .and_then(|n| n.parse::<u32>().ok())
                        {
                            found.push(Disabled {
                                code: n,
                                span: code_at..code_at + item.len(),
                            });
                        }
                        code_at += item.len() + 1;
                    }
                }
                at += word.len() + 1;
            }
        }
        line_start += line.len();
    }
    (found, neutral)
}

fn dialect(text: &str) -> Option<ShellDialect> {
    match shell_kind(text) {
        ShellKind::Sh | ShellKind::None => Some(ShellDialect::Sh),
        ShellKind::Bash => Some(ShellDialect::Bash),
        _ => None,
    }
}

/// Runs the second shellcheck pass (`exe`) and adds a WP906 finding to `reports` (same order
/// as `plugins`) for each disabled code found nowhere. A failing run adds nothing: the first
/// run has reported the failure.
pub fn check(plugins: &[Plugin], reports: &mut [PluginReport], exe: &std::path::Path) {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let mut files: Vec<(PathBuf, ShellDialect)> = Vec::new();
    let mut owners: Vec<(usize, Vec<Disabled>)> = Vec::new();
    for (i, plugin) in plugins.iter().enumerate() {
        let FileState::Loaded(source) = &plugin.rules else {
            continue;
        };
        let Some(d) = dialect(&source.text) else {
            continue;
        };
        let (disabled, neutral) = directives(&source.text);
        if disabled.is_empty() {
            continue;
        }
        let path = tmp.path().join(format!("{}", owners.len()));
        if std::fs::write(&path, neutral).is_err() {
            continue;
        }
        files.push((path, d));
        owners.push((i, disabled));
    }
    if files.is_empty() {
        return;
    }
    let Ok(findings) = shellcheck::run(exe, &files) else {
        return;
    };
    for ((path, _), (i, disabled)) in files.iter().zip(owners) {
        for d in disabled {
            let found = findings.iter().any(|f| f.file == *path && f.code == d.code);
            if found {
                continue;
            }
            reports[i].diagnostics.push(Diagnostic {
                primary: Some(Label {
                    span: d.span.clone(),
                    text: Some("disables nothing".into()),
                }),
                ..Diagnostic::new(
                    &CHECK,
                    RULES,
                    format!(
                        "`# shellcheck disable=SC{}` suppresses nothing: shellcheck finds no SC{} in this script",
                        d.code, d.code
                    ),
                )
                .help(format!("remove SC{} from the directive", d.code))
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_found_and_neutralised_in_place() {
        let text = "#!/bin/sh\n# shellcheck disable=SC2086,SC2034 source=x\necho $1 # shellcheck disable=sc1090\n";
        let (found, neutral) = directives(text);
        let codes: Vec<(u32, &str)> = found
            .iter()
            .map(|d| (d.code, &text[d.span.clone()]))
            .collect();
        assert_eq!(
            codes,
            [(2086, "SC2086"), (2034, "SC2034"), (1090, "sc1090")]
        );
        assert_eq!(neutral.len(), text.len());
        assert!(!neutral.contains("disable=") && neutral.matches("disablX=").count() == 2);
        assert!(directives("echo '# no'\n").0.is_empty());
    }
}
