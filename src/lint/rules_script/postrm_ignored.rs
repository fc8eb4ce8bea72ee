//! WP302 postrm-ignored.

use super::{POSTRM, RulesCx};
use crate::diagnostic::{Diagnostic, FixAction, Severity};
use crate::lint::check::{Check, Family};
use crate::plugin::load::MANIFEST;

pub const CHECK: Check = Check {
    code: "WP302",
    slug: "postrm-ignored",
    family: Family::Rules,
    severity: Severity::Warning,
    summary: "The rules script handles postrm but plugin_format_version is 0, so it never runs",
    why: "wazo-plugind's postrm maintainer script calls `rules postrm` only when \
          plugin_format_version is 1 or more. With the default 0, the postrm arm is dead code \
          and whatever it cleans up stays on the server. An empty arm (`postrm) ;;`, or one that \
          only runs `:` or `true`) changes nothing either way and gets no finding.",
    example: "#!/bin/sh\n# plugin.yml has no plugin_format_version\ncase \"$1\" in\n    build|package|install|uninstall)\n        ;;\n    postrm)\n        rm -f /etc/wazo-calld/conf.d/50-myplugin.yml\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
    fixed: "#!/bin/sh\n# plugin.yml sets plugin_format_version: 1\ncase \"$1\" in\n    build|package|install|uninstall)\n        ;;\n    postrm)\n        rm -f /etc/wazo-calld/conf.d/50-myplugin.yml\n        ;;\n    *)\n        exit 1\n        ;;\nesac\n",
};

pub fn run(cx: &RulesCx, out: &mut Vec<Diagnostic>) {
    let (Some(table), Some(manifest)) = (cx.table, cx.manifest) else {
        return;
    };
    if manifest.format_version != Some(0) {
        return;
    }
    let Some(arm) = table.arm_for(POSTRM) else {
        return;
    };
    if super::arm_does_nothing(cx, arm) {
        return;
    }
    let span = arm
        .patterns
        .iter()
        .find(|p| p.matches(POSTRM))
        .map_or(arm.span.clone(), |p| p.span.clone());
    let edit = match &manifest.format_version_span {
        Some(value) if !value.is_empty() => FixAction::Edit {
            file: MANIFEST.into(),
            span: value.clone(),
            replacement: "1".into(),
        },
        _ => FixAction::Edit {
            file: MANIFEST.into(),
            span: manifest.len..manifest.len,
            replacement: format!(
                "{}plugin_format_version: 1\n",
                if manifest.ends_with_newline || manifest.len == 0 {
                    ""
                } else {
                    "\n"
                }
            ),
        },
    };
    out.push(
        cx.diag(
            &CHECK,
            "`postrm` is handled but never called: plugin_format_version is 0",
        )
        .at(span, Some("never runs with format version 0".to_string()))
        .help("set `plugin_format_version: 1` in wazo/plugin.yml")
        .fix("set plugin_format_version: 1", vec![edit])
        // postrm starts running on uninstall: the plugin's behaviour changes.
        .unsafe_fix(),
    );
}
