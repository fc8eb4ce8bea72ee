//! Command-line interface. (Minimal version on the pipeline branch; the lead's replaces it.)

pub mod pipeline;

use clap::{Parser, Subcommand};

/// Lint, scaffold, build, package and test Wazo plugins.
#[derive(Debug, Parser)]
#[command(name = "wazo-plugin", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run `wazo/rules build` in a fresh copy of the plugin.
    Build(pipeline::BuildArgs),
    /// Build and package the plugin into a .deb as wazo-plugind does.
    Package(pipeline::PackageArgs),
    /// Build, package and install into a local prefix.
    Install(pipeline::InstallArgs),
    /// Remove an installed plugin from a local prefix.
    Uninstall(pipeline::UninstallArgs),
    /// The whole lifecycle in a throwaway prefix, with a report.
    Test(pipeline::TestArgs),
}

/// Runs the parsed command and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    // TODO(lead): wire the linter here: true when the plugin has lint errors.
    let lint = |_: &std::path::Path| false;
    match &cli.command {
        Command::Build(a) => pipeline::run_build(a, &lint),
        Command::Package(a) => pipeline::run_package(a, &lint),
        Command::Install(a) => pipeline::run_install(a, &lint),
        Command::Uninstall(a) => pipeline::run_uninstall(a, &lint),
        Command::Test(a) => pipeline::run_test(a, &lint),
    }
}
