//! `# wazo-plugin: ignore[CODE,...]` comments, resolved after every check ran.
//!
//! - At the end of a line: suppresses the codes on that line.
//! - Alone on a line: suppresses them on the next line.
//! - `# wazo-plugin: ignore-file[CODE,...]` anywhere: suppresses them in the whole file.
//!
//! They work the same in plugin.yml and in wazo/rules. Codes that do not exist are reported
//! (WP902), and so are suppressions that suppressed nothing (WP903).

use std::ops::Range;
use std::path::PathBuf;

use super::PluginReport;
use super::meta::{suppression_unknown, suppression_unused};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

const MARKER: &str = "wazo-plugin:";

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The file inside the plugin.
    pub file: PathBuf,
    /// The 1-based line it applies to; `None` for the whole file.
    pub line: Option<usize>,
    /// The codes, each with its byte span in the file.
    pub codes: Vec<(String, Range<usize>)>,
}

/// Finds the suppression comments of a file: only in its comments, as its parser located
/// them ([`SourceFile::comments`]); the same words inside a string suppress nothing.
pub fn directives(source: &SourceFile) -> Vec<Directive> {
    let mut found = Vec::new();
    if !source.text.contains(MARKER) {
        return found;
    }
    for comment in &source.comments {
        let Some(text) = source.text.get(comment.clone()) else {
            continue;
        };
        // The marker after a `#` of the comment: its own, or one further in
        // (`# shellcheck disable=SC2086  # wazo-plugin: ignore[WP906]`).
        let Some(at) = text.find(MARKER) else {
            continue;
        };
        let Some(hash) = text[..at].rfind('#') else {
            continue;
        };
        if !text[hash + 1..at].trim().is_empty() {
            continue;
        }
        let rest = &text[at + MARKER.len()..];
        let trimmed = rest.trim_start();
        let (file_level, after) = if let Some(r) = trimmed.strip_prefix("ignore-file[") {
            (true, r)
        } else if let Some(r) = trimmed.strip_prefix("ignore[") {
            (false, r)
        } else {
            continue;
        };
        let Some(close) = after.find(']') else {
            continue;
        };
        let list_start = comment.end - after.len();
        let mut codes = Vec::new();
        let mut offset = 0;
        for part in after[..close].split(',') {
            let lead = part.len() - part.trim_start().len();
            let code = part.trim();
            if !code.is_empty() {
                let start = list_start + offset + lead;
                codes.push((code.to_string(), start..start + code.len()));
            }
            offset += part.len() + 1;
        }
        let line = source.position(comment.start).line;
        let alone = hash == 0
            && source
                .line_range(line)
                .and_then(|r| source.text.get(r.start..comment.start))
                .is_some_and(|before| before.trim().is_empty());
        found.push(Directive {
            file: source.rel.clone(),
            line: match (file_level, alone) {
                (true, _) => None,
                (false, true) => Some(line + 1),
                (false, false) => Some(line),
            },
            codes,
        });
    }
    found
}

fn known(code: &str) -> bool {
    super::registry::find(code).is_some()
        || code
            .strip_prefix("SC")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes suppressed findings from the report, and reports unknown and unused suppressions.
pub fn apply(report: &mut PluginReport) {
    let all: Vec<Directive> = report.sources.iter().flat_map(directives).collect();
    if all.is_empty() {
        return;
    }
    let mut used = vec![vec![false; 0]; all.len()];
    for (i, d) in all.iter().enumerate() {
        used[i] = vec![false; d.codes.len()];
    }
    let line_of = |d: &Diagnostic| {
        let source = report.sources.iter().find(|s| s.rel == d.file)?;
        d.primary
            .as_ref()
            .map(|l| source.position(l.span.start).line)
    };
    let mut kept = Vec::new();
    for diagnostic in std::mem::take(&mut report.diagnostics) {
        let line = line_of(&diagnostic);
        let mut suppressed = false;
        for (i, directive) in all.iter().enumerate() {
            if directive.file != diagnostic.file
                || (directive.line.is_some() && directive.line != line)
            {
                continue;
            }
            for (j, (code, _)) in directive.codes.iter().enumerate() {
                if code.eq_ignore_ascii_case(&diagnostic.code) {
                    used[i][j] = true;
                    suppressed = true;
                }
            }
        }
        if !suppressed {
            kept.push(diagnostic);
        }
    }
    for (i, directive) in all.iter().enumerate() {
        for (j, (code, span)) in directive.codes.iter().enumerate() {
            if !known(code) {
                kept.push(
                    Diagnostic::new(
                        &suppression_unknown::CHECK,
                        directive.file.clone(),
                        format!("`{code}` is not a wazo-plugin or shellcheck code"),
                    )
                    .at(span.clone(), Some("unknown code".to_string()))
                    .help("`wazo-plugin lint --list-rules` lists the codes"),
                );
            } else if !used[i][j] {
                kept.push(
                    Diagnostic::new(
                        &suppression_unused::CHECK,
                        directive.file.clone(),
                        format!("the suppression of {code} suppresses nothing"),
                    )
                    .at(span.clone(), Some("unused".to_string()))
                    .help("remove it"),
                );
            }
        }
    }
    report.diagnostics = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        let mut s = SourceFile::new("p/wazo/rules".into(), "wazo/rules".into(), text.into());
        s.comments = crate::shell::comments(text);
        s
    }

    #[test]
    fn reads_the_three_forms() {
        let text = "a # wazo-plugin: ignore[WP313, SC2086]\n# wazo-plugin: ignore[WP314]\nb\n# wazo-plugin: ignore-file[WP305]\n";
        let found = directives(&source(text));
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].line, Some(1));
        assert_eq!(found[0].codes[1].0, "SC2086");
        assert_eq!(&text[found[0].codes[1].1.clone()], "SC2086");
        assert_eq!(found[1].line, Some(3));
        assert_eq!(found[2].line, None);
    }

    #[test]
    fn ignores_lookalikes() {
        assert!(directives(&source("echo 'wazo-plugin: ignore[WP313]'\n")).is_empty());
        assert!(directives(&source("# wazo-plugin: ignore WP313\n")).is_empty());
    }

    #[test]
    fn strings_are_not_comments() {
        let text =
            "echo \"# wazo-plugin: ignore[WP313]\"\ncat <<EOF\n# wazo-plugin: ignore[WP314]\nEOF\n";
        assert!(directives(&source(text)).is_empty());
        let yaml = "description: 'x # wazo-plugin: ignore[WP108]'\nversion: 1.10 # wazo-plugin: ignore[WP108]\n";
        let mut file = SourceFile::new(
            "p/wazo/plugin.yml".into(),
            "wazo/plugin.yml".into(),
            yaml.into(),
        );
        let root = crate::plugin::yaml::parse(yaml).unwrap();
        file.comments = crate::plugin::yaml::comments(yaml, root.as_ref());
        let found = directives(&file);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, Some(2));
    }
}
