//! `lint --write-baseline FILE` and `lint --baseline FILE`: accept today's findings, then
//! report only new ones (see wazo_plugin::report::baseline).

use std::path::PathBuf;

use super::exit;
use wazo_plugin::lint::Report;
use wazo_plugin::report::baseline::{self, Baseline};

#[derive(Debug, Clone, clap::Args)]
pub struct BaselineArgs {
    /// Report only the findings that FILE (written by --write-baseline) does not record, and
    /// say how many recorded ones are gone.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record every finding of this run in FILE, by fingerprint, and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "fix")]
    pub write_baseline: Option<PathBuf>,
}

/// Applies or writes the baseline. Returns the exit code when the run ends here (the baseline
/// was written, or could not be read or written).
pub fn handle(args: &BaselineArgs, report: &mut Report) -> Option<u8> {
    let base = std::env::current_dir().ok();
    if let Some(path) = &args.write_baseline {
        let recorded = baseline::record(report, base.as_deref());
        if let Err(e) = std::fs::write(path, recorded.to_json()) {
            eprintln!("error: cannot write the baseline {}: {e}", path.display());
            return Some(exit::USAGE);
        }
        let n = recorded.findings.len();
        eprintln!(
            "recorded {n} finding{} in {}",
            if n == 1 { "" } else { "s" },
            path.display()
        );
        return Some(exit::OK);
    }
    let path = args.baseline.as_ref()?;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read the baseline {}: {e}", path.display());
            return Some(exit::USAGE);
        }
    };
    let recorded = match Baseline::parse(&text) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return Some(exit::USAGE);
        }
    };
    let applied = baseline::apply(report, &recorded, base.as_deref());
    let gone = applied.gone.len();
    eprintln!(
        "baseline {}: {} known finding{} not reported, {gone} recorded finding{} gone",
        path.display(),
        applied.known,
        if applied.known == 1 { "" } else { "s" },
        if gone == 1 { " is" } else { "s are" },
    );
    None
}
