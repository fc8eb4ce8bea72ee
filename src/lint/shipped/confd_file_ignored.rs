//! WP501 confd-file-ignored.

use super::ShippedCx;
use crate::confd::skipped_because;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo::services;

pub const CHECK: Check = Check {
    code: "WP501",
    slug: "confd-file-ignored",
    family: Family::Confd,
    severity: Severity::Error,
    summary: "A conf.d file the service skips: not named *.yml, or named with a leading dot",
    why: "Wazo services read only the files of conf.d whose name ends in `.yml` and does not start \
          with a dot (`xivo-lib-python@b773b7b:xivo/config_helper.py:96-108`): `50-x.yaml` is \
          silently ignored, and so is the setting it carries.",
    example: "etc/wazo-calld/conf.d/50-x.yaml:\nenabled_plugins:\n  x: true\n",
    fixed: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: true\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    for c in &cx.confd {
        if services::service(&c.service).is_none_or(|s| s.name == "wazo-auth-keys") {
            continue;
        }
        let Some(why) = skipped_because(&c.name) else {
            continue;
        };
        let stem = c.name.trim_start_matches('.');
        let stem = stem.strip_suffix(".yaml").unwrap_or(stem);
        out.push(
            cx.about(
                &CHECK,
                c.file,
                None,
                None,
                format!("{} skips {}: {why}", c.service, c.file.path),
            )
            .help(format!("name it {}.yml", stem.trim_end_matches(".yml"))),
        );
    }
}
