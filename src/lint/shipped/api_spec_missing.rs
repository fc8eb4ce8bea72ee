//! WP404 api-spec-missing.

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::python::{module_file, valid_target};
use crate::wazo::services;

pub const CHECK: Check = Check {
    code: "WP404",
    slug: "api-spec-missing",
    family: Family::Shipped,
    severity: Severity::Info,
    summary: "An HTTP plugin's api.yml is not listed as package data, so the package leaves it out",
    why: "wazo-calld, wazo-confd, wazo-auth, wazo-chatd and wazo-call-logd serve their OpenAPI \
          specification from the `api.yml` of each plugin's package \
          (`xivo/rest_api_helpers.py:59-74`); a missing file is only a debug log, and the \
          plugin's routes are missing from the API documentation. Wazo's services list it as \
          package data (`'*/api.yml'`), or the wheel leaves it out.",
    example: "my_x/plugin.py\nmy_x/api.yml\nsetup.py:\nsetup(entry_points={'wazo_calld.plugins': ['x = my_x.plugin:Plugin']})\n",
    fixed: "my_x/plugin.py\nmy_x/api.yml\nsetup.py:\nsetup(package_data={'my_x': ['api.yml']}, entry_points={'wazo_calld.plugins': ['x = my_x.plugin:Plugin']})\n",
};

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    let Some(root) = &cx.plugin.root else { return };
    for ep in &cx.packaging.entry_points {
        let Some((_, group)) = services::group(&ep.group) else {
            continue;
        };
        if !group.http() || !valid_target(&ep.target) {
            continue;
        }
        let base = ep.file.parent().unwrap_or(std::path::Path::new(""));
        let Some(module) = module_file(root, base, ep.module()) else {
            continue;
        };
        let Some(dir) = module.parent() else { continue };
        let spec = dir.join("api.yml");
        if !root.join(&spec).is_file() {
            // Plugins without HTTP routes have none, rightly: only hygiene.
            continue;
        }
        let listed = cx.packaging.include_package_data
            || cx.packaging.package_data.iter().any(|p| {
                p.ends_with("api.yml") || p == "*.yml" || p == "*" || p.ends_with("/*.yml")
            });
        if listed {
            continue;
        }
        out.push(
            cx.diag(
                &CHECK,
                &ep.file,
                format!(
                    "{} is not listed as package data: the built package leaves it out",
                    spec.display()
                ),
            )
            .at(ep.span.clone(), None)
            .help("add package_data={'<package>': ['api.yml']} (or include_package_data with a MANIFEST.in)"),
        );
    }
}
