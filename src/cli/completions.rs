//! `wazo-plugin completions SHELL` and `wazo-plugin man`, generated from the clap definitions.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use super::exit;
use super::lint_io::write_output;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write one page per command (wazo-plugin.1, wazo-plugin-lint.1, ...) into DIR instead of
    /// printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Prints the completion script of `shell`.
pub fn run_completions(args: &CompletionsArgs) -> u8 {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "wazo-plugin", &mut buf);
    write_output(&String::from_utf8_lossy(&buf), None)
}

/// Prints the man page, or writes every command's page into a folder.
pub fn run_man(args: &ManArgs) -> u8 {
    let cmd = super::Cli::command();
    if let Some(dir) = &args.out_dir {
        let result = std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir));
        return match result {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!(
                    "error: cannot write the man pages into {}: {e}",
                    dir.display()
                );
                exit::USAGE
            }
        };
    }
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut buf) {
        eprintln!("error: cannot render the man page: {e}");
        return exit::INTERNAL;
    }
    write_output(&String::from_utf8_lossy(&buf), None)
}
