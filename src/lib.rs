//! wazo-plugin: lint, scaffold, build, package and test Wazo plugins.
//!
//! The binary (src/main.rs with src/cli/) is a thin layer over this library: the command line,
//! the language server and the tests call the same functions. The library never prints and
//! never depends on the command line.

pub mod confd;
pub mod debian;
pub mod diagnostic;
pub mod dialplan;
pub mod fix;
pub mod lint;
pub mod lsp;
pub mod pipeline;
pub mod plugin;
pub mod python;
pub mod report;
pub mod scaffold;
pub mod schema;
pub mod shell;
pub mod source;
pub mod urls;
pub mod wazo;
pub mod wazo_version;
pub mod yaml11;
