//! wazo-plugin: lint, scaffold, build, package and test Wazo plugins.
//!
//! The binary is a thin layer over this library: the CLI, the language server and the tests
//! call the same functions.

pub mod plugin;
pub mod shell;
