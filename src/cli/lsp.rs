//! `wazo-plugin lsp`: the language server, over stdio.

use super::exit;

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: &LspArgs) -> u8 {
    match wazo_plugin::lsp::run_stdio() {
        // `exit` after `shutdown`: 0; `exit` without it, or the input closed: 1.
        Ok(true) => exit::OK,
        Ok(false) => exit::FAILED,
        Err(e) => {
            eprintln!("error: language server: {e}");
            exit::FAILED
        }
    }
}
