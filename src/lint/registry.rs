//! Every check, listed once. `explain`, `--list-rules`, docs/checks.md and the engine read this
//! list; registry-wide tests check every entry.

use super::check::Check;
use super::layout as l;
use super::manifest::{self as m, ManifestCx};
use super::meta as x;
use super::rules_script::{self as r, RulesCx};
use super::shipped::{self as s, ShippedCx};
use crate::diagnostic::Diagnostic;
use crate::plugin::load::Plugin;

/// How a check runs.
#[derive(Clone, Copy)]
pub enum Run {
    /// On the parsed plugin.yml mapping.
    Manifest(fn(&ManifestCx, &mut Vec<Diagnostic>)),
    /// On the plugin folder.
    Layout(fn(&Plugin, &mut Vec<Diagnostic>)),
    /// On wazo/rules, read and parsed.
    Rules(fn(&RulesCx, &mut Vec<Diagnostic>)),
    /// On what the plugin ships (conf.d, dialplan, Python packaging) and the target release.
    Shipped(fn(&ShippedCx, &mut Vec<Diagnostic>)),
    /// Emitted while reading a file (syntax errors and the like), not run on its own.
    Emitted,
}

/// A check and how it runs.
pub struct Rule {
    pub check: &'static Check,
    pub run: Run,
}

const fn rule(check: &'static Check, run: Run) -> Rule {
    Rule { check, run }
}

use Run::{Emitted, Layout, Manifest, Rules, Shipped};

