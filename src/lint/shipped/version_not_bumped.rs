//! WP702 version-not-bumped.

use std::path::Path;
use std::process::{Command, Stdio};

use super::ShippedCx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::check::{Check, Family};
use crate::lint::manifest::typing::version_string;
use crate::plugin::load::MANIFEST;

pub const CHECK: Check = Check {
    code: "WP702",
    slug: "version-not-bumped",
    family: Family::Release,
    severity: Severity::Error,
    summary: "The plugin changed since `--since REF` and its version did not",
    why: "wazo-plugind does nothing when the same namespace, name and exact version is already \
          installed (\"is already installed\"): a changed plugin with the old version never \
          reaches the servers that have it. With `lint --since REF` (the commit or tag of the \
          last release), a plugin whose files differ from REF must have another version.",
    example: "version: \"1.0.0\" at REF and now, rules changed\n",
    fixed: "version: \"1.0.0\" at REF, \"1.0.1\" now\n",
};

/// Runs git in `dir`; its stdout when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<(bool, String)> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

pub fn run(cx: &ShippedCx, out: &mut Vec<Diagnostic>) {
    let (Some(since), Some(root)) = (cx.since, cx.plugin.root.as_deref()) else {
        return;
    };
    let Some(node) = cx.manifest.and_then(|m| super::wiring::child(m, "version")) else {
        return;
    };
    let Some(now) = version_string(node) else {
        return;
    };
    let problem =
        |message: String| Diagnostic::new(&CHECK, MANIFEST, message).at(node.span.clone(), None);
    // The plugin folder inside its repository: `git show REF:<prefix>wazo/plugin.yml`.
    let prefix = match git(root, &["rev-parse", "--show-prefix"]) {
        Some((true, p)) => p.trim().to_string(),
        _ => {
            out.push(
                problem(format!(
                    "cannot compare with `{since}`: the plugin is not in a git work tree"
                ))
                .severity(Severity::Warning),
            );
            return;
        }
    };
    let commit = format!("{since}^{{commit}}");
    if !matches!(
        git(root, &["rev-parse", "--verify", "--quiet", &commit]),
        Some((true, _))
    ) {
        out.push(
            problem(format!(
                "cannot compare with `{since}`: git knows no such commit here"
            ))
            .severity(Severity::Warning),
        );
        return;
    }
    let old = match git(root, &["show", &format!("{since}:{prefix}{MANIFEST}")]) {
        Some((true, text)) => text,
        _ => return, // no plugin.yml at REF: a new plugin
    };
    let Some(old_version) = crate::plugin::yaml::parse(&old)
        .ok()
        .flatten()
        .as_ref()
        .and_then(|m| super::wiring::child(m, "version"))
        .and_then(version_string)
    else {
        return;
    };
    if old_version != now {
        return;
    }
    // `git diff --quiet REF -- .`: the work tree (committed or not) against REF.
    let changed = matches!(
        git(root, &["diff", "--quiet", since, "--", "."]),
        Some((false, _))
    );
    if !changed {
        return;
    }
    out.push(
        problem(format!(
            "the plugin changed since `{since}` and its version is still \"{now}\": wazo-plugind skips it where {now} is installed"
        ))
        .help("bump the version (and keep plugin.yml, setup.py and the rules in step)"),
    );
}
