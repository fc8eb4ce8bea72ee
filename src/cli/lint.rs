//! `wazo-plugin lint`.

use std::path::PathBuf;

use super::{baseline, exit, lint_io};
use wazo_plugin::lint::meta::path_missing::lint_paths_reporting;
use wazo_plugin::lint::{LintOptions, lint_paths, registry};
use wazo_plugin::report::{self, Format, Style};

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Plugin folders, their wazo/plugin.yml or wazo/rules, or folders to search for plugins.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format [default: github when GITHUB_ACTIONS=true, else human].
    #[arg(long, value_enum)]
    pub format: Option<lint_io::FormatArg>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Read the content of PATH (a wazo/plugin.yml or wazo/rules) from stdin; the plugin's
    /// other file is read from disk.
    #[arg(long, value_name = "PATH", conflicts_with = "fix")]
    pub stdin_filename: Option<PathBuf>,
    /// Apply the safe fixes, list them on stderr, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Count warnings as failures in the exit status.
    #[arg(long)]
    pub strict: bool,
    /// List every check (code, name, severity, summary) and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// shellcheck to run on the rules scripts: `auto` (from PATH, the default), `never`, or
    /// the path of the executable.
    #[arg(long, value_name = "PATH|never", default_value = "auto")]
    pub shellcheck: wazo_plugin::lint::shellcheck::Mode,
    #[command(flatten)]
    pub baseline: baseline::BaselineArgs,
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
        return lint_io::write_output(&out, args.output_file.as_deref());
    }
    let options = LintOptions {
        shellcheck: args.shellcheck.clone(),
    };
    let report = match &args.stdin_filename {
        Some(path) => lint_io::lint_stdin(path, &options),
        None => lint_paths_reporting(&args.paths, &options).map_err(|e| e.to_string()),
    };
    let report = match report {
        Ok(r) if args.fix => lint_io::fix_and_relint(r, &args.paths, &options),
        other => other,
    };
    let mut report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if let Some(code) = baseline::handle(&args.baseline, &mut report) {
        return code;
    }
    let style = Style {
        color: args.output_file.is_none() && super::color_wanted(),
        unicode: true,
    };
    let format = lint_io::format(args.format);
    let code = lint_io::write_output(
        &report::render(&report, format, style),
        args.output_file.as_deref(),
    );
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
