//! The command line: argument parsing and the mapping of results to exit codes. Each command's
//! arguments and runner live in a file of their own.

pub mod baseline;
pub mod completions;
pub mod explain;
pub mod lint;
pub mod lint_io;
pub mod lsp;
pub mod new;
pub mod pipeline;
pub mod schema;

use clap::{Parser, Subcommand};

/// Exit codes, the same for every command and output format.
pub mod exit {
    /// Nothing to report.
    pub const OK: u8 = 0;
    /// Findings (errors, or warnings with --strict), or a failed step.
    pub const FAILED: u8 = 1;
    /// A usage or configuration error.
    pub const USAGE: u8 = 2;
    /// A bug in wazo-plugin.
    pub const INTERNAL: u8 = 3;
}

/// Lint, scaffold, build, package and test Wazo plugins on your own machine.
#[derive(Debug, Parser)]
#[command(name = "wazo-plugin", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plugin.yml, the rules script and the plugin layout.
    Lint(lint::LintArgs),
    /// Show the documentation of a check.
    Explain(explain::ExplainArgs),
    /// Create a plugin from a template.
    New(new::NewArgs),
    /// Run `wazo/rules build` in a fresh copy of the plugin.
    Build(pipeline::BuildArgs),
    /// Build and package the plugin into a .deb, as wazo-plugind does.
    Package(pipeline::PackageArgs),
    /// Build, package and install into a local prefix.
    Install(pipeline::InstallArgs),
    /// Remove an installed plugin from a local prefix.
    Uninstall(pipeline::UninstallArgs),
    /// The whole lifecycle in a throwaway prefix, with a report of what was left behind.
    Test(pipeline::TestArgs),
    /// Print the JSON Schema of wazo/plugin.yml (for editors' YAML support).
    Schema(schema::SchemaArgs),
    /// Run the language server over stdio (diagnostics, fixes and docs in editors).
    Lsp(lsp::LspArgs),
    /// Print a shell completion script.
    Completions(completions::CompletionsArgs),
    /// Print the man page, or write one per command with --out-dir.
    Man(completions::ManArgs),
}

/// Runs the parsed command and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Lint(args) => lint::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::New(args) => new::run(&args),
        Command::Build(a) => pipeline::run_build(&a, &lint::errors_before_pipeline),
        Command::Package(a) => pipeline::run_package(&a, &lint::errors_before_pipeline),
        Command::Install(a) => pipeline::run_install(&a, &lint::errors_before_pipeline),
        Command::Uninstall(a) => pipeline::run_uninstall(&a, &lint::errors_before_pipeline),
        Command::Test(a) => pipeline::run_test(&a, &lint::errors_before_pipeline),
        Command::Schema(a) => schema::run(&a),
        Command::Lsp(a) => lsp::run(&a),
        Command::Completions(a) => completions::run_completions(&a),
        Command::Man(a) => completions::run_man(&a),
    }
}

/// Whether stdout is a terminal that wants colour (`NO_COLOR` unset or empty).
pub fn color_wanted() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
