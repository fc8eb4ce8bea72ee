//! The maintainer steps in a system (a copy of the Wazo-like root), run as wazo-plugind runs
//! them on a server: `gdebi --quiet --non-interactive PLUGIN.deb` installs the package and its
//! Depends (debian_depends included, from the Debian archive, with apt), `apt-get remove --yes`
//! removes it; `dpkg --purge` is the purge `test` adds. The commands are the system's own, with
//! the system's `PATH`; services are the stand-ins the root has (recorded in its call log).

use std::path::Path;
use std::process::Command;

use super::system::{System, is_churn};
use crate::pipeline::install::{Action, DpkgRun, diff, installed_list, snapshot};
use crate::pipeline::stage::Work;
use crate::pipeline::{Options, PipelineError, Progress, Step, bwrap, run, userns};

/// The packages gdebi (or apt) said it cannot install, from lines such as
/// `Dependency is not satisfiable: python-jwt` or `E: Unable to locate package python-jwt`.
pub fn unsatisfiable(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        let l = l.trim();
        let name = l
            .strip_prefix("Dependency is not satisfiable: ")
            .or_else(|| l.strip_prefix("E: Unable to locate package "))
            .or_else(|| {
                l.strip_prefix("E: Package '")
                    .and_then(|r| r.split_once('\'').map(|(n, _)| n))
            });
        if let Some(n) = name {
            let n = n.split_whitespace().next().unwrap_or(n).to_string();
            if !n.is_empty() && !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

fn command_of(action: &Action, step: Step, deb_inside: Option<&Path>) -> (Vec<String>, String) {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match action {
        Action::Install(_) => {
            let deb = deb_inside
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let name = deb_inside
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if step == Step::Upgrading {
                // gdebi refuses a version that is already installed; dpkg -i installs it again,
                // running the prerm upgrade / postinst configure sequence.
                let mut c = v(&["dpkg", "--install"]);
                c.push(deb);
                (c, format!("dpkg -i {name}"))
            } else {
                let mut c = v(&["gdebi", "--quiet", "--non-interactive"]);
                c.push(deb);
                (c, format!("gdebi --quiet --non-interactive {name}"))
            }
        }
        Action::Remove(p) => {
            let mut c = v(&["apt-get", "remove", "--yes"]);
            c.push(p.clone());
            (c, format!("apt-get remove --yes {p}"))
        }
        Action::Purge(p) => {
            let mut c = v(&["dpkg", "--purge"]);
            c.push(p.clone());
            (c, format!("dpkg --purge {p}"))
        }
    }
}

fn call_log_len(system: &System) -> usize {
    std::fs::read_to_string(system.call_log()).map_or(0, |t| t.len())
}

fn calls_since(system: &System, from: usize) -> Vec<crate::pipeline::stubs::StubCall> {
    let text = std::fs::read_to_string(system.call_log()).unwrap_or_default();
    super::standins::parse_calls(text.get(from..).unwrap_or(""))
}

fn hint(action: &Action, missing: &[String], release: &str) -> String {
    if !missing.is_empty() {
        return format!(
            "the Debian of Wazo {release} has no package {}: fix debian_depends in wazo/plugin.yml (`apt-cache search` in the root finds the right name, often python3-* for python-*). The root has Debian's archive only: a package that Wazo's own apt repository provides on a server is missing here too",
            missing.join(", ")
        );
    }
    match action {
        Action::Install(_) => "postinst runs `wazo/rules install`: make it succeed, and succeed again on upgrades".into(),
        Action::Remove(_) => "prerm runs `wazo/rules uninstall` and postrm `wazo/rules postrm`: a failure blocks the removal".into(),
        Action::Purge(_) => "postrm purge runs after remove deleted the rules backup (wazo-plugind only removes)".into(),
    }
}

/// Runs the maintainer step `action` in `work`'s system, confined, and reports what it did.
pub fn dpkg(
    work: &mut Work,
    step: Step,
    action: &Action,
    package: &str,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<DpkgRun, PipelineError> {
    let io = |c: &str| PipelineError::io(step, c.to_string());
    let Some(system) = work.system.clone() else {
        return Err(PipelineError::Invalid {
            step,
            message: "no system to run in".into(),
            hint: "this is a bug of wazo-plugin".into(),
        });
    };
    let sys = system.path.clone();
    let debs = work.subdir("debs").map_err(io("creating debs"))?;
    let deb_inside = match action {
        Action::Install(deb) => Some(
            crate::pipeline::dpkg_run::stage_deb(work, deb)
                .map_err(io("copying the .deb"))?
                .0,
        ),
        _ => None,
    };
    let (argv, shown) = command_of(action, step, deb_inside.as_deref());
    let before = snapshot(&sys);
    let own_before = installed_list(&sys, package);
    let log_from = call_log_len(&system);

    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    super::system::server_env(&mut cmd);
    cmd.env("HOME", "/root")
        .env("DEBIAN_FRONTEND", "noninteractive");
    bwrap::hand_over(&[&sys]).map_err(io("handing the system to the sandbox uid"))?;
    // The system's own /tmp lasts from install to postrm: no lifecycle /tmp to bind.
    let binds = bwrap::WorkBinds {
        readonly: vec![debs],
        ..bwrap::WorkBinds::default()
    };
    let stage = work.root.join("binds");
    let layout = bwrap::system_layout(&sys, &binds, Path::new("/"), true, opts.network, &stage)
        .map_err(io("setting up bubblewrap"))?;
    let wrapped = if work.isolation == crate::pipeline::sandbox::Isolation::Bubblewrap {
        bwrap::wrap(&cmd, &layout)
    } else {
        userns::wrap(&cmd, &layout, &work.root.join("nsroot"))
    };
    let outcome = match wrapped {
        Ok(mut c) => run::run(&mut c, opts.timeout, &mut |l| progress.output(l)),
        Err(e) => Err(e),
    };
    bwrap::cleanup(&sys, &layout.mountpoints);
    drop(layout);
    let mut warnings =
        crate::pipeline::dpkg_run::reclaim(&sys, "system").map_err(io("taking the system back"))?;
    let outcome = outcome.map_err(io("starting the step"))?;
    let calls = calls_since(&system, log_from);
    let after = snapshot(&sys);
    let mut own = installed_list(&sys, package);
    own.extend(own_before);
    let packaged = system.packaged_paths();
    let work_inside = work.root.display().to_string();
    let changed = diff(&before, &after)
        .into_iter()
        .filter(|p| {
            let bare = p.trim_end_matches(" (deleted)");
            !own.iter().any(|o| o == bare)
                && !packaged.contains(bare)
                && !is_churn(p)
                && !bare.starts_with(&work_inside)
        })
        .collect();
    if !outcome.exit.success() {
        // A `depends` plugin is Depends: wazo-plugind-NAME-NS, installed first by wazo-plugind.
        let (plugins, missing): (Vec<String>, Vec<String>) = unsatisfiable(&outcome.tail)
            .into_iter()
            .partition(|n| n.starts_with("wazo-plugind-"));
        let mut command = shown;
        if !missing.is_empty() {
            command.push_str(&format!(
                " (debian_depends not in Debian: {})",
                missing.join(", ")
            ));
        }
        if !plugins.is_empty() {
            command.push_str(&format!(
                " (plugins of `depends` not installed: {}; wazo-plugind installs them first, from the market or git: `test` does that for the plugins of the same tree)",
                plugins.join(", ")
            ));
        }
        return Err(PipelineError::StepFailed {
            step,
            command,
            hint: hint(action, &missing, &system.release),
            exit: outcome.exit,
            tail: outcome.tail,
        }
        .with_calls(calls));
    }
    warnings.extend(outcome.complaints.warning(&shown));
    Ok(DpkgRun {
        outcome,
        calls,
        changed,
        scripts_ran: true,
        denied: Vec::new(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_what_debian_lacks() {
        let lines: Vec<String> = [
            "Reading package lists...",
            "Dependency is not satisfiable: python-jwt",
            "E: Unable to locate package python-foo",
            "E: Package 'python-bar' has no installation candidate",
            "Dependency is not satisfiable: python-jwt",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            super::unsatisfiable(&lines),
            ["python-jwt", "python-foo", "python-bar"]
        );
        assert!(super::unsatisfiable(&["all fine".to_string()]).is_empty());
    }
}
