//! Tests of the shell model: parsing, dispatch, commands, expansions, shellcheck.

mod command_tests;
mod dispatch_tests;
mod parse_tests;
mod shellcheck_tests;

use super::{Dispatch, Script, Table, dispatch, parse};

/// Parses a script that must parse.
fn script(text: &str) -> Script {
    match parse(text) {
        Ok(s) => s,
        Err(e) => panic!("parse failed: {e:?}\n{text}"),
    }
}

/// The dispatch table of a script that must have one.
fn table(text: &str) -> Table {
    match dispatch(&script(text)) {
        Dispatch::Known(t) => t,
        other => panic!("no dispatch ({other:?}) in\n{text}"),
    }
}

/// The seed's helloworld rules script.
const HELLOWORLD: &str = r#"#!/bin/sh

case "$1" in
    build)
        ;;
    package)
        mkdir -p ${pkgdir}/etc/asterisk/extensions_extra.d
        cp helloworld.conf ${pkgdir}/etc/asterisk/extensions_extra.d/
        ;;
    install)
        asterisk -x 'dialplan reload'
        ;;
    uninstall)
        ;;
    *)
        echo "$0 called with unknown argument '$1'" >&2
        exit 1
        ;;
esac
"#;
