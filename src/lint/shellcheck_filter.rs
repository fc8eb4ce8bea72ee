//! Which shellcheck findings are kept: those that say something true about a rules script run by
//! wazo-plugind, and that no check of ours already says at the same place.
//!
//! Decided from the fields of shellcheck's json1 output (the code and the line/column range in
//! the script text), never from its English message, which changes between releases.

use crate::diagnostic::Diagnostic;
use crate::shell::shellcheck::Finding;
use crate::source::SourceFile;

/// Codes about a variable's expansion that are wrong for `pkgdir`: wazo-plugind sets it
/// (SC2154, "referenced but not assigned") to `<extract dir>/_pkg`, a path of its own with no
/// space and no glob character, so an unquoted `$pkgdir` cannot split or glob (SC2086). Where
/// it is empty (outside `rules package`), WP312 says so.
const PKGDIR_CODES: &[u32] = &[2086, 2154];

/// shellcheck codes that repeat a check of ours, with the check: where both report the same
/// line, ours (which explains the consequence on a Wazo server) is kept.
const SAME_AS_OURS: &[(u32, &str)] = &[
    // Referenced but not assigned: WP315 names the variables wazo-plugind never sets.
    (2154, "WP315"),
    // The `function` keyword: WP318 says it is bash under #!/bin/sh.
    (2113, "WP318"),
];

/// Codes about the whole file that one finding of ours already covers, wherever each is
/// reported: CRLF once (not once per line), the BOM, the missing or misplaced #! line.
const WHOLE_FILE: &[(u32, &str)] = &[
    // Literal carriage return.
    (1017, "WP309"),
    // UTF-8 byte order mark.
    (1082, "WP310"),
    // No shebang; leading spaces before it; not on the first line.
    (2148, "WP307"),
    (1114, "WP307"),
    (1128, "WP307"),
];

/// Whether to keep a shellcheck finding on `source`, given the diagnostics our checks already
/// made on the same plugin.
pub fn keep(finding: &Finding, source: &SourceFile, ours: &[Diagnostic]) -> bool {
    let text = source.text.as_str();
    let span = finding.span_in(source);
    if finding.code == 2086
        && text
            .get(span.clone())
            .is_some_and(|s| is_pkgdir_expansion(s) || pkgdir_path_variable(text, s))
    {
        return false;
    }
    if PKGDIR_CODES.contains(&finding.code)
        && text.get(span.clone()).is_some_and(is_pkgdir_expansion)
    {
        return false;
    }
    let on_rules = |d: &&Diagnostic| d.file == std::path::Path::new(crate::plugin::load::RULES);
    if WHOLE_FILE.iter().any(|&(code, wp)| {
        code == finding.code && ours.iter().filter(on_rules).any(|d| d.code == wp)
    }) {
        return false;
    }
    // Same place: the line of our diagnostic's primary span is the finding's first line.
    let line_of = |offset: usize| text.get(..offset).map(|t| t.matches('\n').count() + 1);
    let same_line = |d: &Diagnostic| {
        d.primary
            .as_ref()
            .and_then(|l| line_of(l.span.start))
            .is_some_and(|l| l == finding.line)
    };
    let repeats = |wp: &str| {
        ours.iter()
            .filter(on_rules)
            .any(|d| d.code == wp && same_line(d))
    };
    if SAME_AS_OURS
        .iter()
        .any(|&(code, wp)| code == finding.code && repeats(wp))
    {
        return false;
    }
    // Bashisms under #!/bin/sh: shellcheck's SC3xxx codes at a place our check reports.
    if (3000..3100).contains(&finding.code)
        && repeats(crate::lint::rules_script::bashism::CHECK.code)
    {
        return false;
    }
    true
}

/// Whether `slice` expands a variable that the script only ever assigns `${pkgdir}` followed by
/// a literal path without space or glob (`BIN=${pkgdir}/usr/bin/tool`): as safe unquoted as
/// `$pkgdir` itself.
fn pkgdir_path_variable(text: &str, slice: &str) -> bool {
    let Some(name) = crate::shell::sole_parameter(slice) else {
        return false;
    };
    if name == "pkgdir" || name.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let prefix = format!("{name}=");
    let mut assigned = false;
    for (at, _) in text.match_indices(&prefix) {
        // At the start of a word: after a line start, a space, `;` or `export `/`local `...
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| !(c.is_whitespace() || c == ';' || c == '&' || c == '|')) {
            continue;
        }
        let value: String = text[at + prefix.len()..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ';')
            .collect();
        let value = value.replace('"', "");
        let rest = value
            .strip_prefix("${pkgdir}")
            .or_else(|| value.strip_prefix("$pkgdir"));
        let safe = rest.is_some_and(|r| {
            r.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+'))
        });
        if !safe {
            return false;
        }
        assigned = true;
    }
    assigned
}

