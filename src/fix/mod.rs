//! Applying the fixes diagnostics carry (`lint --fix`, and the language server's code actions
//! for text edits), or showing them as a unified diff (`lint --diff`).
//!
//! A fix is safe (the plugin does what its author meant, `--fix`) or unsafe (it changes what the
//! plugin does: applied only with `--unsafe-fixes`); [`wanted`] chooses between them.
//!
//! Fixes are taken in the order of the diagnostics. A fix is all or nothing: when one of its
//! edits overlaps an edit already taken (the same place edited twice), the whole fix is skipped
//! and reported; an identical edit taken twice counts once. The edits of a file are then applied
//! from its end backwards, so that earlier offsets stay valid. Files are rewritten only when
//! they still hold the text that was linted, through a temporary file renamed over them (their
//! permissions kept). Nothing else is touched.

mod text;

use std::path::{Path, PathBuf};

pub use text::{Edit, EditError, apply_edits, overlaps};

pub use crate::diagnostic::Safety;
use crate::diagnostic::{Diagnostic, FixAction};
use crate::lint::PluginReport;

/// Whether the fix of `d` is to be applied: every safe fix, and the unsafe ones only with
/// `unsafe_fixes`.
pub fn wanted(d: &Diagnostic, unsafe_fixes: bool) -> bool {
    d.fix
        .as_ref()
        .is_some_and(|f| unsafe_fixes || f.safety == Safety::Safe)
}

/// The fixes of `report` for which `select` is true, as a unified diff per changed file
/// (`a/PATH` and `b/PATH` as the plugin was named), with a note for each file made
/// executable. Nothing is written. Also returns the fixes left out because they overlap.
pub fn diff(report: &PluginReport, select: impl Fn(&Diagnostic) -> bool) -> (String, Outcome) {
    let chosen: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| select(d)).collect();
    let plan = plan(chosen.iter().copied());
    let mut out = String::new();
    let mut failed: Vec<(PathBuf, String)> = Vec::new();
    for (file, edits) in &plan.edits {
        let shown = report.display.join(file);
        let Some(source) = report.source(file) else {
            failed.push((file.clone(), "the file was not read".into()));
            continue;
        };
        match apply_edits(&source.text, edits) {
            Ok(new) => {
                let text = similar::TextDiff::from_lines(source.text.as_str(), new.as_str());
                let a = format!("a/{}", shown.display());
                let b = format!("b/{}", shown.display());
                out.push_str(
                    &text
                        .unified_diff()
                        .context_radius(3)
                        .header(&a, &b)
                        .to_string(),
                );
                if !new.ends_with('\n') && !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            Err(e) => failed.push((file.clone(), e.to_string())),
        }
    }
    for file in &plan.executable {
        let shown = report.display.join(file);
        out.push_str(&format!(
            "chmod +x {}: the file becomes executable\n",
            shown.display()
        ));
    }
    let outcome = outcome_of(
        report,
        &chosen,
        &plan,
        &failed,
        "run --fix again after this one",
    );
    (out, outcome)
}

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub code: String,
    /// The changed files, as shown to the user.
    pub files: Vec<PathBuf>,
    pub description: String,
}

/// A fix that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub code: String,
    pub description: String,
    pub reason: String,
}

/// What `apply` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub applied: Vec<Applied>,
    pub skipped: Vec<Skipped>,
}

/// The fixes of a list of diagnostics that can be applied together.
#[derive(Debug, Default)]
pub struct Plan {
    /// Per file (its path inside the plugin), the accepted edits, without overlaps.
    pub edits: Vec<(PathBuf, Vec<Edit>)>,
    /// The files to make executable.
    pub executable: Vec<PathBuf>,
    /// Indexes into the diagnostics of the fixes taken.
    pub accepted: Vec<usize>,
    /// Indexes into the diagnostics of the fixes that overlap one already accepted.
    pub overlapping: Vec<usize>,
}

