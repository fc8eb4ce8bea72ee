//! WP120 wazo-version-range.

use super::ManifestCx;
use super::typing::version_string;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::wazo_version::check_wazo_version;

pub const CHECK: Check = Check {
    code: "WP120",
    slug: "wazo-version-range",
    family: Family::Manifest,
    severity: Severity::Error,
    summary: "min_wazo_version is above max_wazo_version",
    why: "No Wazo version satisfies both bounds, so wazo-plugind refuses the plugin everywhere.",
    example: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nmin_wazo_version: \"24.01\"\nmax_wazo_version: \"23.05\"\n",
    fixed: "name: helloworld\nnamespace: demo\nversion: 0.0.1\nmin_wazo_version: \"23.05\"\nmax_wazo_version: \"24.01\"\n",
};

pub fn run(cx: &ManifestCx, out: &mut Vec<Diagnostic>) {
    let (Some(min), Some(max)) = (cx.get("min_wazo_version"), cx.get("max_wazo_version")) else {
        return;
    };
    let (Some(min_s), Some(max_s)) = (version_string(&min.value), version_string(&max.value))
    else {
        return;
    };
    let (Ok(lo), Ok(hi)) = (check_wazo_version(&min_s), check_wazo_version(&max_s)) else {
        return;
    };
    if lo > hi {
        out.push(
            cx.diag(
                &CHECK,
                format!("min_wazo_version {min_s} is above max_wazo_version {max_s}"),
            )
            .at(min.value.span.clone(), Some("the lower bound".to_string()))
            .also(max.value.span.clone(), "is above the upper bound")
            .help("swap them, or correct the one that is wrong"),
        );
    }
}
