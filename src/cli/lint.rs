//! `wazo-plugin lint`: maps the flags to the library's options (configuration, output, fixes,
//! cache) and the outcome to an exit code.

use std::path::{Path, PathBuf};

use super::{baseline, exit, lint_io};
use wazo_plugin::lint::config::{Config, Overrides, Source};
use wazo_plugin::lint::meta::path_missing::lint_paths_reporting;
use wazo_plugin::lint::shellcheck::Mode;
use wazo_plugin::lint::{LintOptions, lint_paths, registry};
use wazo_plugin::report::{self, Format, Style};

/// `--color`'s values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    /// Colour on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always colour, even in a pipe or a file.
    Always,
    /// Never colour.
    Never,
}

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
    #[arg(long, value_name = "PATH", conflicts_with_all = ["fix", "diff"])]
    pub stdin_filename: Option<PathBuf>,
    /// Apply the safe fixes, list them on stderr, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Also apply the fixes that change what the plugin does (with --fix or --diff).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Show the fixes --fix would apply as a unified diff, and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// Count warnings as failures in the exit status.
    #[arg(long)]
    pub strict: bool,
    /// List every check (code, name, severity, summary) and exit; as JSON with --format json.
    #[arg(long)]
    pub list_rules: bool,
    /// shellcheck to run on the rules scripts: `auto` (from PATH, the default), `never`, or
    /// the path of the executable. Overrides the configuration's `shellcheck`.
    #[arg(long, value_name = "PATH|never")]
    pub shellcheck: Option<Mode>,
    /// Read the settings from FILE instead of the nearest wazo-plugin.toml,
    /// .wazo-plugin.toml or pyproject.toml [tool.wazo-plugin].
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file: defaults and command-line options only.
    #[arg(long)]
    pub isolated: bool,
    /// Report only these codes or prefixes (comma-separated: WP3,SC2086; ALL), instead of
    /// the configuration's selection.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Report these codes or prefixes too, on top of the selection.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not report these codes or prefixes.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Skip the folders matching GLOB when searching for plugins (repeatable); a glob
    /// without `/` matches a folder's name anywhere.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Print the settings in effect for the first path, and the file they come from, then exit.
    #[arg(long)]
    pub show_settings: bool,
    /// Print the number of findings of each code instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings only: no closing line, no list of the fixes applied.
    #[arg(long, short)]
    pub quiet: bool,
    /// When to colour the human output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Run shellcheck on every script, without reading or writing its cache.
    #[arg(long)]
    pub no_cache: bool,
    /// The cache folder [default: $XDG_CACHE_HOME/wazo-plugin, else ~/.cache/wazo-plugin].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// The Wazo release the plugin must install on (e.g. 25.15) [default: the newest known].
    #[arg(long, value_name = "VERSION", value_parser = parse_wazo_version)]
    pub wazo_version: Option<String>,
    /// The git revision of the plugin's last release: report a plugin whose files changed
    /// since then while its version did not (wazo-plugind would skip it as already installed).
    #[arg(long, value_name = "REF")]
    pub since: Option<String>,
    #[command(flatten)]
    pub baseline: baseline::BaselineArgs,
}

fn parse_wazo_version(s: &str) -> Result<String, String> {
    wazo_plugin::wazo_version::check_wazo_version(s)
        .map(|_| s.to_string())
        .map_err(|e| e.message.clone())
}

