//! The declaration of a check: its code, name, default severity and documentation, in one place.
//! `explain`, `lint --list-rules` and docs/checks.md are all generated from these declarations.

use crate::diagnostic::Severity;

/// Where the documentation of every check lives.
pub const DOCS_URL: &str = crate::urls::CHECKS_DOCS;

/// The family a check belongs to; its codes share a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// WP1xx: wazo/plugin.yml.
    Manifest,
    /// WP2xx: the plugin folder.
    Layout,
    /// WP3xx: wazo/rules.
    Rules,
    /// WP4xx: what the plugin ships and how Wazo loads it: Python entry points, their wiring
    /// through conf.d, the restarts and reloads that make them take effect.
    Shipped,
    /// WP5xx: the conf.d files the plugin ships for Wazo services.
    Confd,
    /// WP6xx: the Asterisk dialplan files the plugin ships.
    Dialplan,
    /// WP7xx: releases: the Wazo release the plugin targets (`lint --wazo-version`), its own
    /// version (`lint --since`), its dependencies.
    Release,
    /// WP9xx: the linter itself (suppressions, tools).
    Meta,
}

impl Family {
    pub fn title(self) -> &'static str {
        match self {
            Family::Manifest => "plugin.yml",
            Family::Layout => "Plugin layout",
            Family::Rules => "The rules script",
            Family::Shipped => "What the plugin ships: Python entry points, wiring, restarts",
            Family::Confd => "conf.d files",
            Family::Dialplan => "Asterisk dialplan",
            Family::Release => {
                "Releases: the target Wazo release, the plugin's version, dependencies"
            }
            Family::Meta => "The linter itself",
        }
    }

    /// The first code of the family's range.
    pub fn base(self) -> u16 {
        match self {
            Family::Manifest => 100,
            Family::Layout => 200,
            Family::Rules => 300,
            Family::Shipped => 400,
            Family::Confd => 500,
            Family::Dialplan => 600,
            Family::Release => 700,
            Family::Meta => 900,
        }
    }
}

/// A check, declared once.
#[derive(Debug)]
pub struct Check {
    /// Stable code, e.g. `WP105`. Never reused once released.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `name-invalid`.
    pub slug: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// One line: what the check finds.
    pub summary: &'static str,
    /// Why it matters, in a few sentences.
    pub why: &'static str,
    /// A file that triggers the check (plugin.yml for WP1xx, rules for WP3xx, a tree for WP2xx).
    pub example: &'static str,
    /// The same file, fixed.
    pub fixed: &'static str,
}

impl crate::diagnostic::Rule for Check {
    fn code(&self) -> &'static str {
        self.code
    }

    fn default_severity(&self) -> Severity {
        self.severity
    }

    fn url(&self) -> String {
        Check::url(self)
    }
}

impl Check {
    /// The URL of the check's section in the catalogue.
    pub fn url(&self) -> String {
        format!(
            "{DOCS_URL}#{}-{}",
            self.code.to_ascii_lowercase(),
            self.slug
        )
    }
}
