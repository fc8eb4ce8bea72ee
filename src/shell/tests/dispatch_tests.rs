use super::super::{ArmId, DefaultArm, DispatchStyle, Outcome};
use super::*;

fn names(t: &Table) -> Vec<Vec<String>> {
    t.arms
        .iter()
        .map(|a| a.patterns.iter().map(|p| p.value.clone()).collect())
        .collect()
}

fn outcome(t: &Table) -> Option<Outcome> {
    match &t.default {
        DefaultArm::Present { outcome, .. } => Some(*outcome),
        _ => None,
    }
}

#[test]
fn helloworld_case() {
    let s = script(HELLOWORLD);
    let Dispatch::Known(t) = dispatch(&s) else {
        panic!()
    };
    assert_eq!(t.style, DispatchStyle::Case);
    assert_eq!(s.slice(&t.anchor), "case");
    assert_eq!(
        names(&t),
        [["build"], ["package"], ["install"], ["uninstall"]]
    );
    assert_eq!(outcome(&t), Some(Outcome::Fails));
    let package = t.arm_for("package").unwrap();
    assert!(s.slice(&package.span).starts_with("package)"));
    assert!(s.slice(&package.span).ends_with(";;"));
    let cmds: Vec<_> = package
        .commands
        .iter()
        .map(|&i| s.commands()[i].name.as_ref().unwrap().raw.clone())
        .collect();
    assert_eq!(cmds, ["mkdir", "cp"]);
    assert!(t.arm_for("build").unwrap().commands.is_empty());
    let echo = s
        .commands()
        .iter()
        .find(|c| c.name.as_ref().unwrap().raw == "echo")
        .unwrap();
    assert_eq!(t.arm_of(&echo.span), Some(ArmId::Default));
    assert_eq!(t.names(ArmId::Arm(1)), ["package"]);
}

