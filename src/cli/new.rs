//! `wazo-plugin new`: arguments, prompts on a terminal, and the printed result.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use wazo_plugin::scaffold::{self, DEFAULT_TEMPLATE, Generated, Options, ScaffoldError, Variable};

/// Arguments of `wazo-plugin new`.
#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// Plugin name (a-z, 0-9 and -); also the name of the folder created. Asked for on a
    /// terminal when missing.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// Namespace of the author (a-z and 0-9). Asked for on a terminal when missing.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Template: a shipped one (see --list) or a path to a template folder of your own.
    #[arg(long, short = 't', value_name = "TEMPLATE")]
    pub template: Option<String>,
    /// plugin_format_version of the plugin: 1 (default, calls `rules postrm`) or 0.
    #[arg(long, value_name = "N")]
    pub format_version: Option<String>,
    /// One-line description of the plugin.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Author of the plugin.
    #[arg(long, value_name = "TEXT")]
    pub author: Option<String>,
    /// Sets a template variable (repeatable), e.g. -d service=wazo-confd -d version=1.0.0.
    #[arg(short = 'd', long = "define", value_name = "KEY=VALUE")]
    pub define: Vec<String>,
    /// Folder in which the plugin folder NAME is created (default: the current folder).
    #[arg(long, value_name = "PARENT")]
    pub dir: Option<PathBuf>,
    /// Write into an existing non-empty folder, replacing the files generated there.
    #[arg(long)]
    pub force: bool,
    /// Show what would be written, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not run `git init`.
    #[arg(long)]
    pub no_git: bool,
    /// Start wazo/plugin.yml with a `# yaml-language-server: $schema=` modeline.
    #[arg(long)]
    pub schema_modeline: bool,
    /// List the shipped templates and exit.
    #[arg(long, exclusive = true)]
    pub list: bool,
}

/// Runs `wazo-plugin new`; returns the exit code (0 done, 1 failed, 2 usage error).
pub fn run(args: &NewArgs) -> u8 {
    if args.list {
        print_list();
        return 0;
    }
    match generate(args) {
        Ok(generated) => {
            print_result(&generated);
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

fn print_list() {
    let templates = scaffold::list_builtin();
    let width = templates.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for t in templates {
        let default = if t.name == DEFAULT_TEMPLATE {
            " (default)"
        } else {
            ""
        };
        println!("{:<width$}  {}{default}", t.name, t.description);
    }
}

/// Flags and `-d` as `(variable, value)` pairs, flags first.
fn given_values(args: &NewArgs) -> Result<Vec<(String, String)>, ScaffoldError> {
    let flags = [
        ("name", &args.name),
        ("namespace", &args.namespace),
        ("plugin_format_version", &args.format_version),
        ("description", &args.description),
        ("author", &args.author),
    ];
    let mut values: Vec<(String, String)> = flags
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), v.clone())))
        .collect();
    for text in &args.define {
        values.push(scaffold::parse_assignment(text)?);
    }
    Ok(values)
}

fn generate(args: &NewArgs) -> Result<Generated, ScaffoldError> {
    let spec = args.template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
    let template = scaffold::load(spec)?;
    let mut values = given_values(args)?;
    scaffold::check_given(&template, &values)?;
    let missing: Vec<Variable> = scaffold::missing_required(&template, &values)
        .into_iter()
        .cloned()
        .collect();
    if !missing.is_empty() {
        if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            for var in &missing {
                let value = prompt(var)?;
                values.push((var.name.clone(), value));
            }
        } else {
            return Err(ScaffoldError::MissingValues {
                names: missing.into_iter().map(|v| v.name).collect(),
            });
        }
    }
    let name = values
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let dir = match &args.dir {
        Some(parent) => parent.join(&name),
        None => PathBuf::from(&name),
    };
    let options = Options {
        template: spec.to_string(),
        values,
        force: args.force,
        dry_run: args.dry_run,
        git: !args.no_git,
        schema_modeline: args.schema_modeline,
    };
    scaffold::generate(&dir, &template, &options)
}

/// Asks for one value on the terminal until it is valid; end of input gives up.
fn prompt(var: &Variable) -> Result<String, ScaffoldError> {
    let stdin = std::io::stdin();
    loop {
        eprint!("{} [{}]: ", var.help, var.name);
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        let read = stdin.lock().read_line(&mut line).unwrap_or(0);
        if read == 0 {
            eprintln!();
            return Err(ScaffoldError::MissingValues {
                names: vec![var.name.clone()],
            });
        }
        let value = line.trim_end_matches(['\n', '\r']).to_string();
        match scaffold::check_value(var, &value, false) {
            Ok(()) => return Ok(value),
            Err(e) => eprintln!("{e}"),
        }
    }
}

fn print_result(generated: &Generated) {
    let dir = generated.dir.display();
    if generated.dry_run {
        println!(
            "Would create {dir} from template `{}` (dry run, nothing written):",
            generated.template
        );
    } else {
        println!("Created {dir} from template `{}`:", generated.template);
    }
    for file in &generated.files {
        let mut notes = Vec::new();
        if file.executable {
            notes.push("executable");
        }
        if file.replaced {
            notes.push("replaces the existing file");
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("  ({})", notes.join(", "))
        };
        println!("  {}{notes}", file.path.display());
    }
    if let Some(note) = generated.git.note() {
        println!("Note: {note}");
    } else if generated.git == scaffold::GitOutcome::Initialized {
        println!("Initialized a git repository; the files are staged.");
    }
    if !generated.dry_run {
        println!("Next: cd {dir} && wazo-plugin lint && wazo-plugin test");
    }
}
