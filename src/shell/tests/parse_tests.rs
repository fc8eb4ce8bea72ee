use super::super::{ShellDialect, ShellKind, SyntaxErrorKind, shell_kind};
use super::*;

#[test]
fn shebangs() {
    let cases = [
        ("#!/bin/sh\n", ShellKind::Sh),
        ("#! /bin/sh -e\n", ShellKind::Sh),
        ("#!/bin/dash\n", ShellKind::Sh),
        ("#!/bin/bash\r\n", ShellKind::Bash),
        ("#!/usr/bin/env bash\n", ShellKind::Bash),
        ("#!/usr/bin/env -S bash -e\n", ShellKind::Bash),
        ("\u{feff}#!/bin/sh\n", ShellKind::Sh),
        ("#!/usr/bin/make -f\n", ShellKind::Make),
        ("#!/usr/bin/python3\n", ShellKind::Other("python3".into())),
        (
            "#!/usr/bin/env python3\n",
            ShellKind::Other("python3".into()),
        ),
        ("#!\n", ShellKind::None),
        ("echo hi\n", ShellKind::None),
        ("", ShellKind::None),
    ];
    for (text, kind) in cases {
        assert_eq!(shell_kind(text), kind, "{text:?}");
    }
    let sb = super::super::shebang("#!/usr/bin/env bash\nx").unwrap();
    assert_eq!(
        (sb.interpreter.as_str(), sb.program.as_str(), sb.span),
        ("/usr/bin/env", "bash", 0..19)
    );
    assert_eq!(script("#!/bin/bash\n").dialect(), Some(ShellDialect::Bash));
    assert_eq!(script("echo\n").dialect(), Some(ShellDialect::Sh));
    assert_eq!(script("#!/usr/bin/perl\n{{{").dialect(), None);
}

/// (script, text of the error span, message part)
#[test]
fn syntax_errors() {
    let cases = [
        ("#!/bin/sh\né=1; echo 'unterminated\n", "'", "single quote"),
        ("#!/bin/sh\necho \"é\nmore\n", "\"", "double quote"),
        ("#!/bin/sh\ncase \"$1\" in\n build) ;;\n", "", "end of file"),
        (
            "#!/bin/sh\n# é\nif true; then\n fi fi\n",
            "fi",
            "near unexpected token",
        ),
        ("#!/bin/sh\necho é )\n", ")", "`)`"),
    ];
    for (text, at, message) in cases {
        let Err(e) = parse(text) else {
            panic!("parsed: {text}")
        };
        assert_eq!(e.kind, SyntaxErrorKind::Syntax);
        assert_eq!(text.get(e.span.clone()), Some(at), "{text:?} {e:?}");
        assert!(e.message.contains(message), "{e:?}");
    }
}

#[test]
fn odd_inputs_never_panic() {
    let deep = |open: &str, close: &str, n: usize| {
        format!("#!/bin/sh\n{}true{}\n", open.repeat(n), close.repeat(n))
    };
    let mut inputs = vec![
        String::new(),
        "\0\u{1}\u{7f}\u{fffd}é\u{10ffff}".to_string(),
        "#!/bin/sh\n\0\0\0".to_string(),
        "#!/bin/sh\n$((((".to_string(),
        "#!/bin/sh\n${".to_string(),
        "#!/bin/sh\n`".to_string(),
        "#!/bin/sh\ncat <<EOF\nno end".to_string(),
        "#!/bin/sh\ncat <<".to_string(),
        "#!/bin/bash\n[[ ".to_string(),
        "#!/bin/bash\necho $(( 1 + ))".to_string(),
        "#!/bin/sh\ncase".to_string(),
        "#!/bin/sh\nfoo() foo() foo()".to_string(),
        "#!/bin/sh\n".to_string() + &"echo a && ".repeat(5000) + "true\n",
        "#!/bin/sh\n".to_string() + &"echo a | ".repeat(5000) + "true\n",
        deep("(", ")", 199),
        deep("{ ", "; }", 199),
        deep("if true; then ", "; fi", 199),
        deep("echo \"$(", ")\"", 150),
        deep("(", ")", 5000),
        deep("$(", ")", 5000),
        deep("if true; then ", "; fi", 5000),
        "#!/bin/sh\n".to_string() + &"x".repeat(2 << 20),
    ];
    for b in 0u8..=255 {
        inputs.push(format!("#!/bin/sh\necho {}", b as char));
    }
    for input in &inputs {
        if let Ok(s) = parse(input) {
            let _ = dispatch(&s);
            let _ = s.redirects();
        }
    }
    let Err(e) = parse(&deep("(", ")", 5000)) else {
        panic!()
    };
    assert_eq!(e.kind, SyntaxErrorKind::TooComplex);
    // Subshells nest at most MAX_SUBSHELL_NESTING deep (backtracking), other constructs 199.
    assert!(parse(&deep("(", ")", 16)).is_ok());
    assert!(parse(&deep("(", ")", 17)).is_err());
    assert!(parse(&deep("if true; then ", "; fi", 199)).is_ok());
    assert!(parse(&deep("echo \"$(", ")\"", 150)).is_ok());
    // A long run of `!` in a [[ ]] test: brush-parser recurses on each one (500 000 of them
    // overflowed even the parser thread's stack). Negations in words do not count.
    let bangs = format!("#!/bin/bash\n[[ {}b ]]\n", "! ".repeat(500_000));
    let Err(e) = parse(&bangs) else { panic!() };
    assert_eq!(e.kind, SyntaxErrorKind::TooComplex);
    assert!(parse(&format!("#!/bin/bash\n[[ {}b ]]\n", "! ".repeat(4))).is_ok());
    assert!(parse(&format!("#!/bin/sh\n{}\n", "[ a != b ]; ".repeat(500))).is_ok());
    // Unclosed subshells: the parser's backtracking doubles with each (30 took 23 s).
    for text in [
        "(".repeat(30),
        "( ".repeat(30),
        "case x in\n a)\n".to_string() + &"(".repeat(20),
    ] {
        let Err(e) = parse(&format!("#!/bin/bash\n{text}x\n")) else {
            panic!()
        };
        assert_eq!(e.kind, SyntaxErrorKind::TooComplex);
    }
    assert!(parse(&deep("( ", " )", 16)).is_ok());
    assert!(parse(&deep("echo $(", ")", 150)).is_ok());
    // Brackets in quotes and comments do not count as nesting.
    let quoted = "#!/bin/sh\n".to_string() + &"echo '((((' \"{{{{\" # ((((\n".repeat(200);
    assert!(parse(&quoted).is_ok());
}

#[test]
fn crlf_and_bom_do_not_break_the_analysis() {
    let crlf = HELLOWORLD.replace('\n', "\r\n");
    match parse(&crlf) {
        Ok(s) => {
            let _ = dispatch(&s);
        }
        Err(e) => assert!(e.span.end <= crlf.len()),
    }
    let bom = format!("\u{feff}{HELLOWORLD}");
    let s = script(&bom);
    let t = match dispatch(&s) {
        Dispatch::Known(t) => t,
        other => panic!("{other:?}"),
    };
    assert_eq!(s.slice(&t.anchor), "case");
}
