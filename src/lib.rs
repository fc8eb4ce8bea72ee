//! wazo-plugin: lint, scaffold, build, package and test Wazo plugins.
//!
//! The binary is a thin layer over this library: the CLI, the language server and the tests
//! call the same functions.

pub mod cli;
pub mod debian;
pub mod diagnostic;
pub mod fix;
pub mod lint;
pub mod lsp;
pub mod pipeline;
pub mod plugin;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod shell;
pub mod source;
pub mod wazo_version;
pub mod yaml11;
