//! The project's public URLs, all derived from Cargo.toml's `repository` (the raw files' base
//! by build.rs), so that the docs links, the schema URL and the pre-commit `repo:` agree. A
//! test (tests/urls.rs) checks that the docs and the hooks file name the same ones.

/// The source repository (Cargo.toml's `repository`), also the pre-commit `repo:`.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The documentation of every check.
pub const CHECKS_DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/checks.md");

/// The published JSON Schema of plugin.yml (docs/plugin.schema.json, served raw).
pub const SCHEMA: &str = concat!(env!("WAZO_PLUGIN_RAW_BASE"), "/docs/plugin.schema.json");