/// Chooses the fixes to apply among `diagnostics`, in their order.
pub fn plan<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Plan {
    let mut plan = Plan::default();
    for (i, d) in diagnostics.into_iter().enumerate() {
        let Some(fix) = &d.fix else { continue };
        let fits = fix.actions.iter().all(|action| match action {
            FixAction::Edit {
                file,
                span,
                replacement,
            } => {
                let edit = Edit::new(span.clone(), replacement.clone());
                plan.edits_of(file)
                    .iter()
                    .all(|taken| *taken == edit || !overlaps(taken, &edit))
            }
            FixAction::MakeExecutable { .. } => true,
        });
        if !fits {
            plan.overlapping.push(i);
            continue;
        }
        for action in &fix.actions {
            match action {
                FixAction::Edit {
                    file,
                    span,
                    replacement,
                } => {
                    let edit = Edit::new(span.clone(), replacement.clone());
                    let edits = plan.edits_mut(file);
                    if !edits.contains(&edit) {
                        edits.push(edit);
                    }
                }
                FixAction::MakeExecutable { file } => {
                    if !plan.executable.contains(file) {
                        plan.executable.push(file.clone());
                    }
                }
            }
        }
        plan.accepted.push(i);
    }
    plan
}

impl Plan {
    fn edits_of(&self, file: &Path) -> &[Edit] {
        self.edits
            .iter()
            .find(|(f, _)| f == file)
            .map_or(&[], |(_, e)| e.as_slice())
    }

    fn edits_mut(&mut self, file: &Path) -> &mut Vec<Edit> {
        let index = match self.edits.iter().position(|(f, _)| f == file) {
            Some(i) => i,
            None => {
                self.edits.push((file.to_path_buf(), Vec::new()));
                self.edits.len() - 1
            }
        };
        &mut self.edits[index].1
    }
}

/// Applies the fixes of `report` to the plugin folder at `root` on disk. Only diagnostics for
/// which `select` is true are considered.
pub fn apply(root: &Path, report: &PluginReport, select: impl Fn(&Diagnostic) -> bool) -> Outcome {
    let chosen: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| select(d)).collect();
    let plan = plan(chosen.iter().copied());
    let mut failed: Vec<(PathBuf, String)> = Vec::new();
    for (file, edits) in &plan.edits {
        let result = match report.source(file) {
            Some(source) => text::rewrite(&root.join(file), &source.text, edits),
            None => Err("the file was not read".to_string()),
        };
        if let Err(e) = result {
            failed.push((file.clone(), e));
        }
    }
    for file in &plan.executable {
        if let Err(e) = make_executable(&root.join(file)) {
            failed.push((file.clone(), e));
        }
    }
    outcome_of(report, &chosen, &plan, &failed, "run --fix again")
}

/// What became of each fix of a plan: applied, or skipped because its file failed (`failed`)
/// or because it overlaps another (`again` says what to do).
fn outcome_of(
    report: &PluginReport,
    chosen: &[&Diagnostic],
    plan: &Plan,
    failed: &[(PathBuf, String)],
    again: &str,
) -> Outcome {
    let mut outcome = Outcome::default();
    for &i in &plan.accepted {
        let d = chosen[i];
        let Some(fix) = &d.fix else { continue };
        let files = action_files(&fix.actions);
        match failed.iter().find(|(f, _)| files.contains(f)) {
            Some((file, reason)) => outcome.skipped.push(Skipped {
                code: d.code.to_string(),
                description: fix.description.clone(),
                reason: format!("{}: {reason}", report.display.join(file).display()),
            }),
            None => outcome.applied.push(Applied {
                code: d.code.to_string(),
                files: files.iter().map(|f| report.display.join(f)).collect(),
                description: fix.description.clone(),
            }),
        }
    }
    for &i in &plan.overlapping {
        if let Some(fix) = &chosen[i].fix {
            outcome.skipped.push(Skipped {
                code: chosen[i].code.to_string(),
                description: fix.description.clone(),
                reason: format!("it overlaps another fix; {again}"),
            });
        }
    }
    outcome
}

fn action_files(actions: &[FixAction]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for action in actions {
        let file = match action {
            FixAction::Edit { file, .. } | FixAction::MakeExecutable { file } => file,
        };
        if !files.contains(file) {
            files.push(file.clone());
        }
    }
    files
}

/// `chmod +x`: adds an execute bit wherever there is a read bit.
#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let mode = meta.permissions().mode();
    let wanted = mode | ((mode & 0o444) >> 2);
    if wanted != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(wanted))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<(), String> {
    Err("file modes are not supported on this system".into())
}

#[cfg(test)]
mod tests;