/// All checks, in code order.
pub static RULES: &[Rule] = &[
    rule(&m::yaml_syntax::CHECK, Emitted),
    rule(&m::duplicate_key::CHECK, Manifest(m::duplicate_key::run)),
    rule(&m::manifest_empty::CHECK, Emitted),
    rule(&m::manifest_not_mapping::CHECK, Emitted),
    rule(
        &m::required_field_missing::CHECK,
        Manifest(m::required_field_missing::run),
    ),
    rule(&m::name_invalid::CHECK, Manifest(m::name_invalid::run)),
    rule(
        &m::namespace_invalid::CHECK,
        Manifest(m::namespace_invalid::run),
    ),
    rule(
        &m::version_invalid::CHECK,
        Manifest(m::version_invalid::run),
    ),
    rule(&m::number_mangled::CHECK, Manifest(m::number_mangled::run)),
    rule(&m::yaml11_trap::CHECK, Manifest(m::yaml11_trap::run)),
    rule(&m::field_type::CHECK, Manifest(m::field_type::run)),
    rule(
        &m::format_version_invalid::CHECK,
        Manifest(m::format_version_invalid::run),
    ),
    rule(
        &m::format_version_2::CHECK,
        Manifest(m::format_version_2::run),
    ),
    rule(
        &m::format_version_string::CHECK,
        Manifest(m::format_version_string::run),
    ),
    rule(
        &m::depends_invalid::CHECK,
        Manifest(m::depends_invalid::run),
    ),
    rule(
        &m::depends_extra_key::CHECK,
        Manifest(m::depends_extra_key::run),
    ),
    rule(
        &m::depends_core_service::CHECK,
        Manifest(m::depends_core_service::run),
    ),
    rule(
        &m::debian_depends_string::CHECK,
        Manifest(m::debian_depends_string::run),
    ),
    rule(
        &m::debian_depends_invalid::CHECK,
        Manifest(m::debian_depends_invalid::run),
    ),
    rule(
        &m::wazo_version_invalid::CHECK,
        Manifest(m::wazo_version_invalid::run),
    ),
    rule(
        &m::wazo_version_range::CHECK,
        Manifest(m::wazo_version_range::run),
    ),
    rule(&m::unknown_key::CHECK, Manifest(m::unknown_key::run)),
    rule(
        &m::market_field_type::CHECK,
        Manifest(m::market_field_type::run),
    ),
    rule(
        &l::wazo_dir_missing::CHECK,
        Layout(l::wazo_dir_missing::run),
    ),
    rule(
        &l::manifest_missing::CHECK,
        Layout(l::manifest_missing::run),
    ),
    rule(&l::rules_missing::CHECK, Layout(l::rules_missing::run)),
    rule(&l::pkg_dir_present::CHECK, Layout(l::pkg_dir_present::run)),
    rule(&l::file_unreadable::CHECK, Layout(l::file_unreadable::run)),
    rule(&l::file_not_utf8::CHECK, Layout(l::file_not_utf8::run)),
    rule(&l::file_too_large::CHECK, Layout(l::file_too_large::run)),
    rule(
        &l::manifest_executable::CHECK,
        Layout(l::manifest_executable::run),
    ),
    rule(&l::symlink_outside::CHECK, Layout(l::symlink_outside::run)),
    rule(&r::rules_syntax::CHECK, Emitted),
    rule(&r::command_missing::CHECK, Rules(r::command_missing::run)),
    rule(&r::postrm_ignored::CHECK, Rules(r::postrm_ignored::run)),
    rule(
        &r::default_arm_missing::CHECK,
        Rules(r::default_arm_missing::run),
    ),
    rule(
        &r::default_arm_succeeds::CHECK,
        Rules(r::default_arm_succeeds::run),
    ),
    rule(&r::dispatch_unknown::CHECK, Rules(r::dispatch_unknown::run)),
    rule(
        &r::rules_not_executable::CHECK,
        Rules(r::rules_not_executable::run),
    ),
    rule(&r::shebang_missing::CHECK, Rules(r::shebang_missing::run)),
    rule(
        &r::interpreter_unknown::CHECK,
        Rules(r::interpreter_unknown::run),
    ),
    rule(
        &r::crlf_line_endings::CHECK,
        Rules(r::crlf_line_endings::run),
    ),
    rule(&r::utf8_bom::CHECK, Rules(r::utf8_bom::run)),
    rule(
        &r::pkgdir_write_outside::CHECK,
        Rules(r::pkgdir_write_outside::run),
    ),
    rule(
        &r::pkgdir_outside_package::CHECK,
        Rules(r::pkgdir_outside_package::run),
    ),
    rule(&r::sudo_used::CHECK, Rules(r::sudo_used::run)),
    rule(
        &r::dpkg_in_maintainer_script::CHECK,
        Rules(r::dpkg_in_maintainer_script::run),
    ),
    rule(&r::unset_variable::CHECK, Rules(r::unset_variable::run)),
    rule(
        &r::pkgdir_reserved_path::CHECK,
        Rules(r::pkgdir_reserved_path::run),
    ),
    rule(
        &r::commands_not_handled::CHECK,
        Rules(r::commands_not_handled::run),
    ),
    rule(&r::bashism::CHECK, Rules(r::bashism::run)),
    rule(
        &r::python_unversioned::CHECK,
        Rules(r::python_unversioned::run),
    ),
    rule(&r::download_execute::CHECK, Rules(r::download_execute::run)),
    rule(
        &r::install_not_idempotent::CHECK,
        Rules(r::install_not_idempotent::run),
    ),
    rule(
        &r::removes_unshipped::CHECK,
        Rules(r::removes_unshipped::run),
    ),
    rule(
        &s::entry_point_group_unknown::CHECK,
        Shipped(s::entry_point_group_unknown::run),
    ),
    rule(
        &s::entry_point_group_legacy::CHECK,
        Shipped(s::entry_point_group_legacy::run),
    ),
    rule(
        &s::entry_point_target_invalid::CHECK,
        Shipped(s::entry_point_target_invalid::run),
    ),
    rule(
        &s::entry_point_module_missing::CHECK,
        Shipped(s::entry_point_module_missing::run),
    ),
    rule(
        &s::api_spec_missing::CHECK,
        Shipped(s::api_spec_missing::run),
    ),
    rule(
        &s::entry_point_not_enabled::CHECK,
        Shipped(s::entry_point_not_enabled::run),
    ),
    rule(
        &s::enabled_name_unknown::CHECK,
        Shipped(s::enabled_name_unknown::run),
    ),
    rule(
        &s::service_not_restarted::CHECK,
        Shipped(s::service_not_restarted::run),
    ),
    rule(
        &s::auth_keys_not_updated::CHECK,
        Shipped(s::auth_keys_not_updated::run),
    ),
    rule(
        &s::asterisk_not_reloaded::CHECK,
        Shipped(s::asterisk_not_reloaded::run),
    ),
    rule(
        &s::packaging_syntax::CHECK,
        Shipped(s::packaging_syntax::run),
    ),
    rule(
        &s::confd_service_unknown::CHECK,
        Shipped(s::confd_service_unknown::run),
    ),
    rule(
        &s::confd_file_ignored::CHECK,
        Shipped(s::confd_file_ignored::run),
    ),
    rule(
        &s::confd_yaml_invalid::CHECK,
        Shipped(s::confd_yaml_invalid::run),
    ),
    rule(
        &s::confd_enabled_shape::CHECK,
        Shipped(s::confd_enabled_shape::run),
    ),
    rule(
        &s::confd_enabled_not_boolean::CHECK,
        Shipped(s::confd_enabled_not_boolean::run),
    ),
    rule(
        &s::confd_key_unknown::CHECK,
        Shipped(s::confd_key_unknown::run),
    ),
    rule(
        &s::confd_shadowed_by_wazo::CHECK,
        Shipped(s::confd_shadowed_by_wazo::run),
    ),
    rule(
        &s::dialplan_outside_context::CHECK,
        Shipped(s::dialplan_outside_context::run),
    ),
    rule(&s::dialplan_syntax::CHECK, Shipped(s::dialplan_syntax::run)),
    rule(
        &s::dialplan_priority_duplicate::CHECK,
        Shipped(s::dialplan_priority_duplicate::run),
    ),
    rule(
        &s::dialplan_target_unknown::CHECK,
        Shipped(s::dialplan_target_unknown::run),
    ),
    rule(
        &s::dialplan_hook_no_return::CHECK,
        Shipped(s::dialplan_hook_no_return::run),
    ),
    rule(
        &s::dialplan_backup_file::CHECK,
        Shipped(s::dialplan_backup_file::run),
    ),
    rule(
        &s::wazo_version_excluded::CHECK,
        Shipped(s::wazo_version_excluded::run),
    ),
    rule(
        &s::wazo_version_unknown::CHECK,
        Shipped(s::wazo_version_unknown::run),
    ),
    rule(
        &s::version_not_bumped::CHECK,
        Shipped(s::version_not_bumped::run),
    ),
    rule(&s::depends_cycle::CHECK, Emitted),
    rule(&x::shellcheck_missing::CHECK, Emitted),
    rule(&x::shellcheck_failed::CHECK, Emitted),
    rule(&x::suppression_unknown::CHECK, Emitted),
    rule(&x::suppression_unused::CHECK, Emitted),
    rule(&x::path_missing::CHECK, Emitted),
    rule(&x::path_skipped::CHECK, Emitted),
    rule(&x::shellcheck_directive_unused::CHECK, Emitted),
];

/// The check with this code (case-insensitive), or with this slug.
pub fn find(code: &str) -> Option<&'static Check> {
    RULES
        .iter()
        .map(|r| r.check)
        .find(|c| c.code.eq_ignore_ascii_case(code) || c.slug == code)
}

/// Every check, in code order.
pub fn checks() -> impl Iterator<Item = &'static Check> {
    RULES.iter().map(|r| r.check)
}
