//! `build`, `package`, `install`, `uninstall` and `test`: arguments, progress display, reports.
//!
//! All logic lives in `wazo_plugin::pipeline`; this file parses flags, prints and maps results to
//! exit codes (0 ok, 1 failed step or lint errors, 2 usage, 3 internal, 130 interrupted).
//! `WAZO_PLUGIN_ISOLATION` (`bwrap`, `ns`, `landlock`, `none`, `auto`) is read here, never in
//! the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use wazo_plugin::pipeline::install::DpkgRun;
use wazo_plugin::pipeline::lifecycle::{self, TestReport};
use wazo_plugin::pipeline::package::PackageReport;
use wazo_plugin::pipeline::report::{self as test_report, StepTime, TestRun};
use wazo_plugin::pipeline::sandbox::Isolation;
use wazo_plugin::pipeline::stubs::Answer;
use wazo_plugin::pipeline::{
    self, Options, PipelineError, Progress, Step, StepStatus, escape_control, isolation,
};

/// Lints a plugin folder before the pipeline; returns true when it has errors.
pub type LintHook<'a> = &'a dyn Fn(&Path) -> bool;

/// Flags every pipeline command takes.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Time limit of each step (and of copying and writing the .deb), in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = pipeline::DEFAULT_TIMEOUT_SECS)]
    pub timeout: u64,
    /// Keep the work dir (plugin copy, _pkg, sandbox layers) and print its path.
    #[arg(long)]
    pub keep_work: bool,
    /// Stream the output of rules and dpkg.
    #[arg(long, short)]
    pub verbose: bool,
    /// Do not lint first.
    #[arg(long)]
    pub no_lint: bool,
    /// Give the steps no network (a new, empty network namespace); by default they share the
    /// host's, as builds download.
    #[arg(long)]
    pub no_network: bool,
}

/// `--rootfs` and the release of its root, on build, package, install and test.
#[derive(Debug, Clone, Args)]
pub struct RootfsFlags {
    /// Run the steps in a Debian root of the target Wazo release (its dash, Python, packages,
    /// Wazo's folders and users, stand-ins for Wazo's own packages and commands), made once with
    /// mmdebstrap and cached; also `rootfs = true` in the configuration file.
    #[arg(long)]
    pub rootfs: bool,
    /// The target Wazo release (e.g. 25.15): the root's with --rootfs; without it, `test`
    /// compares the host's tools with that release's [default: the configuration file's
    /// wazo-version, else the newest known].
    #[arg(long = "wazo-version", value_name = "VERSION", value_parser = parse_wazo_version)]
    pub wazo_version: Option<String>,
}

/// The environment variable that forces one isolation mechanism (tests, debugging).
pub const ISOLATION_ENV: &str = "WAZO_PLUGIN_ISOLATION";

fn isolation_choice() -> Result<isolation::Choice, String> {
    match std::env::var(ISOLATION_ENV) {
        Err(_) => Ok(isolation::Choice::Auto),
        Ok(v) if v.is_empty() || v == "auto" => Ok(isolation::Choice::Auto),
        Ok(v) => Isolation::from_key(&v)
            .map(isolation::Choice::Only)
            .ok_or_else(|| {
                format!("{ISOLATION_ENV}={v}: expected bwrap, ns, landlock, none or auto")
            }),
    }
}

/// The flag of the commands that run maintainer steps.
#[derive(Debug, Clone, Args)]
pub struct HostArgs {
    /// Without a namespace sandbox (bubblewrap missing or user namespaces disabled), run rules
    /// install/uninstall/postrm anyway, on this host: their writes to /etc and elsewhere are
    /// real (Landlock, when available, still denies writes outside the prefix).
    #[arg(long)]
    pub unsafe_host: bool,
}

