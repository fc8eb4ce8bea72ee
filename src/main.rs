//! The wazo-plugin binary. (Minimal version for the scaffold branch; the lead owns this file.)

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "wazo-plugin", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new plugin from a template.
    New(cli::new::NewArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::New(args) => ExitCode::from(cli::new::run(&args)),
    }
}
