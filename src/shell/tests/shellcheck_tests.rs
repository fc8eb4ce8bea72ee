use std::path::{Path, PathBuf};

use super::super::ShellDialect;
use super::super::shellcheck::{Level, ShellcheckError, find, run, run_text};
use super::HELLOWORLD;

/// shellcheck on PATH, or `None` after printing why the test is skipped (a failure under
/// WAZO_PLUGIN_TEST_STRICT=1).
fn shellcheck_or_skip() -> Option<PathBuf> {
    match find(None) {
        Ok(Some(exe)) => Some(exe),
        _ if std::env::var("WAZO_PLUGIN_TEST_STRICT").as_deref() == Ok("1") => {
            panic!("shellcheck is not on PATH and WAZO_PLUGIN_TEST_STRICT=1")
        }
        _ => {
            eprintln!("skipped: shellcheck is not on PATH");
            None
        }
    }
}

fn src(text: &str) -> crate::source::SourceFile {
    crate::source::SourceFile::new("r".into(), "r".into(), text.into())
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

#[test]
fn json1_columns_are_characters_of_the_line_index() {
    // json1 counts a tab as one column, as SourceFile::offset does.
    let text = "a\n\té$x\nlast";
    let f = crate::source::SourceFile::new("r".into(), "r".into(), text.into());
    assert_eq!(&text[f.offset(2, 3)..f.offset(2, 5)], "$x");
    assert_eq!(f.offset(2, 99), 7);
    assert_eq!(f.offset(9, 1), text.len());
}

#[test]
fn text_on_stdin_is_checked_as_given() {
    let Some(exe) = shellcheck_or_skip() else {
        return;
    };
    let findings = run_text(
        &exe,
        ShellDialect::Sh,
        "#!/bin/sh\n\n\necho $1\n",
        None,
        Path::new("key"),
    )
    .expect("shellcheck runs");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!((findings[0].code, findings[0].line), (2086, 4));
    assert_eq!(findings[0].file, Path::new("key"));
}

#[test]
fn explicit_path_must_exist() {
    assert!(matches!(
        find(Some(Path::new("/nonexistent/shellcheck"))),
        Err(ShellcheckError::NotFound(_))
    ));
    assert!(matches!(
        find(Some(Path::new("no-such-shellcheck-here"))),
        Err(ShellcheckError::NotFound(_))
    ));
}

#[test]
fn helloworld_gives_sc2086_on_line_7() {
    let Some(exe) = shellcheck_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = write(dir.path(), "rules", HELLOWORLD);
    let findings = run(&exe, &[(rules.clone(), ShellDialect::Sh)]).expect("shellcheck runs");
    let sc2086 = findings.iter().find(|f| f.code == 2086).expect("SC2086");
    assert_eq!(
        (sc2086.line, sc2086.level, &sc2086.file),
        (7, Level::Info, &rules)
    );
    assert_eq!(&HELLOWORLD[sc2086.span_in(&src(HELLOWORLD))], "${pkgdir}");
    assert_eq!(sc2086.url(), "https://www.shellcheck.net/wiki/SC2086");
}

#[test]
fn groups_by_dialect_and_honours_directives() {
    let Some(exe) = shellcheck_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let sh = write(dir.path(), "a", "#!/bin/sh\n[[ -n é$1 ]] && echo $1\n");
    let bash = write(dir.path(), "b", "#!/bin/bash\n[[ -n é$1 ]] && echo $1\n");
    let disabled = write(
        dir.path(),
        "c",
        "#!/bin/bash\n# shellcheck disable=SC2086\necho $1\n",
    );
    let files = [
        (sh.clone(), ShellDialect::Sh),
        (bash.clone(), ShellDialect::Bash),
        (disabled.clone(), ShellDialect::Bash),
    ];
    let findings = run(&exe, &files).expect("shellcheck runs");
    // [[ ]] is undefined in sh (SC3010), fine in bash.
    assert!(findings.iter().any(|f| f.file == sh && f.code == 3010));
    assert!(!findings.iter().any(|f| f.file == bash && f.code == 3010));
    let in_bash = findings
        .iter()
        .find(|f| f.file == bash && f.code == 2086)
        .expect("SC2086 in b");
    // Columns count characters: é is one.
    assert_eq!(
        (in_bash.line, in_bash.column, in_bash.end_column),
        (2, 22, 24)
    );
    let text = "#!/bin/bash\n[[ -n é$1 ]] && echo $1\n";
    assert_eq!(&text[in_bash.span_in(&src(text))], "$1");
    assert_eq!(
        in_bash.span_in(&src(text)).start,
        text.rfind('$').unwrap_or(0)
    );
    assert!(!findings.iter().any(|f| f.file == disabled));

    // .shellcheckrc next to the files applies.
    write(dir.path(), ".shellcheckrc", "disable=SC2086\n");
    let findings = run(&exe, &files).expect("shellcheck runs");
    assert!(!findings.iter().any(|f| f.code == 2086), "{findings:?}");
    assert_eq!(run(&exe, &[]).expect("nothing to run").len(), 0);
}