/// `wazo-plugin build [PATH]`
#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// The plugin folder (holding wazo/plugin.yml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub rootfs: RootfsFlags,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `wazo-plugin package [PATH] [--output DIR]`
#[derive(Debug, Clone, Args)]
pub struct PackageArgs {
    /// The plugin folder (holding wazo/plugin.yml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where to write the .deb.
    #[arg(long, short, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    #[command(flatten)]
    pub rootfs: RootfsFlags,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `wazo-plugin install [PATH] --prefix DIR`
#[derive(Debug, Clone, Args)]
pub struct InstallArgs {
    /// The plugin folder (holding wazo/plugin.yml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The directory standing in for `/` of the Wazo server.
    #[arg(long, value_name = "DIR")]
    pub prefix: PathBuf,
    #[command(flatten)]
    pub host: HostArgs,
    #[command(flatten)]
    pub rootfs: RootfsFlags,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `wazo-plugin uninstall [PATH | NAMESPACE/NAME] --prefix DIR`
#[derive(Debug, Clone, Args)]
pub struct UninstallArgs {
    /// A plugin folder, or NAMESPACE/NAME of an installed plugin.
    #[arg(default_value = ".")]
    pub target: String,
    /// The prefix it was installed into.
    #[arg(long, value_name = "DIR")]
    pub prefix: PathBuf,
    #[command(flatten)]
    pub host: HostArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The formats of the `test` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// For people.
    Human,
    /// One JSON object on stdout (shape in docs/pipeline.md).
    Json,
    /// GitHub Actions workflow commands (::error, ::warning, ::notice).
    Github,
}

/// `wazo-plugin test [PATH]`
#[derive(Debug, Clone, Args)]
pub struct TestArgs {
    /// The plugin folder (holding wazo/plugin.yml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// Install the plugin as it was at this git ref (branch, tag, commit), or this .deb file,
    /// first; then upgrade to the working tree's package with `dpkg -i`, as a server does.
    #[arg(long, value_name = "REF")]
    pub upgrade_from: Option<String>,
    #[command(flatten)]
    pub host: HostArgs,
    #[command(flatten)]
    pub rootfs: RootfsFlags,
    #[command(flatten)]
    pub common: CommonArgs,
}

fn parse_wazo_version(s: &str) -> Result<String, String> {
    wazo_plugin::wazo_version::check_wazo_version(s)
        .map(|_| s.to_string())
        .map_err(|e| e.message.clone())
}

/// Prints steps on stderr: `==> building` then `    ok building (1.2s)`; records them and the
/// kept work dir for the report.
struct Printer {
    verbose: bool,
    tty: bool,
    steps: Vec<StepTime>,
    work_dir: Option<PathBuf>,
}

impl Progress for Printer {
    fn step_started(&mut self, step: Step) {
        if self.tty {
            eprint!("  {:<12} ...\r", step.name());
            let _ = std::io::stderr().flush();
        }
        if self.verbose {
            eprintln!("==> {}", step.name());
        }
    }
    fn step_finished(&mut self, step: Step, status: StepStatus, elapsed: Duration) {
        let mark = match status {
            StepStatus::Ok => "ok",
            StepStatus::Failed => "FAILED",
            StepStatus::Skipped => "skipped",
            StepStatus::Expected => "note",
        };
        self.steps.push(StepTime {
            step,
            status,
            elapsed,
        });
        eprintln!(
            "  {:<12} {mark:<7} {:.1}s",
            step.name(),
            elapsed.as_secs_f64()
        );
    }
    fn output(&mut self, line: &str) {
        if self.verbose {
            eprintln!("    | {line}");
        }
    }
    fn note(&mut self, line: &str) {
        eprintln!("  -- {}", escape_control(line));
    }
    fn work_dir(&mut self, dir: &Path) {
        self.work_dir = Some(dir.to_path_buf());
    }
}

impl Printer {
    /// Ends a command: the kept work dir is shown whatever the outcome (on stdout after a
    /// success, on stderr after a failure); returns `code`.
    fn done(&self, code: u8) -> u8 {
        if let Some(w) = &self.work_dir {
            let line = format!("work dir: {}", escape_control(&w.display().to_string()));
            if code == 0 {
                println!("{line}");
            } else {
                eprintln!("{line}");
            }
        }
        code
    }
}

/// What the configuration file of the plugin says for the pipeline.
#[derive(Debug, Default)]
struct PipelineConfig {
    /// `[test.stubs]`.
    answers: Vec<Answer>,
    /// `wazo-version`.
    wazo_version: Option<String>,
    /// `rootfs`.
    rootfs: bool,
}

/// Reads the configuration file that applies to the plugin at `path`.
fn plugin_config(path: &Path) -> Result<PipelineConfig, String> {
    use wazo_plugin::lint::config::{Config, Overrides, Source};
    let overrides = Overrides {
        base: std::env::current_dir().unwrap_or_default(),
        ..Overrides::default()
    };
    let config = Config::new(Source::Discover, overrides).map_err(|e| e.to_string())?;
    let dir = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let settings = config.settings_for(&dir).map_err(|e| e.to_string())?;
    let answers = settings
        .stub_answers
        .iter()
        .map(|(pattern, output)| Answer {
            pattern: pattern.clone(),
            output: output.clone(),
        })
        .collect();
    Ok(PipelineConfig {
        answers,
        wazo_version: settings.wazo_version.as_ref().map(|(v, _)| v.clone()),
        rootfs: settings.rootfs.unwrap_or(false),
    })
}

/// The cached root the steps run in, when `--rootfs` (or `rootfs = true` in the configuration
/// file, `from_file`) asks for one; `--wazo-version` wins over the file's `wazo-version`.
fn root_for(
    flags: Option<&RootfsFlags>,
    from_file: &PipelineConfig,
) -> Result<Option<pipeline::rootfs::Root>, u8> {
    let Some(flags) = flags else { return Ok(None) };
    if !(flags.rootfs || from_file.rootfs) {
        return Ok(None);
    }
    let version = flags
        .wazo_version
        .clone()
        .or(from_file.wazo_version.clone());
    crate::cli::rootfs::ensure_for_pipeline(version.as_deref()).map(Some)
}

fn start(
    common: &CommonArgs,
    unsafe_host: bool,
    path: Option<&Path>,
    rootfs: Option<&RootfsFlags>,
    lint: LintHook,
) -> Result<(Options, Printer), u8> {
    // A usage error comes before any work.
    let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => None,
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                eprintln!(
                    "error: SOURCE_DATE_EPOCH={}: not a number of seconds since 1970",
                    v.escape_debug()
                );
                return Err(2);
            }
        },
    };
    if let Some(p) = path
        && !common.no_lint
        && lint(p)
    {
        eprintln!("error: lint found errors; fix them or pass --no-lint");
        return Err(1);
    }
    if let Err(e) = pipeline::run::install_interrupt_handler() {
        eprintln!("warning: cannot catch Ctrl-C: {e}");
    }
    let choice = match isolation_choice() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(2);
        }
    };
    let from_file = match path.map(plugin_config) {
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return Err(2);
        }
        Some(Ok(c)) => c,
        None => PipelineConfig::default(),
    };
    let rootfs = root_for(rootfs, &from_file)?;
    let stub_answers = from_file.answers;
    if rootfs.is_some() && !stub_answers.is_empty() {
        eprintln!(
            "warning: [test.stubs]: the root's stand-in commands do not answer yet (they record and print nothing); the answers apply without --rootfs"
        );
    }
    let opts = Options {
        rootfs,
        timeout: Duration::from_secs(common.timeout),
        keep_work: common.keep_work,
        unsafe_host,
        isolation: choice,
        network: !common.no_network,
        source_date_epoch,
        stub_answers,
    };
    Ok((
        opts,
        Printer {
            verbose: common.verbose,
            tty: std::io::stderr().is_terminal(),
            steps: Vec::new(),
            work_dir: None,
        },
    ))
}

