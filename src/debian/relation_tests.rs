use super::*;

/// Name, arch, operator and version of one alternative.
type Summary = (String, Option<String>, Option<&'static str>, Option<String>);
/// The same, as written in the tables.
type Row = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// The summary of each alternative, for compact expectations.
fn summary(entry: &str) -> Vec<Summary> {
    parse_dependency(entry)
        .unwrap_or_else(|p| panic!("{entry:?}: {p:?}"))
        .into_iter()
        .map(|r| {
            (
                r.name,
                r.arch.map(|a| a.0),
                r.constraint.as_ref().map(|c| c.op.as_str()),
                r.constraint.map(|c| c.version),
            )
        })
        .collect()
}

#[test]
fn accepted() {
    let s = |x: &str| Some(x.to_string());
    let cases: &[(&str, &[Row])] = &[
        ("curl", &[("curl", None, None, None)]),
        ("  curl\t", &[("curl", None, None, None)]),
        ("a+b.c-d", &[("a+b.c-d", None, None, None)]),
        (
            "python3-yaml (>= 5.1)",
            &[("python3-yaml", None, Some(">="), Some("5.1"))],
        ),
        ("curl(>=1)", &[("curl", None, Some(">="), Some("1"))]),
        ("curl ( << 2 )", &[("curl", None, Some("<<"), Some("2"))]),
        (
            "curl (<= 1:2.0-3)",
            &[("curl", None, Some("<="), Some("1:2.0-3"))],
        ),
        ("curl (= 1)", &[("curl", None, Some("="), Some("1"))]),
        ("curl (>> 1)", &[("curl", None, Some(">>"), Some("1"))]),
        ("curl:any", &[("curl", Some("any"), None, None)]),
        (
            "curl:amd64 (>= 1)",
            &[("curl", Some("amd64"), Some(">="), Some("1"))],
        ),
        (
            "a1 | b2 (>= 1)",
            &[
                ("a1", None, None, None),
                ("b2", None, Some(">="), Some("1")),
            ],
        ),
        (
            "aa|bb|cc",
            &[
                ("aa", None, None, None),
                ("bb", None, None, None),
                ("cc", None, None, None),
            ],
        ),
    ];
    for &(entry, expected) in cases {
        let expected: Vec<_> = expected
            .iter()
            .map(|&(n, a, o, v)| (n.to_string(), a.map(str::to_string), o, v.and_then(s)))
            .collect();
        assert_eq!(summary(entry), expected, "{entry:?}");
    }
}

#[test]
fn spans() {
    let rels = parse_dependency("aa | bb:any (>= 1.0)").expect("valid");
    assert_eq!(rels[0].name_span, 0..2);
    assert_eq!(rels[1].name_span, 5..7);
    assert_eq!(rels[1].arch, Some(("any".to_string(), 8..11)));
    let c = rels[1].constraint.as_ref().expect("constraint");
    assert_eq!(
        (c.op_span.clone(), c.version_span.clone()),
        (13..15, 16..19)
    );
}

#[test]
fn rejected_at_offset() {
    // (entry, offset, len, start of the message)
    let cases: &[(&str, usize, usize, &str)] = &[
        ("", 0, 0, "a dependency must not be empty"),
        ("  ", 0, 2, "a dependency must not be empty"),
        ("a, b", 1, 1, "one entry holds one dependency"),
        ("aa,", 2, 1, "one entry holds one dependency"),
        ("curl\n", 4, 1, "a dependency must not contain a newline"),
        (
            "a",
            0,
            1,
            "a Debian package name has at least two characters",
        ),
        ("Curl", 0, 1, "Debian package names are lower-case"),
        ("cUrl", 1, 1, "Debian package names are lower-case"),
        ("a_b", 1, 1, "`_` is not allowed in a Debian package name"),
        (
            "+a",
            0,
            1,
            "a Debian package name must start with a letter or a digit",
        ),
        ("xx | .a", 5, 1, "a Debian package name must start"),
        ("cürl", 1, 2, "`ü` is not allowed in a Debian package name"),
        ("aa |", 3, 1, "a package name must follow `|`"),
        ("aa || bb", 3, 1, "a package name must follow `|`"),
        ("| aa", 0, 1, "expected a package name, found `|`"),
        ("(>= 1)", 0, 1, "expected a package name, found `(`"),
        (
            "curl:",
            4,
            1,
            "an architecture name (such as `any`) must follow `:`",
        ),
        (
            "curl:Any",
            5,
            1,
            "`A` is not allowed in an architecture name",
        ),
        ("curl (< 1)", 6, 1, "`<` is obsolete and means `<=`"),
        ("curl (> 1)", 6, 1, "`>` is obsolete and means `>=`"),
        ("curl (=< 1)", 6, 2, "unknown version operator `=<`"),
        ("curl (== 1)", 6, 2, "unknown version operator `==`"),
        ("curl (1)", 6, 1, "a version relation needs an operator"),
        ("curl ()", 6, 1, "a version relation needs an operator"),
        ("curl (>=)", 8, 1, "a version must follow `>=`"),
        ("curl (>= ", 9, 0, "a version must follow `>=`"),
        (
            "curl (>= v1)",
            9,
            1,
            "a Debian version must start with a digit",
        ),
        (
            "curl (>= 1.0_1)",
            12,
            1,
            "`_` is not allowed in a Debian version",
        ),
        ("curl (>= 1", 5, 1, "this `(` is never closed"),
        (
            "curl (>= 1 2)",
            11,
            1,
            "expected `)` after the version, found `2`",
        ),
        (
            "curl (>= 1) x",
            12,
            1,
            "unexpected `x` after the dependency on `curl`",
        ),
        (
            "curl wget",
            5,
            1,
            "unexpected `w` after the dependency on `curl`",
        ),
        ("curl (>= 1):any", 11, 1, "unexpected `:`"),
        (
            "curl [amd64 !i386]",
            5,
            13,
            "architecture restrictions `[...]` are only allowed",
        ),
        ("curl [amd64", 5, 6, "architecture restrictions"),
        (
            "curl <!nocheck>",
            5,
            10,
            "build profiles `<...>` are only allowed",
        ),
        ("curl (>= 1) <!nocheck>", 12, 10, "build profiles"),
    ];
    for &(entry, offset, len, message) in cases {
        let p = parse_dependency(entry).expect_err(entry);
        assert_eq!((p.offset, p.len), (offset, len), "{entry:?}: {p:?}");
        assert!(p.message.starts_with(message), "{entry:?}: {p:?}");
        assert!(!p.message.ends_with('.'), "{entry:?}");
        assert!(p.offset + p.len <= entry.len(), "{entry:?}");
    }
}
