//! `wazo-plugin explain CODE`.

use super::exit;
use wazo_plugin::lint::registry;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A check code (WP105) or name (name-invalid).
    #[arg(required_unless_present = "all")]
    pub code: Option<String>,
    /// Print the whole catalogue (docs/checks.md).
    #[arg(long, conflicts_with = "code")]
    pub all: bool,
}

pub fn run(args: &ExplainArgs) -> u8 {
    let Some(code) = &args.code else {
        print!("{}", wazo_plugin::lint::catalogue::markdown());
        return exit::OK;
    };
    match registry::find(code) {
        Some(check) => {
            print!("{}", wazo_plugin::lint::catalogue::explain(check));
            exit::OK
        }
        None => {
            eprintln!(
                "error: unknown check `{}`; `wazo-plugin lint --list-rules` lists them all",
                code
            );
            exit::USAGE
        }
    }
}