fn fail(e: &PipelineError) -> u8 {
    match e {
        PipelineError::Metadata(refusal) => {
            // The findings that stop packaging, shown as lint shows them.
            let report = wazo_plugin::lint::Report {
                plugins: vec![refusal.report.clone()],
            };
            use std::io::IsTerminal;
            let style = wazo_plugin::report::Style {
                color: std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                ..wazo_plugin::report::Style::PLAIN
            };
            eprint!(
                "{}",
                wazo_plugin::report::render(&report, wazo_plugin::report::Format::Human, style)
            );
            eprintln!("error: validating: wazo/plugin.yml cannot be packaged");
        }
        _ => eprintln!("error: {e}"),
    }
    e.exit_code()
}

fn isolation_note(isolation: Isolation, network: bool) {
    println!("isolation: {}", isolation.describe(network));
}

/// The isolation line, and with `--rootfs` the root the steps ran in.
fn isolation_or_root(isolation: Isolation, opts: &Options) {
    match &opts.rootfs {
        Some(root) => {
            println!("isolation: {}", isolation.describe_in(opts.network, true));
            println!("rootfs: {}", escape_control(&root.describe()));
        }
        None => isolation_note(isolation, opts.network),
    }
}

fn print_warnings(warnings: &[String]) {
    for w in warnings {
        // Multi-line warnings (a failed purge's output) keep their line breaks; anything else
        // a step could have put in them is escaped.
        let lines: Vec<String> = w.lines().map(|l| escape_control(l).into_owned()).collect();
        println!("warning: {}", lines.join("\n"));
    }
}