/// Whether `slice` (the text a finding covers) is exactly an expansion of `pkgdir`: `$pkgdir`,
/// `${pkgdir}`, or a braced form with an operator (`${pkgdir:-}`, `${pkgdir%/}`).
fn is_pkgdir_expansion(slice: &str) -> bool {
    const NAME: &str = "pkgdir";
    let slice = slice
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(slice);
    let Some(rest) = slice.strip_prefix('$') else {
        return false;
    };
    if rest == NAME {
        return true;
    }
    let Some(inner) = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')) else {
        return false;
    };
    match inner.strip_prefix(NAME) {
        Some("") => true,
        Some(op) => op
            .chars()
            .next()
            .is_some_and(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '[')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Label;
    use crate::shell::shellcheck::Level;
    use std::path::PathBuf;

    fn finding(code: u32, line: usize, column: usize, end_column: usize) -> Finding {
        Finding {
            file: PathBuf::from("wazo/rules"),
            line,
            column,
            end_line: line,
            end_column,
            level: Level::Info,
            code,
            message: "whatever the release says".into(),
        }
    }

    fn source(text: &str) -> SourceFile {
        SourceFile::new(
            PathBuf::from("myplugin/wazo/rules"),
            PathBuf::from(crate::plugin::load::RULES),
            text.to_string(),
        )
    }

    #[test]
    fn pkgdir_expansions_are_recognised_from_the_text() {
        for yes in [
            "$pkgdir",
            "${pkgdir}",
            "\"$pkgdir\"",
            "${pkgdir:-}",
            "${pkgdir%/}",
        ] {
            assert!(is_pkgdir_expansion(yes), "{yes}");
        }
        for no in [
            "$pkgdirs",
            "${pkgdir_x}",
            "$PKGDIR",
            "${dest}",
            "pkgdir",
            "${pkgdir[0]}",
        ] {
            assert!(!is_pkgdir_expansion(no), "{no}");
        }
    }

    #[test]
    fn sc2086_and_sc2154_on_pkgdir_are_dropped_and_kept_elsewhere() {
        let text = "#!/bin/sh\ncp a $pkgdir/etc\ncp a ${pkgdir}/etc $dest\n";
        let s = source(text);
        assert!(!keep(&finding(2086, 2, 6, 13), &s, &[]));
        assert!(!keep(&finding(2154, 2, 6, 13), &s, &[]));
        assert!(!keep(&finding(2086, 3, 6, 15), &s, &[]));
        // $dest: kept.
        assert!(keep(&finding(2086, 3, 20, 25), &s, &[]));
        // Another code on pkgdir: kept.
        assert!(keep(&finding(2115, 2, 6, 13), &s, &[]));
    }

    #[test]
    fn sc2086_on_a_variable_holding_a_pkgdir_path_is_dropped() {
        let text = "BIN=${pkgdir}/usr/bin/tool\ncp a $BIN\nX=${pkgdir}/$(name)\ncp a $X\n";
        assert!(pkgdir_path_variable(text, "$BIN"));
        assert!(!pkgdir_path_variable(text, "$X"));
        assert!(!pkgdir_path_variable(text, "$OTHER"));
        let s = source(text);
        assert!(!keep(&finding(2086, 2, 6, 10), &s, &[]));
        assert!(keep(&finding(2086, 4, 6, 8), &s, &[]));
    }

    #[test]
    fn a_code_repeating_ours_on_the_same_line_is_dropped() {
        let text = "#!/bin/sh\necho \"$DESTDIR\"\necho \"$OTHER\"\n";
        let s = source(text);
        let start = text.find("$DESTDIR").unwrap_or(0);
        let ours = Diagnostic {
            primary: Some(Label {
                span: start..start + 8,
                text: None,
            }),
            ..Diagnostic::new(
                &crate::lint::rules_script::unset_variable::CHECK,
                crate::plugin::load::RULES,
                "m",
            )
        };
        let ours = [ours];
        assert!(!keep(&finding(2154, 2, 7, 15), &s, &ours));
        assert!(keep(&finding(2154, 3, 7, 13), &s, &ours));
    }

    #[test]
    fn crlf_is_reported_once() {
        let text = "#!/bin/sh\r\necho a\r\necho b\r\n";
        let s = source(text);
        let ours = [Diagnostic::new(
            &crate::lint::rules_script::crlf_line_endings::CHECK,
            crate::plugin::load::RULES,
            "m",
        )
        .at(9..10, None)];
        assert!(!keep(&finding(1017, 2, 7, 8), &s, &ours));
        assert!(!keep(&finding(1017, 3, 7, 8), &s, &ours));
        assert!(keep(&finding(1017, 3, 7, 8), &s, &[]));
    }
}