/// (script, style, arm names, default outcome).
type StyleCase = (
    &'static str,
    DispatchStyle,
    &'static [&'static [&'static str]],
    Option<Outcome>,
);

/// Every dispatch style.
#[test]
fn dispatch_styles() {
    use DispatchStyle::*;
    use Outcome::*;
    let cases: &[StyleCase] = &[
        (
            "#!/bin/sh\ncase $1 in\n build|package) true ;;\n \"install\") : ;;\n 'uninstall'|postrm) ;;\n *) exit 2 ;;\nesac\n",
            Case,
            &[
                &["build", "package"],
                &["install"],
                &["uninstall", "postrm"],
            ],
            Some(Fails),
        ),
        (
            "#!/bin/bash\ncase \"${1}\" in\n (build) ;;\n *) echo unknown ;;\nesac",
            Case,
            &[&["build"]],
            Some(Succeeds),
        ),
        (
            "#!/bin/sh\ncase \"$1\" in\n build) ;;\n *) exit 0 ;;\nesac",
            Case,
            &[&["build"]],
            Some(Succeeds),
        ),
        (
            "#!/bin/sh\ncase \"$1\" in\n build) ;;\nesac",
            Case,
            &[&["build"]],
            None,
        ),
        (
            "#!/bin/sh\ncase \"$1\" in\n build) ;;\n *) ;;\nesac",
            Case,
            &[&["build"]],
            Some(Succeeds),
        ),
        (
            "#!/bin/sh\ncase \"$1\" in\n build) ;;\n *) logger x ;;\nesac",
            Case,
            &[&["build"]],
            Some(Unclear),
        ),
        (
            "#!/bin/sh\ncase \"$1\" in\n build) ;;\n *) echo bad >&2; false ;;\nesac",
            Case,
            &[&["build"]],
            Some(Fails),
        ),
        (
            "#!/bin/sh\ncase \"$1\" in\n build) ;;\n *) echo bad && exit 1\nesac",
            Case,
            &[&["build"]],
            Some(Fails),
        ),
        (
            "#!/bin/sh\ncase \"$1\" in\n build) ;;\n *) exit $E_USAGE;;\nesac",
            Case,
            &[&["build"]],
            Some(Fails),
        ),
        // The default calls a function of the script that exits 1.
        (
            "#!/bin/sh\nusage() {\n echo usage >&2\n exit 1\n}\ncase \"$1\" in\n build) ;;\n *) usage ;;\nesac",
            Case,
            &[&["build"]],
            Some(Fails),
        ),
        // Inside a function called with "$@".
        (
            "#!/bin/sh\nmain() {\n case \"$1\" in\n  build) ;;\n  *) return 1 ;;\n esac\n}\nmain \"$@\"\n",
            Case,
            &[&["build"]],
            Some(Fails),
        ),
        // Nested under an `if` at top level.
        (
            "#!/bin/sh\nif [ $# -gt 0 ]; then\n case \"$1\" in\n  install) ;;\n esac\nfi",
            Case,
            &[&["install"]],
            None,
        ),
        (
            "#!/bin/sh\nif [ \"$1\" = build ]; then\n  make\nelif [ \"$1\" == \"package\" ]; then\n  cp a b\nelif test install = \"$1\"; then\n  :\nelse\n  echo no >&2\n  exit 1\nfi\n",
            IfChain,
            &[&["build"], &["package"], &["install"]],
            Some(Fails),
        ),
        (
            "#!/bin/bash\nif [[ $1 == build ]]; then\n  make\nelif [[ \"$1\" = 'package' || $1 == pkg ]]; then\n  cp a b\nfi\n",
            IfChain,
            &[&["build"], &["package", "pkg"]],
            None,
        ),
        (
            "#!/bin/sh\n[ -n \"$DEBUG\" ] && set -x\nif [ \"$1\" = build ]; then :; fi\nif [ \"$1\" = install ] || [ \"$1\" = upgrade ]; then :; else exit 0; fi\n",
            IfChain,
            &[&["build"], &["install", "upgrade"]],
            Some(Succeeds),
        ),
        (
            "#!/usr/bin/make -f\n.PHONY: build package\nPREFIX := /usr\nX = a:b\nbuild:\n\techo building\n\ninstall uninstall: build\n\t@true \\\n\t  more\n\n# comment: not a rule\npackage:\n\tmkdir -p $(pkgdir)/etc\n",
            Make,
            &[&["build"], &["install", "uninstall"], &["package"]],
            None,
        ),
    ];
    for (text, style, arms, default) in cases {
        let t = table(text);
        assert_eq!(t.style, *style, "{text}");
        let expected: Vec<Vec<String>> = arms
            .iter()
            .map(|a| a.iter().map(|s| s.to_string()).collect())
            .collect();
        assert_eq!(names(&t), expected, "{text}");
        assert_eq!(outcome(&t), *default, "{text}");
    }
}

#[test]
fn anchors_and_spans() {
    let text =
        "#!/bin/sh\n# é\nif [ \"$1\" = build ]; then\n  echo é > /tmp/é\nelse\n  exit 1\nfi\n";
    let s = script(text);
    let Dispatch::Known(t) = dispatch(&s) else {
        panic!()
    };
    assert_eq!(s.slice(&t.anchor), "if");
    assert_eq!(s.slice(&t.arms[0].patterns[0].span), "build");
    assert_eq!(
        s.slice(&t.arms[0].span),
        "[ \"$1\" = build ]; then\n  echo é > /tmp/é"
    );
    let DefaultArm::Present { arm, .. } = &t.default else {
        panic!()
    };
    assert_eq!(s.slice(&arm.span), "exit 1");

    let make = "#!/usr/bin/make -f\nbuild:\n\ttrue\n%:\n\t@echo unknown\n";
    let s = script(make);
    let Dispatch::Known(t) = dispatch(&s) else {
        panic!()
    };
    assert_eq!(s.slice(&t.anchor), "build");
    assert_eq!(s.slice(&t.arms[0].span), "build:\n\ttrue");
    assert!(matches!(
        t.default,
        DefaultArm::Present {
            outcome: Outcome::Unclear,
            ..
        }
    ));
    let t = table("#!/usr/bin/make -f\nbuild:\n");
    assert_eq!(t.default, DefaultArm::Builtin);
}

#[test]
fn glob_patterns() {
    let t =
        table("#!/bin/sh\ncase \"$1\" in\n b*) ;;\n inst[a-z]ll|\"x*\") ;;\n *) exit 1;;\nesac");
    assert!(!t.arms[0].patterns[0].literal);
    assert!(t.arm_for("build").is_some());
    assert!(t.arm_for("install").is_some());
    assert!(t.arm_for("x*").is_some());
    assert!(t.arm_for("xy").is_none());
    assert!(t.arm_for("package").is_none());
}

#[test]
fn unknown_dispatch() {
    let cases = [
        (
            "#!/usr/bin/env python3\nimport sys\nprint(sys.argv[1])\n",
            "python3",
        ),
        ("#!/usr/bin/perl\nprint 1;\n", "perl"),
        (
            "#!/bin/sh\ncmd_build() { :; }\ncmd_$1\n",
            "named after its argument",
        ),
        ("#!/bin/bash\neval \"do_$1\"\n", "eval"),
    ];
    for (text, reason_part) in cases {
        match dispatch(&script(text)) {
            Dispatch::Unknown { reason } => assert!(reason.contains(reason_part), "{reason}"),
            other => panic!("unexpected dispatch {other:?} for {text}"),
        }
    }
}

#[test]
fn scripts_ignoring_their_argument() {
    let cases = [
        ("#!/bin/sh\necho hello\n", "never reads"),
        (
            "#!/bin/sh\ncase \"$2\" in\n build) ;;\nesac\n",
            "never reads",
        ),
        (
            "#!/bin/sh\nDESTDIR=\"$1\"\nmkdir -p \"$DESTDIR/etc\"\n",
            "reads its arguments",
        ),
    ];
    for (text, reason_part) in cases {
        match dispatch(&script(text)) {
            Dispatch::Ignored { reason } => assert!(reason.contains(reason_part), "{reason}"),
            other => panic!("unexpected dispatch {other:?} for {text}"),
        }
    }
}

/// The commands every style below handles, and one it does not.
fn covers_the_commands(text: &str, style: DispatchStyle) {
    let t = table(text);
    assert_eq!(t.style, style, "{text}");
    for c in ["build", "package", "install", "uninstall"] {
        assert!(t.arm_for(c).is_some(), "{c} in\n{text}");
    }
    assert!(t.arm_for("postrm").is_none(), "postrm in\n{text}");
}

#[test]
fn aliases_of_the_first_argument() {
    use DispatchStyle::*;
    let body = "build) ;;\n package) ;;\n install) ;;\n uninstall) ;;\n *) exit 1 ;;\nesac\n";
    for head in [
        "CMD=\"$1\"\ncase \"$CMD\" in\n",
        "ACTION=${1:-}\ncase $ACTION in\n",
        "cmd=$1; shift\ncase \"${cmd}\" in\n",
        "readonly CMD=\"$1\"\ncase \"$CMD\" in\n",
        "main() {\n local action=\"$1\"\n case \"$action\" in\n",
        "for arg in \"$@\"; do\ncase \"$arg\" in\n",
    ] {
        let mut text = format!("#!/bin/sh\n{head}{body}");
        if head.starts_with("main") {
            text.push_str("}\nmain \"$@\"\n");
        }
        if head.starts_with("for") {
            text.push_str("done\n");
        }
        covers_the_commands(&text, Case);
    }
    covers_the_commands(
        "#!/bin/sh\nif [ \"x$1\" = xbuild ]; then :\nelif [ \"x$1\" = \"xpackage\" ]; then :\nelif [ x$1 = xinstall ] || [ \"x$1\" = xuninstall ]; then :\nelse exit 1\nfi\n",
        IfChain,
    );
    covers_the_commands(
        "#!/bin/sh\ncase \"$@\" in\n build|package|install|uninstall) ;;\n *) exit 1 ;;\nesac\n",
        Case,
    );
    covers_the_commands(
        "#!/bin/sh\nCMD=$1\nif [ \"$CMD\" = build ]; then :\nelif [ \"$CMD\" = package ]; then :\nelif [ \"$CMD\" = install ] || [ \"$CMD\" = uninstall ]; then :\nelse exit 1\nfi\n",
        IfChain,
    );
}

#[test]
fn functions_named_after_the_commands() {
    use DispatchStyle::*;
    let functions = "build() { :; }\npackage() { :; }\ninstall() { :; }\nuninstall() { :; }\n";
    for call in [
        "\"$1\"\n",
        "$1 \"$@\"\n",
        "CMD=$1\nshift\n\"$CMD\" \"$@\"\n",
        "\"$@\"\n",
    ] {
        let text = format!("#!/bin/sh\nset -e\n{functions}{call}");
        covers_the_commands(&text, Functions);
        let t = table(&text);
        assert_eq!(t.default, DefaultArm::Builtin);
        // The arm of `package` is its function's body.
        let s = script(&text);
        let arm = t.arm_for("package").map(|a| s.slice(&a.span).to_string());
        assert_eq!(arm.as_deref(), Some("package() { :; }"));
    }
    // Called through a case: the case is the dispatch.
    covers_the_commands(
        &format!(
            "#!/bin/sh\n{functions}case \"$1\" in\n build|package|install|uninstall) \"$1\" ;;\n *) exit 1 ;;\nesac\n"
        ),
        Case,
    );
}

#[test]
fn case_forms() {
    use DispatchStyle::*;
    covers_the_commands(
        "#!/bin/sh\ncase \"${1:-}\" in\n build|package) ;;\n install|uninstall) ;;\n *) exit 1 ;;\nesac\n",
        Case,
    );
    // Nested: an outer case on the argument count, the dispatch inside.
    covers_the_commands(
        "#!/bin/sh\ncase $# in\n 0) exit 1 ;;\n *) case \"$1\" in\n  build|package) ;;\n  install|uninstall) ;;\n  *) exit 1 ;;\n esac ;;\nesac\n",
        Case,
    );
    // Nested: the same argument tested again inside an arm.
    covers_the_commands(
        "#!/bin/sh\ncase \"$1\" in\n build|package)\n  case \"$1\" in build) ;; package) ;; esac ;;\n install|uninstall) ;;\n *) exit 1 ;;\nesac\n",
        Case,
    );
}