/// Paths as an indented tree, one component per level; directories end with `/`.
pub fn tree(paths: &[String]) -> String {
    let mut out = String::new();
    let mut prev: Vec<&str> = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let parts: Vec<&str> = p.trim_start_matches('/').split('/').collect();
        let is_dir = paths
            .get(i + 1)
            .is_some_and(|next| next.starts_with(&format!("{p}/")));
        let common = prev.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        for (depth, part) in parts.iter().enumerate().skip(common) {
            let slash = if depth + 1 < parts.len() || is_dir {
                "/"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {}{}{slash}\n",
                "  ".repeat(depth),
                escape_control(part)
            ));
        }
        prev = parts;
    }
    out
}

fn print_depends(r: &PackageReport, rootfs: bool, from_tree: &[String]) {
    let deps: Vec<String> = wazo_plugin::pipeline::deb::control::depends(&r.meta)
        .into_iter()
        .filter(|d| !from_tree.contains(d))
        .collect();
    if rootfs {
        if !deps.is_empty() {
            println!(
                "depends (installed in the root by gdebi, with apt, as on a server): {}",
                deps.join(", ")
            );
        }
    } else if !deps.is_empty() {
        println!(
            "depends (not installed: the prefix starts empty, dpkg ran with --force-depends): {}",
            deps.join(", ")
        );
    }
}

