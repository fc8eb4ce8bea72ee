use clap::Parser;
mod cli;

use cli::{Cli, exit, run};

fn main() -> std::process::ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("internal error: wazo-plugin crashed ({info}); please report it");
        std::process::exit(i32::from(exit::INTERNAL));
    }));
    std::process::ExitCode::from(run(Cli::parse()))
}
