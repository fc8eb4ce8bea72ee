//! `wazo-plugin completions SHELL` and `wazo-plugin man`, generated from the clap definitions.
//!
//! The completion scripts are clap_complete's, from a copy of the command line that also knows
//! the values only the program knows: the shipped template names for `new --template` and the
//! check codes for `explain`. The bash script is then repaired: for a binary whose name has a
//! hyphen, clap_complete names the state of each subcommand one way where it sets it
//! (`wazo__plugin__subcmd__lint`) and another way in the arms that read it
//! (`wazo__subcmd__plugin__subcmd__lint`), so nothing after the subcommand was ever completed.

use std::path::PathBuf;

use clap::CommandFactory;
use clap::builder::PossibleValuesParser;
use clap_complete::Shell;

use super::exit;
use super::lint_io::write_output;

/// The binary's name, as the shells see it.
const BIN: &str = "wazo-plugin";

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

/// The command line as the completion scripts see it: with the template names and check codes
/// as the values of `new --template` and `explain CODE`. (Only for completion: `--template`
/// also takes a folder, and `explain` a check's name.)
fn completion_command() -> clap::Command {
    let templates = wazo_plugin::scaffold::builtin_names();
    let codes: Vec<&'static str> = wazo_plugin::lint::registry::checks()
        .map(|c| c.code)
        .collect();
    super::Cli::command()
        .mut_subcommand("new", |c| {
            c.mut_arg("template", |a| {
                a.value_parser(PossibleValuesParser::new(templates))
            })
        })
        .mut_subcommand("explain", |c| {
            c.mut_arg("code", |a| a.value_parser(PossibleValuesParser::new(codes)))
        })
}

/// The completion script of `shell`.
pub fn script(shell: Shell) -> String {
    let mut cmd = completion_command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    match shell {
        Shell::Bash => repair_bash(&text),
        Shell::Fish => text + &fish_codes(),
        _ => text,
    }
}

/// clap_complete's fish script completes no positional value: the codes of `explain`, each
/// with its summary.
fn fish_codes() -> String {
    let condition = format!("__fish_{}_using_subcommand explain", BIN.replace('-', "_"));
    let mut out = String::new();
    for c in wazo_plugin::lint::registry::checks() {
        out.push_str(&format!(
            "complete -c {BIN} -n \"{condition}\" -f -a {} -d {}\n",
            fish_quote(c.code),
            fish_quote(c.summary)
        ));
    }
    out
}

/// A fish single-quoted word.
fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Gives the `case "${cmd}"` arms of clap_complete's bash script the names its word loop sets.
fn repair_bash(text: &str) -> String {
    let fn_name = BIN.replace('-', "__");
    let wrong = BIN.replace('-', "__subcmd__");
    text.replace(
        &format!("{wrong}__subcmd__"),
        &format!("{fn_name}__subcmd__"),
    )
}

/// Prints the completion script of `shell`.
pub fn run_completions(args: &CompletionsArgs) -> u8 {
    write_output(&script(args.shell), None)
}

/// The command line as the man pages document it: without clap's `help` subcommand, which has
/// no page of its own (`--help` is documented on every page).
fn man_command() -> clap::Command {
    super::Cli::command().disable_help_subcommand(true)
}

/// Prints the man page, or writes every command's page into a folder.
pub fn run_man(args: &ManArgs) -> u8 {
    let cmd = man_command();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_arms_match_the_states_the_loop_sets() {
        let text = script(Shell::Bash);
        assert!(!text.contains("wazo__subcmd__plugin"), "{text}");
        for line in text.lines() {
            let Some(state) = line.trim().strip_prefix("cmd=\"") else {
                continue;
            };
            let state = state.trim_end_matches('"');
            if state.is_empty() {
                continue;
            }
            assert!(
                text.contains(&format!("\n        {state})\n")),
                "no arm for {state}"
            );
        }
    }
}