fn deb_name(r: &PackageReport) -> String {
    r.deb.file_name().map_or_else(
        || r.deb.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn print_package(r: &PackageReport, opts: &Options) {
    isolation_or_root(r.isolation, opts);
    println!("package: {}", r.deb.display());
    print_warnings(&r.warnings);
}

fn unsafe_note(isolation: Isolation, run: &DpkgRun) {
    if !isolation.runs_maintainer_steps() && run.scripts_ran {
        println!("warning: {}", lifecycle::UNSAFE_RAN);
    }
}

fn print_run(label: &str, run: &DpkgRun, answers: &[Answer]) {
    if !run.scripts_ran {
        println!(
            "{label}: maintainer scripts NOT run: no namespace sandbox available; install bubblewrap, or pass --unsafe-host to run them on this host"
        );
    }
    for d in &run.denied {
        println!(
            "{label}: denied write outside the prefix: {}",
            escape_control(d)
        );
    }
    for c in &run.calls {
        let verb = if c.refused {
            "refused"
        } else {
            "would have run"
        };
        // With answers configured, say which calls got one.
        let answered = match c.answer.and_then(|i| answers.get(i)) {
            _ if answers.is_empty() || c.refused => String::new(),
            Some(a) => format!(" (answered: {})", escape_control(&a.pattern)),
            None => " (no answer: printed nothing)".into(),
        };
        println!(
            "{label}: {verb}: {}{answered}",
            escape_control(&c.command_line())
        );
    }
    for c in &run.changed {
        println!("{label}: changed {}", escape_control(c));
    }
}

/// `build`.
pub fn run_build(args: &BuildArgs, lint: LintHook) -> u8 {
    let (opts, mut printer) = match start(
        &args.common,
        false,
        Some(&args.path),
        Some(&args.rootfs),
        lint,
    ) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let code = match lifecycle::build(&args.path, &opts, &mut printer) {
        Ok(r) => {
            isolation_or_root(r.isolation, &opts);
            print_warnings(&r.warnings);
            0
        }
        Err(e) => fail(&e),
    };
    printer.done(code)
}

/// `package`.
pub fn run_package(args: &PackageArgs, lint: LintHook) -> u8 {
    let (opts, mut printer) = match start(
        &args.common,
        false,
        Some(&args.path),
        Some(&args.rootfs),
        lint,
    ) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let code = match lifecycle::package(&args.path, &args.output, &opts, &mut printer) {
        Ok(r) => {
            print_package(&r, &opts);
            0
        }
        Err(e) => fail(&e),
    };
    printer.done(code)
}

/// `install`.
pub fn run_install(args: &InstallArgs, lint: LintHook) -> u8 {
    let (opts, mut printer) = match start(
        &args.common,
        args.host.unsafe_host,
        Some(&args.path),
        Some(&args.rootfs),
        lint,
    ) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let code = match lifecycle::install(&args.path, &args.prefix, &opts, &mut printer) {
        Ok(r) => {
            isolation_or_root(r.isolation, &opts);
            println!("package: {}", deb_name(&r.package));
            print_warnings(&r.package.warnings);
            print_warnings(&r.run.warnings);
            println!(
                "installed into {}:\n{}",
                args.prefix.display(),
                tree(&r.installed)
            );
            print_run("install", &r.run, &opts.stub_answers);
            unsafe_note(r.isolation, &r.run);
            0
        }
        Err(e) => fail(&e),
    };
    printer.done(code)
}

/// `uninstall`.
pub fn run_uninstall(args: &UninstallArgs, lint: LintHook) -> u8 {
    let (opts, mut printer) = match start(&args.common, args.host.unsafe_host, None, None, lint) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let folder = Path::new(&args.target);
    let package = if folder.join("wazo/plugin.yml").is_file() {
        if let Err(e) = lifecycle::refuse_prefix(&args.prefix, Some(folder)) {
            return fail(&e);
        }
        let plugin = wazo_plugin::plugin::load::Plugin::load(folder, folder);
        match wazo_plugin::lint::package_gate::package_meta(&plugin) {
            Ok(m) => m.package_name(),
            Err(refusal) => return fail(&PipelineError::Metadata(Box::new(refusal))),
        }
    } else {
        match lifecycle::package_name_of(&args.target) {
            Ok(p) => p,
            Err(e) => return fail(&e),
        }
    };
    let code = match lifecycle::uninstall(&package, &args.prefix, &opts, &mut printer) {
        Ok(r) => {
            println!(
                "isolation: {}",
                r.isolation.describe_in(opts.network, r.in_root)
            );
            println!("removed {}", r.package);
            print_warnings(&r.run.warnings);
            print_run("uninstall", &r.run, &opts.stub_answers);
            unsafe_note(r.isolation, &r.run);
            0
        }
        Err(e) => fail(&e),
    };
    printer.done(code)
}

fn print_test(
    r: &TestReport,
    opts: &Options,
    host: Option<&wazo_plugin::pipeline::host::HostTools>,
) {
    isolation_or_root(r.isolation, opts);
    for line in host.map(|h| h.describe()).unwrap_or_default() {
        println!("host: {line}");
    }
    println!("package: {}", deb_name(&r.package));
    let from_tree: Vec<String> = r
        .installed_dependencies
        .iter()
        .map(|d| d.package.meta.package_name())
        .collect();
    print_depends(&r.package, opts.rootfs.is_some(), &from_tree);
    print_tree_dependencies(r, &opts.stub_answers);
    if let Some(u) = &r.upgrade {
        let scripts_ran = r
            .steps
            .iter()
            .any(|(s, run)| *s == Step::Upgrading && run.scripts_ran);
        print_upgrade(u, scripts_ran);
    }
    println!("installed:\n{}", tree(&r.installed));
    for (step, run) in &r.steps {
        print_run(step.name(), run, &opts.stub_answers);
    }
    if r.left_behind.is_empty() {
        println!("left behind after removal: nothing");
    } else {
        println!("left behind after removal:\n{}", tree(&r.left_behind));
    }
    print_warnings(&host.map(|h| h.warnings()).unwrap_or_default());
    print_warnings(&r.warnings);
    for n in &r.notes {
        println!("note: {}", escape_control(n));
    }
    for d in &r.installed_dependencies {
        if let Some(w) = &d.work_dir {
            println!("work dir of dependency {}: {}", d.plugin.id(), w.display());
        }
    }
    if let Some(w) = r.upgrade.as_ref().and_then(|u| u.work_dir.as_ref()) {
        println!("work dir of the old version: {}", w.display());
    }
}

fn print_tree_dependencies(r: &TestReport, answers: &[Answer]) {
    let plan = &r.dependencies;
    let Some(tree) = &plan.tree else { return };
    if !r.installed_dependencies.is_empty() {
        println!(
            "dependencies from {} (built and installed first, in this order; left installed, as wazo-plugind leaves them):",
            tree.display()
        );
        for d in &r.installed_dependencies {
            println!(
                "  {} {} ({}): {}",
                d.plugin.id(),
                escape_control(&d.package.meta.version),
                escape_control(&d.plugin.display.display().to_string()),
                deb_name(&d.package)
            );
        }
    }
    for m in &plan.missing {
        println!(
            "dependency {} (of {}): not in {}; not installed (wazo-plugind would fetch it from the market or git; where neither has it, the install fails there, its Depends unmet)",
            m.id,
            m.wanted_by,
            tree.display()
        );
    }
    for n in &plan.notes {
        println!("note: {}", escape_control(n));
    }
    for d in &r.installed_dependencies {
        print_warnings(
            &d.package
                .warnings
                .iter()
                .chain(&d.run.warnings)
                .map(|w| format!("dependency {}: {w}", d.plugin.id()))
                .collect::<Vec<_>>(),
        );
        print_run(&format!("installing {}", d.plugin.id()), &d.run, answers);
    }
}

fn print_upgrade(u: &wazo_plugin::pipeline::upgrade::Upgrade, scripts_ran: bool) {
    println!(
        "upgrade: from {} ({}) to {} (the working tree)",
        escape_control(&u.old_version),
        escape_control(&u.from),
        escape_control(&u.new_version)
    );
    let sequence = if scripts_ran {
        "old prerm upgrade, new files unpacked, old postrm upgrade, new postinst configure: rules install"
    } else {
        "new files unpacked; the maintainer scripts were not run"
    };
    println!(
        "  installing: the old version {}; upgrading: {} installed over it by dpkg ({sequence})",
        escape_control(&u.old_version),
        escape_control(&u.new_version)
    );
    for l in &u.dpkg_log {
        println!("  dpkg.log: {l}");
    }
    for f in &u.dropped {
        println!(
            "  deleted by the upgrade (in the old package, not the new): {}",
            escape_control(f)
        );
    }
    if u.downgrade {
        println!(
            "warning: {} is older than {}: dpkg downgrades (wazo-plugind only refuses the exact same version)",
            escape_control(&u.new_version),
            escape_control(&u.old_version)
        );
    }
    if let Some(p) = &u.old_package {
        print_warnings(
            &p.warnings
                .iter()
                .map(|w| format!("old version: {w}"))
                .collect::<Vec<_>>(),
        );
    }
}

/// The target release of `test`: `--wazo-version`, else the configuration file's, else the
/// newest known.
fn target_release(args: &TestArgs) -> Result<wazo_plugin::wazo::releases::Release, String> {
    use wazo_plugin::wazo::releases;
    let from_file = plugin_config(&args.path)?.wazo_version;
    match args.rootfs.wazo_version.clone().or(from_file) {
        None => Ok(releases::newest()),
        Some(v) => releases::find(&v).ok_or_else(|| {
            format!(
                "--wazo-version {v}: not a known Wazo release (known: {} to {})",
                releases::oldest().name,
                releases::newest().name
            )
        }),
    }
}

/// A `test` that stopped before its first step (lint errors, a usage error): the machine formats
/// still say so on stdout, so CI reads a result. Returns `code`.
fn stopped_before(format: TestFormat, code: u8, why: &str) -> u8 {
    let kind = if code == 2 { "usage" } else { "lint" };
    let message = if code == 2 {
        why.to_string()
    } else {
        "lint found errors; fix them or pass --no-lint".to_string()
    };
    match format {
        TestFormat::Human => {}
        TestFormat::Json => {
            let value = serde_json::json!({
                "version": test_report::JSON_VERSION,
                "result": "failed",
                "exit_code": code,
                "steps": [],
                "warnings": [],
                "notes": [],
                "error": {"kind": kind, "step": null, "exit_code": code, "message": message},
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
            );
        }
        TestFormat::Github => println!(
            "::error title=wazo-plugin test::{}",
            wazo_plugin::report::github::escape_data(&message)
        ),
    }
    code
}

/// `test`.
pub fn run_test(args: &TestArgs, lint: LintHook) -> u8 {
    let (opts, mut printer) = match start(
        &args.common,
        args.host.unsafe_host,
        Some(&args.path),
        Some(&args.rootfs),
        lint,
    ) {
        Ok(x) => x,
        Err(code) => return stopped_before(args.format, code, "see the messages on stderr"),
    };
    let target = match target_release(args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return stopped_before(args.format, 2, &e);
        }
    };
    // In the root the tools are the release's own (the rootfs line says which).
    let host = opts
        .rootfs
        .is_none()
        .then(|| wazo_plugin::pipeline::host::tools(std::env::var_os("PATH").as_deref(), target));
    let plan = lifecycle::TestPlan {
        upgrade_from: args
            .upgrade_from
            .as_deref()
            .map(wazo_plugin::pipeline::upgrade::Source::parse),
    };
    let result = lifecycle::test_with(&args.path, &plan, &opts, &mut printer);
    let code = result.as_ref().map_or_else(PipelineError::exit_code, |_| 0);
    if args.format == TestFormat::Human {
        return match &result {
            Ok(r) => {
                print_test(r, &opts, host.as_ref());
                printer.done(0)
            }
            Err(e) => {
                print_warnings(&host.as_ref().map(|h| h.warnings()).unwrap_or_default());
                printer.done(fail(e))
            }
        };
    }
    let plugin = wazo_plugin::plugin::load::Plugin::load(&args.path, &args.path);
    let meta = match &result {
        Ok(r) => Some(r.package.meta.clone()),
        Err(_) => wazo_plugin::lint::package_gate::package_meta(&plugin).ok(),
    };
    let run = TestRun {
        meta: meta.as_ref(),
        times: &printer.steps,
        result: &result,
        host: host.as_ref(),
        rootfs: opts.rootfs.as_ref(),
        answers: &opts.stub_answers,
        network: opts.network,
        work_dir: printer.work_dir.as_deref(),
    };
    match args.format {
        TestFormat::Json => {
            let value = test_report::json(&run);
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
            );
        }
        _ => print!("{}", test_report::github(&run)),
    }
    code
}

#[cfg(test)]
mod tests {
    #[test]
    fn tree_shares_prefixes() {
        let t = super::tree(&["/etc/a/x".into(), "/etc/a/y".into(), "/usr/b".into()]);
        assert_eq!(t, "  etc/\n    a/\n      x\n      y\n  usr/\n    b\n");
    }
}
