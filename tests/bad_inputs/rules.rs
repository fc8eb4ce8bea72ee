//! Malformed wazo/rules scripts: syntax, dispatch, interpreters, encodings, sizes.

use std::path::{Path, PathBuf};

use crate::{Case, rules, with_rules};

pub const CASES: &[Case] = &[
    rules!("case without esac", b"#!/bin/sh\ncase \"$1\" in\n  build) ;;\n", "WP300"),
    rules!("unterminated double quote", b"#!/bin/sh\necho \"hello\ncase \"$1\" in *) exit 1;; esac\n", "WP300"),
    rules!(
        "thirty unclosed subshells (took 23 s)",
        b"#!/bin/bash\n((((((((((((((((((((((((((((((x\n",
        "WP300"
    ),
    rules!("if without fi", b"#!/bin/sh\nif true; then\n  echo x\n", "WP300"),
    rules!("stray done", b"#!/bin/sh\ndone\n", "WP300"),
    Case {
        name: "too deeply nested",
        build: nested,
        code: "WP300",
    },
    rules!(
        "install arm missing",
        b"#!/bin/sh\ncase \"$1\" in\n  build|package|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n",
        "WP301"
    ),
    rules!("empty script", b"", "WP307"),
    rules!("no shebang", b"case \"$1\" in\n  build|package|install|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n", "WP307"),
    rules!("ruby interpreter", b"#!/usr/bin/ruby\nputs ARGV[0]\n", "WP308"),
    rules!("misspelt env interpreter", b"#!/usr/bin/env bashh\nexit 0\n", "WP308"),
    rules!("CRLF line endings", b"#!/bin/sh\r\ncase \"$1\" in\r\n  build|package|install|uninstall|postrm) ;;\r\n  *) exit 1 ;;\r\nesac\r\n", "WP309"),
    rules!("UTF-8 byte order mark", b"\xef\xbb\xbf#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n", "WP310"),
    rules!(
        "package writes to /etc",
        b"#!/bin/sh\ncase \"$1\" in\n  package) cp x.conf /etc/x.conf ;;\n  build|install|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n",
        "WP311"
    ),
    rules!(
        "pkgdir in install",
        b"#!/bin/sh\ncase \"$1\" in\n  install) ls \"${pkgdir}\" ;;\n  build|package|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n",
        "WP312"
    ),
    rules!(
        "apt-get in install",
        b"#!/bin/sh\ncase \"$1\" in\n  install) apt-get install -y curl ;;\n  build|package|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n",
        "WP314"
    ),
    rules!(
        "variable wazo-plugind never sets",
        b"#!/bin/sh\ncase \"$1\" in\n  package) mkdir -p \"${DESTDIR}/usr\" ;;\n  build|install|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n",
        "WP315"
    ),
    rules!(
        "package creates DEBIAN",
        b"#!/bin/sh\ncase \"$1\" in\n  package) mkdir -p \"${pkgdir}/DEBIAN\" ;;\n  build|install|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n",
        "WP316"
    ),
    // Not UTF-8: read lossily and still analysed.
    rules!("Latin-1 script without install", b"#!/bin/sh\n# caf\xe9\ncase \"$1\" in\n  build|package|uninstall|postrm) echo \"\xe9t\xe9\" ;;\n  *) exit 1 ;;\nesac\n", "WP301"),
    rules!("an ELF binary", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0\xff\xfe", "WP307"),
    Case {
        name: "half a million ! in a test",
        build: bang_run,
        code: "WP300",
    },
    Case {
        name: "huge single line",
        build: huge_line,
        code: "WP301",
    },
    Case {
        name: "ten thousand arms",
        build: many_arms,
        code: "WP301",
    },
];

/// Half a million `!` in a `[[ ]]` test: overflowed the parser thread's 256 MiB stack (exit 134)
/// before the nesting guard counted them.
fn bang_run(dir: &Path) -> PathBuf {
    let text = format!("#!/bin/bash\n[[ {}b ]]\n", "! ".repeat(500_000));
    with_rules(dir, text.as_bytes())
}

/// 300 nested subshells: past the parser's nesting guard.
fn nested(dir: &Path) -> PathBuf {
    let text = format!("#!/bin/sh\n{}{}\n", "(".repeat(300), ")".repeat(300));
    with_rules(dir, text.as_bytes())
}

/// A script of one 900 kB comment line, handling only build.
fn huge_line(dir: &Path) -> PathBuf {
    let text = format!(
        "#!/bin/sh\n# {}\ncase \"$1\" in\n  build) ;;\n  *) exit 1 ;;\nesac\n",
        "x".repeat(900_000)
    );
    with_rules(dir, text.as_bytes())
}

/// A dispatch of 10 000 arms, none of them install.
fn many_arms(dir: &Path) -> PathBuf {
    let mut text = String::from("#!/bin/sh\ncase \"$1\" in\n");
    for i in 0..10_000 {
        text.push_str(&format!("  cmd{i}) ;;\n"));
    }
    text.push_str("  build|package|uninstall|postrm) ;;\n  *) exit 1 ;;\nesac\n");
    with_rules(dir, text.as_bytes())
}
