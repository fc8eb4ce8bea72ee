//! Baselines: `lint --write-baseline FILE` records today's findings by their
//! [fingerprint](super::fingerprint); `lint --baseline FILE` reports only the findings that
//! are not in it, and tells how many recorded ones are gone (fixed, or their line changed).
//!
//! The file is JSON: `{"version": 1, "tool": "wazo-plugin", "findings": [{"fingerprint",
//! "code", "file", "line", "message"}]}`. Only `fingerprint` is used for matching; the other
//! fields are there for people reading or reviewing the file.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::fingerprint;
use crate::lint::Report;

/// The format version written and read.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    #[serde(default)]
    pub tool: String,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub line: usize,
    #[serde(default)]
    pub message: String,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings left out because the baseline has them.
    pub known: usize,
    /// Recorded findings that no longer occur.
    pub gone: Vec<Entry>,
}

/// The baseline of a report's findings, paths relative to `base` when under it.
pub fn record(report: &Report, base: Option<&Path>) -> Baseline {
    Baseline {
        version: VERSION,
        tool: "wazo-plugin".into(),
        findings: fingerprint::findings(report, base)
            .into_iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint,
                code: f.diagnostic.code.to_string(),
                file: f.file,
                line: f.line,
                message: f.diagnostic.message.clone(),
            })
            .collect(),
    }
}

/// Why a baseline file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    #[error("not a wazo-plugin baseline: {0}")]
    NotABaseline(String),
    #[error("baseline version {0} is not supported (this wazo-plugin reads version {VERSION})")]
    Version(u32),
}

impl Baseline {
    /// The file's text.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let baseline: Baseline =
            serde_json::from_str(text).map_err(|e| BaselineError::NotABaseline(e.to_string()))?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version(baseline.version));
        }
        Ok(baseline)
    }
}

/// Removes from `report` the findings the baseline records.
pub fn apply(report: &mut Report, baseline: &Baseline, base: Option<&Path>) -> Applied {
    let recorded: HashSet<&str> = baseline
        .findings
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    let mut current = HashSet::new();
    let mut keep: Vec<Vec<bool>> = Vec::new();
    {
        let findings = fingerprint::findings(report, base);
        let mut it = findings.iter();
        for plugin in &report.plugins {
            let mut flags = Vec::with_capacity(plugin.diagnostics.len());
            for _ in &plugin.diagnostics {
                let known = it
                    .next()
                    .is_some_and(|f| recorded.contains(f.fingerprint.as_str()));
                flags.push(!known);
            }
            keep.push(flags);
        }
        current.extend(findings.into_iter().map(|f| f.fingerprint));
    }
    let mut known = 0;
    for (plugin, flags) in report.plugins.iter_mut().zip(keep) {
        let mut flags = flags.into_iter();
        plugin.diagnostics.retain(|_| {
            let k = flags.next().unwrap_or(true);
            known += usize::from(!k);
            k
        });
    }
    let gone = baseline
        .findings
        .iter()
        .filter(|e| !current.contains(&e.fingerprint))
        .cloned()
        .collect();
    Applied { known, gone }
}
