//! `wazo-plugin explain CODE`.

use super::exit;
use crate::lint::check::Check;
use crate::lint::registry;

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
        print!("{}", crate::lint::catalogue::markdown());
        return exit::OK;
    };
    match registry::find(code) {
        Some(check) => {
            print!("{}", explain(check));
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

/// The documentation of a check, as Markdown: the same text as its section of docs/checks.md.
pub fn explain(check: &Check) -> String {
    let example_lang = match check.family {
        crate::lint::check::Family::Manifest => "yaml",
        crate::lint::check::Family::Rules => "sh",
        _ => "text",
    };
    format!(
        "## {code} {slug}\n\n{summary}. Default severity: {severity}.\n\n\
         ### Why is this bad?\n\n{why}\n\n\
         ### Example\n\n```{lang}\n{example}```\n\n\
         ### Use instead\n\n```{lang}\n{fixed}```\n",
        code = check.code,
        slug = check.slug,
        summary = check.summary,
        severity = check.severity,
        why = check.why,
        lang = example_lang,
        example = check.example,
        fixed = check.fixed,
    )
}
