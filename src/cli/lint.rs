//! `wazo-plugin lint`.

use std::io::Write;
use std::path::PathBuf;

use super::exit;
use crate::lint::{LintOptions, lint_paths, registry};
use crate::report::{self, Format, Style};

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Plugin folders, their wazo/plugin.yml or wazo/rules, or folders to search for plugins.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Count warnings as failures in the exit status.
    #[arg(long)]
    pub strict: bool,
    /// List every check (code, name, severity, summary) and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// shellcheck to run on the rules scripts: `auto` (from PATH, the default), `never`, or
    /// the path of the executable.
    #[arg(long, value_name = "PATH|never", default_value = "auto")]
    pub shellcheck: crate::lint::shellcheck::Mode,
}

pub fn run(args: &LintArgs) -> u8 {
    if args.list_rules {
        let mut out = String::new();
        for c in registry::checks() {
            out.push_str(&format!(
                "{}  {:<26} {:<8} {}\n",
                c.code, c.slug, c.severity, c.summary
            ));
        }
        return emit(&out);
    }
    let options = LintOptions {
        shellcheck: args.shellcheck.clone(),
    };
    let report = match lint_paths(&args.paths, &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let style = Style {
        color: super::color_wanted(),
        unicode: true,
    };
    let code = emit(&report::render(&report, args.format, style));
    if code != exit::OK {
        return code;
    }
    if report.fails(args.strict) {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// The lint step in front of build, package, install and test: lints the plugin, shows its
/// findings on stderr, and tells whether it has errors (which stop the pipeline).
pub fn errors_before_pipeline(path: &std::path::Path) -> bool {
    let report = match lint_paths(&[path.to_path_buf()], &LintOptions::default()) {
        Ok(r) => r,
        // A path that names no plugin is the pipeline's own usage error to report.
        Err(_) => return false,
    };
    let (errors, warnings, infos) = report.counts();
    if errors + warnings + infos > 0 {
        let style = Style {
            color: super::color_wanted(),
            unicode: true,
        };
        eprint!("{}", report::render(&report, Format::Human, style));
    }
    if errors > 0 {
        eprintln!("lint found errors: fix them, or pass --no-lint to run anyway");
    }
    errors > 0
}

/// Writes to stdout; a closed pipe is not an error worth a panic.
fn emit(text: &str) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            exit::INTERNAL
        }
    }
}
