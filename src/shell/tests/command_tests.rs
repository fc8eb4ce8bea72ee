use super::super::{ArmId, RedirectOp};
use super::*;

fn names(s: &Script) -> Vec<String> {
    s.commands()
        .iter()
        .map(|c| c.name.as_ref().map_or(String::new(), |n| n.raw.clone()))
        .collect()
}

#[test]
fn commands_in_nested_structures() {
    let text = "#!/bin/bash\ncase \"$1\" in\n package)\n  a | b && c || d\n  ( e ; { f; } )\n  if g; then h; elif i; then j; else k; fi\n  while l; do m; done\n  for x in 1 2; do n \"$x\"; done\n  o \"$(p q)\" `r`\n  s <(t)\n  [[ -e $u ]]\n  ;;\n *) exit 1 ;;\nesac\nfun() { v; }\n";
    let s = script(text);
    assert_eq!(
        names(&s),
        [
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "r",
            "s", "t", "exit", "v"
        ]
    );
    let t = table(text);
    for c in s.commands() {
        let name = c.name.as_ref().unwrap();
        assert_eq!(s.slice(&name.span), name.raw);
        let arm = t.arm_of(&c.span);
        match name.raw.as_str() {
            "exit" => assert_eq!(arm, Some(ArmId::Default)),
            "v" => {
                assert_eq!(arm, None);
                assert_eq!(c.function.as_deref(), Some("fun"));
            }
            _ => assert_eq!(arm, Some(ArmId::Arm(0)), "{}", name.raw),
        }
    }
    assert_eq!(t.arms[0].commands.len(), 19);
    assert_eq!(s.functions()[0].name, "fun");
    assert_eq!(s.slice(&s.functions()[0].body), "{ v; }");
}

#[test]
fn words_and_redirects() {
    let text = "#!/bin/sh\n# é\nX=1 cp -r \"é d\" ${pkgdir}/etc/é >> /var/log/é.log 2>&1\n{ echo; } > \"$pkgdir/x\"\ncat <<EOF > /etc/y\n$HOME\nEOF\nmkdir $(echo /opt)\n";
    let s = script(text);
    let cp = &s.commands()[0];
    assert_eq!(
        s.slice(&cp.span),
        "X=1 cp -r \"é d\" ${pkgdir}/etc/é >> /var/log/é.log 2>&1"
    );
    assert_eq!(cp.assignments[0].raw, "X=1");
    let args: Vec<_> = cp
        .args
        .iter()
        .map(|w| (w.raw.as_str(), s.slice(&w.span)))
        .collect();
    assert_eq!(
        args,
        [
            ("-r", "-r"),
            ("\"é d\"", "\"é d\""),
            ("${pkgdir}/etc/é", "${pkgdir}/etc/é")
        ]
    );
    assert_eq!(cp.args[1].unquoted(), "é d");
    let r: Vec<_> = s
        .redirects()
        .iter()
        .map(|r| (r.op, r.fd, s.slice(&r.target.span).to_string()))
        .collect();
    assert_eq!(
        r,
        [
            (RedirectOp::Append, None, "/var/log/é.log".to_string()),
            (RedirectOp::DupOutput, Some(2), "1".to_string()),
            (RedirectOp::Write, None, "\"$pkgdir/x\"".to_string()),
            (RedirectOp::HereDoc, None, "EOF".to_string()),
            (RedirectOp::Write, None, "/etc/y".to_string()),
        ]
    );
    assert!(RedirectOp::Append.writes_file() && !RedirectOp::DupOutput.writes_file());
    let mkdir = s
        .commands()
        .iter()
        .find(|c| c.name.as_ref().unwrap().raw == "mkdir")
        .unwrap();
    assert_eq!(mkdir.args[0].raw, "$(echo /opt)");
    let echo = s
        .commands()
        .iter()
        .filter(|c| c.name.as_ref().unwrap().raw == "echo")
        .nth(1)
        .unwrap();
    assert_eq!(s.slice(&echo.args[0].span), "/opt");
}

#[test]
fn expansions() {
    let text = "#!/bin/sh\n# é\necho é$pkgdir \"${pkgdir}/é\" '$no' \\$no ${DEB_BUILD_ARCH:-$x} $1 ${#y} $((z + $w)) \"$@\"\ncat <<EOF\n${here}\nEOF\ncat <<'EOF'\n$quoted\nEOF\nf() { echo $(echo $inner); }\n";
    let s = script(text);
    let found: Vec<_> = s
        .expansions()
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                s.slice(&e.span),
                s.slice(&e.name_span),
                e.braced,
                e.quoted,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("pkgdir", "$pkgdir", "pkgdir", false, false),
            ("pkgdir", "${pkgdir}", "pkgdir", true, true),
            (
                "DEB_BUILD_ARCH",
                "${DEB_BUILD_ARCH:-$x}",
                "DEB_BUILD_ARCH",
                true,
                false
            ),
            ("x", "$x", "x", false, false),
            ("1", "$1", "1", false, false),
            ("y", "${#y}", "y", true, false),
            ("w", "$w", "w", false, true),
            ("@", "$@", "@", false, true),
            ("here", "${here}", "here", true, true),
            ("inner", "$inner", "inner", false, false),
        ]
    );
    assert_eq!(
        s.expansions().last().unwrap().function.as_deref(),
        Some("f")
    );
}
