//! WP500 confd-service-unknown.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo::{did_you_mean, services};

pub const CHECK: Check = Check {
    code: "WP500",
    slug: "confd-service-unknown",
    family: Family::Confd,
    severity: Severity::Warning,
    summary: "A conf.d file goes to /etc/<service>/conf.d of no Wazo service (or of an old name)",
    why: "Each Wazo service reads /etc/<its name>/conf.d only. A file under an old name \
          (xivo-ctid-ng, renamed wazo-calld in 19.12) or a misspelt one is read by nobody. Old \
          names are errors; other unknown wazo-/xivo- names are warnings, as the list of services \
          may miss one.",
    example: "etc/xivo-ctid-ng/conf.d/50-x.yml:\nenabled_plugins:\n  x: true\n",
    fixed: "etc/wazo-calld/conf.d/50-x.yml:\nenabled_plugins:\n  x: true\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    let mut seen = Vec::new();
    for c in &cx.confd {
        let s = c.service.as_str();
        if services::service(s).is_some() || seen.contains(&s) {
            continue;
        }
        if let Some((old, new, release)) = services::legacy_service(s) {
            seen.push(s);
            out.push(
                cx.about(
                    &CHECK,
                    c.file,
                    None,
                    None,
                    format!(
                        "{old} was renamed {new} in Wazo {release}: nothing reads {}",
                        c.file.path
                    ),
                )
                .severity(Severity::Error)
                .help(format!("ship it as /etc/{new}/conf.d/{}", c.name)),
            );
            continue;
        }
        if !(s.starts_with("wazo") || s.starts_with("xivo")) {
            continue; // nginx, fail2ban, ... are not Wazo's
        }
        seen.push(s);
        let mut d = cx.about(
            &CHECK,
            c.file,
            None,
            None,
            format!("{s} is not a Wazo service: nothing reads {}", c.file.path),
        );
        if let Some(m) = did_you_mean(s, services::SERVICES.iter().map(|x| x.name)) {
            d = d.help(format!("did you mean {m}?"));
        }
        out.push(d);
    }
}