/// The user's cache folder for wazo-plugin: `$XDG_CACHE_HOME/wazo-plugin`, else
/// `~/.cache/wazo-plugin`; `None` without either variable.
pub fn default_cache_dir() -> Option<PathBuf> {
    let non_empty = |v: &str| {
        std::env::var_os(v)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    non_empty("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| non_empty("HOME").map(|h| h.join(".cache")))
        .map(|c| c.join("wazo-plugin"))
}

fn list_rules(args: &LintArgs) -> u8 {
    let json = matches!(args.format, Some(lint_io::FormatArg::Json));
    let out = if json {
        let rules: Vec<serde_json::Value> = registry::checks()
            .map(|c| {
                serde_json::json!({
                    "code": c.code,
                    "name": c.slug,
                    "family": c.family.title(),
                    "severity": c.severity.as_str(),
                    "summary": c.summary,
                    "url": c.url(),
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&rules).unwrap_or_else(|_| "[]".into());
        text.push('\n');
        text
    } else {
        let mut out = String::new();
        for c in registry::checks() {
            out.push_str(&format!(
                "{}  {:<26} {:<8} {}\n",
                c.code, c.slug, c.severity, c.summary
            ));
        }
        out
    };
    lint_io::write_output(&out, args.output_file.as_deref())
}

/// The folder whose configuration applies to a named path: itself for a folder, the plugin
/// folder above a file.
fn settings_dir(path: &Path) -> PathBuf {
    if path.is_dir() {
        return path.to_path_buf();
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = parent.unwrap_or(Path::new("."));
    if parent.file_name().is_some_and(|n| n == "wazo") {
        parent
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    } else {
        parent.to_path_buf()
    }
}

/// The options of the run, from the flags; a bad configuration is a usage error.
fn options(args: &LintArgs) -> Result<LintOptions, String> {
    let source = match (&args.config, args.isolated) {
        (Some(file), _) => Source::File(file.clone()),
        (None, true) => Source::Isolated,
        (None, false) => Source::Discover,
    };
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        exclude: args.exclude.clone(),
        base: std::env::current_dir().unwrap_or_default(),
    };
    let config = Config::new(source, overrides).map_err(|e| e.to_string())?;
    // The named paths' configurations: checked now (a usage error), and the first one's
    // `shellcheck` applies when --shellcheck is not given.
    let mut first_shellcheck = None;
    let mut first_wazo_version = None;
    let named = args.stdin_filename.iter().chain(&args.paths);
    for (i, path) in named.enumerate() {
        let settings = config
            .settings_for(&settings_dir(path))
            .map_err(|e| e.to_string())?;
        if i == 0 {
            first_shellcheck = settings.shellcheck.clone();
            first_wazo_version = settings.wazo_version.as_ref().map(|(v, _)| v.clone());
        }
    }
    let shellcheck = args
        .shellcheck
        .clone()
        .or(first_shellcheck)
        .unwrap_or_default();
    let wazo_version = args.wazo_version.clone().or(first_wazo_version);
    let cache_dir = if args.no_cache {
        None
    } else {
        args.cache_dir.clone().or_else(default_cache_dir)
    };
    Ok(LintOptions {
        shellcheck,
        config,
        cache_dir,
        wazo_version,
        since: args.since.clone(),
    })
}

fn show_settings(args: &LintArgs, options: &LintOptions) -> u8 {
    let path = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let settings = match options.config.settings_for(&settings_dir(&path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let mut out = format!("# settings for {}\n", path.display());
    out.push_str(&settings.describe());
    let shellcheck = match &options.shellcheck {
        Mode::Auto => "auto".to_string(),
        Mode::Never => "never".to_string(),
        Mode::Path(p) => p.display().to_string(),
    };
    out.push_str(&format!(
        "\n# in effect for this run\n# shellcheck: {shellcheck}\n# cache: {}\n",
        options
            .cache_dir
            .as_ref()
            .map_or("off".to_string(), |d| d.display().to_string())
    ));
    lint_io::write_output(&out, args.output_file.as_deref())
}

/// The drawing style: colour per --color (NO_COLOR honoured by `auto`), the terminal's width,
/// hyperlinks where the terminal shows them.
fn style(args: &LintArgs) -> Style {
    use std::io::IsTerminal;
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => args.output_file.is_none() && super::color_wanted(),
    };
    let width = if to_terminal {
        terminal_size::terminal_size().map_or(80, |(w, _)| usize::from(w.0))
    } else {
        80
    };
    Style {
        color,
        unicode: true,
        width,
        links: to_terminal && supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout),
        summary: !args.quiet,
    }
}

pub fn run(args: &LintArgs) -> u8 {
    if args.list_rules {
        return list_rules(args);
    }
    let options = match options(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if args.show_settings {
        return show_settings(args, &options);
    }
    let report = match &args.stdin_filename {
        Some(path) => lint_io::lint_stdin(path, &options),
        None => lint_paths_reporting(&args.paths, &options).map_err(|e| e.to_string()),
    };
    let fixes = lint_io::FixFlags {
        unsafe_fixes: args.unsafe_fixes,
        quiet: args.quiet,
    };
    if args.diff {
        return match report {
            Ok(r) => lint_io::show_diff(&r, fixes, args.output_file.as_deref()),
            Err(e) => {
                eprintln!("error: {e}");
                exit::USAGE
            }
        };
    }
    let report = match report {
        Ok(r) if args.fix => lint_io::fix_and_relint(r, &args.paths, &options, fixes),
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
    let style = style(args);
    let format = lint_io::format(args.format);
    let text = if args.statistics {
        report::statistics::render(&report, format, style.summary)
    } else {
        report::render(&report, format, style)
    };
    let code = lint_io::write_output(&text, args.output_file.as_deref());
    if code != exit::OK {
        return code;
    }
    if report.fails(args.strict) {
        exit::FAILED
    } else {
        exit::OK
    }
}

/// The lint step in front of build, package, install and test: lints the plugin with its
/// configuration, shows its findings on stderr, and tells whether it has errors (which stop the
/// pipeline).
pub fn errors_before_pipeline(path: &std::path::Path) -> bool {
    let config = Config::new(
        Source::Discover,
        Overrides {
            base: std::env::current_dir().unwrap_or_default(),
            ..Overrides::default()
        },
    )
    .unwrap_or_default();
    let shellcheck = config
        .settings_for(&settings_dir(path))
        .ok()
        .and_then(|s| s.shellcheck.clone())
        .unwrap_or_default();
    let options = LintOptions {
        shellcheck,
        config,
        cache_dir: default_cache_dir(),
        ..LintOptions::default()
    };
    let report = match lint_paths(&[path.to_path_buf()], &options) {
        Ok(r) => r,
        // A configuration that cannot be read stops the pipeline as lint errors would.
        Err(wazo_plugin::lint::LintError::Config(e)) => {
            eprintln!("error: {e}");
            return true;
        }
        // A path that names no plugin is the pipeline's own usage error to report.
        Err(_) => return false,
    };
    let (errors, warnings, infos) = report.counts();
    if errors + warnings + infos > 0 {
        use std::io::IsTerminal;
        let style = Style {
            color: std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            ..Style::PLAIN
        };
        eprint!("{}", report::render(&report, Format::Human, style));
    }
    if errors > 0 {
        eprintln!("lint found errors: fix them, or pass --no-lint to run anyway");
    }
    errors > 0
}
