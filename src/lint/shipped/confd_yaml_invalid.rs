//! WP502 confd-yaml-invalid.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};

pub const CHECK: Check = Check {
    code: "WP502",
    slug: "confd-yaml-invalid",
    family: Family::Confd,
    severity: Severity::Error,
    summary: "A conf.d file is not valid YAML, or not a mapping",
    why: "A Wazo service drops a conf.d file it cannot parse, prints the error to stderr and \
          starts without it (`xivo/config_helper.py`): every setting in it is lost, silently. A \
          file that parses to a list or a scalar breaks the merge of the configuration.",
    example: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: true\n   y: true\n",
    fixed: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: true\n  y: true\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for c in &cx.confd {
        let Some((loaded, parsed)) = &c.loaded else {
            continue;
        };
        if crate::confd::skipped_because(&c.name).is_some() {
            continue;
        }
        if let Some(e) = &parsed.error
            && !lenient_in_pyyaml(&loaded.text, e)
        {
            out.push(
                cx.about(
                    &CHECK,
                    c.file,
                    Some(loaded),
                    Some(e.span.clone()),
                    format!("{} drops {}: {}", c.service, c.file.path, e.message),
                )
                .help("fix the YAML: the service starts without this file otherwise"),
            );
        } else if let Some(root) = &parsed.root
            && !matches!(root.kind, crate::plugin::yaml::NodeKind::Map(_))
        {
            out.push(cx.about(
                &CHECK,
                c.file,
                Some(loaded),
                Some(root.span.clone()),
                format!(
                    "{} holds {}, not a mapping of settings",
                    c.file.path,
                    root.type_name()
                ),
            ));
        }
    }
}

/// saphyr refuses a flow collection whose closing bracket sits at its key's indentation
/// (`scope: [` ... `]` at column 2), which PyYAML reads: not reported (seen in a real plugin).
fn lenient_in_pyyaml(text: &str, e: &crate::plugin::yaml::YamlError) -> bool {
    if !e.message.contains("indentation") {
        return false;
    }
    let before = text.get(..e.span.start.min(text.len())).unwrap_or("");
    let open = before.matches(['[', '{']).count();
    let close = before.matches([']', '}']).count();
    open > close
}
