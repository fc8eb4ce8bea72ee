//! The `test` report for machines: JSON (`--format json`) and GitHub workflow commands
//! (`--format github`). The shape is documented in `docs/pipeline.md`; the human report is the
//! command line's.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::host::HostTools;
use super::install::DpkgRun;
use super::lifecycle::TestReport;
use super::run::Exit;
use super::stubs::{Answer, StubCall};
use super::{PipelineError, Step, StepStatus};
use crate::plugin::package::PluginMeta;

/// The version of the JSON shape; raised when a field changes meaning or goes.
pub const JSON_VERSION: u32 = 1;

/// One step as the progress events told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepTime {
    /// The step.
    pub step: Step,
    /// How it ended.
    pub status: StepStatus,
    /// How long it took.
    pub elapsed: Duration,
}

/// Everything a `test` run produced, for [`json`] and [`github`].
#[derive(Debug)]
pub struct TestRun<'a> {
    /// The plugin, when its plugin.yml could be read.
    pub meta: Option<&'a PluginMeta>,
    /// The steps in order, with their durations.
    pub times: &'a [StepTime],
    /// The report, or why the run stopped.
    pub result: &'a Result<TestReport, PipelineError>,
    /// The host tools the steps used (host mode).
    pub host: Option<&'a HostTools>,
    /// The root the steps ran in (`--rootfs`).
    pub rootfs: Option<&'a super::rootfs::Root>,
    /// The canned answers the stubs had.
    pub answers: &'a [Answer],
    /// Whether the steps shared the host's network.
    pub network: bool,
    /// The kept work dir.
    pub work_dir: Option<&'a Path>,
}

fn status_key(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Ok => "ok",
        StepStatus::Failed => "failed",
        StepStatus::Skipped => "skipped",
        StepStatus::Expected => "expected-failure",
    }
}

fn exit_json(e: &Exit) -> Value {
    match e {
        Exit::Code(c) => json!({"code": c}),
        Exit::Signal(s) => json!({"signal": s}),
        Exit::TimedOut(d) => json!({"timed_out_after_s": d.as_secs()}),
        Exit::Interrupted => json!({"interrupted": true}),
    }
}

fn call_json(c: &StubCall, answers: &[Answer]) -> Value {
    json!({
        "program": c.program,
        "args": c.args,
        "command_line": c.command_line(),
        "refused": c.refused,
        "answer": c.answer.and_then(|i| answers.get(i)).map(|a| &a.pattern),
    })
}

fn run_json(run: &DpkgRun, answers: &[Answer]) -> Value {
    json!({
        "scripts_ran": run.scripts_ran,
        "exit": exit_json(&run.outcome.exit),
        "stub_calls": run.calls.iter().map(|c| call_json(c, answers)).collect::<Vec<_>>(),
        "changed": run.changed,
        "denied": run.denied,
        "warnings": run.warnings,
    })
}

fn error_kind(e: &PipelineError) -> &'static str {
    match e {
        PipelineError::Usage(_) => "usage",
        PipelineError::Metadata(_) => "metadata",
        PipelineError::StepFailed { .. } => "step-failed",
        PipelineError::Invalid { .. } => "invalid",
        PipelineError::Interrupted { .. } => "interrupted",
        PipelineError::Io { .. } => "internal",
        PipelineError::Context { error, .. } => error_kind(error),
    }
}

fn error_json(e: &PipelineError, answers: &[Answer]) -> Value {
    let mut v = json!({
        "kind": error_kind(e.inner()),
        "step": e.step().map(Step::name),
        "exit_code": e.exit_code(),
        "message": e.to_string(),
        "stub_calls": e.calls().iter().map(|c| call_json(c, answers)).collect::<Vec<_>>(),
        "last_failing_command": e.last_failing_command(),
        "notes": e.notes(),
    });
    if let PipelineError::StepFailed {
        command,
        exit,
        tail,
        hint,
        ..
    } = e.inner()
    {
        v["command"] = json!(command);
        v["exit"] = exit_json(exit);
        v["tail"] = json!(tail);
        v["hint"] = json!(hint);
    }
    v
}

fn tool_json(t: &Option<super::host::Tool>) -> Value {
    match t {
        Some(t) => json!({"path": t.path, "version": t.version}),
        None => Value::Null,
    }
}

/// Every warning of the run: the host's, then the report's.
pub fn all_warnings(run: &TestRun) -> Vec<String> {
    let mut out: Vec<String> = run.host.map(HostTools::warnings).unwrap_or_default();
    if let Ok(r) = run.result {
        out.extend(r.warnings.iter().cloned());
    }
    out
}

/// The JSON report (see `docs/pipeline.md`).
pub fn json(run: &TestRun) -> Value {
    let report = run.result.as_ref().ok();
    let steps: Vec<Value> = run
        .times
        .iter()
        .map(|t| {
            let mut v = json!({
                "name": t.step.name(),
                "status": status_key(t.status),
                "duration_ms": u64::try_from(t.elapsed.as_millis()).unwrap_or(u64::MAX),
            });
            if let Some((_, r)) = report.and_then(|r| r.steps.iter().find(|(s, _)| *s == t.step)) {
                v["dpkg"] = run_json(r, run.answers);
            }
            v
        })
        .collect();
    let isolation = report.map(|r| {
        json!({
            "mechanism": r.isolation.key(),
            "description": r.isolation.describe_in(run.network, run.rootfs.is_some()),
            "maintainer_steps_ran": r.steps.iter().any(|(_, s)| s.scripts_ran),
            "network": run.network,
        })
    });
    let in_root = run.rootfs.map(|root| {
        let m = &root.metadata;
        json!({
            "mode": "rootfs",
            "target": {
                "wazo": m.release,
                "debian": m.debian,
                "suite": m.suite,
                "python": m.python,
            },
            "copied_from": root.path,
            "stood_in": m.stood_in,
        })
    });
    let host = in_root.or_else(|| {
        run.host.map(|h| {
            json!({
                "mode": "host",
                "python3_build": tool_json(&h.build_python3),
                "python3_steps": tool_json(&h.step_python3),
                "sh": h.sh,
                "target": {
                    "wazo": h.target.name,
                    "debian": h.target.debian,
                    "python": h.target.python,
                },
            })
        })
    });
    json!({
        "version": JSON_VERSION,
        "result": if run.result.is_ok() { "passed" } else { "failed" },
        "exit_code": run.result.as_ref().map_or_else(PipelineError::exit_code, |_| 0),
        "plugin": run.meta.map(|m| json!({
            "namespace": m.namespace,
            "name": m.name,
            "version": m.version,
            "package": m.package_name(),
            "plugin_format_version": m.plugin_format_version,
        })),
        "deb": report.and_then(|r| r.package.deb.file_name()).map(|n| n.to_string_lossy()),
        "depends": report.map(|r| super::deb::control::depends(&r.package.meta)),
        "isolation": isolation,
        "host": host,
        "steps": steps,
        "installed": report.map(|r| &r.installed),
        "left_behind": report.map(|r| &r.left_behind),
        "warnings": all_warnings(run),
        "notes": report.map_or(&[][..], |r| &r.notes[..]),
        "error": run.result.as_ref().err().map(|e| error_json(e, run.answers)),
        "work_dir": run.work_dir,
    })
}

/// `%`, CR and LF escaped, as workflow command data needs.
fn data(text: &str) -> String {
    crate::report::github::escape_data(text)
}

/// GitHub workflow commands: `::error` for the failure, `::warning` per warning, `::notice`
/// per note, then a one-line summary.
pub fn github(run: &TestRun) -> String {
    let title = |step: Option<Step>| {
        crate::report::github::escape_property(&match step {
            Some(s) => format!("wazo-plugin test: {}", s.name()),
            None => "wazo-plugin test".into(),
        })
    };
    let mut out = String::new();
    for w in all_warnings(run) {
        out.push_str(&format!("::warning title={}::{}\n", title(None), data(&w)));
    }
    if let Ok(r) = run.result {
        for n in &r.notes {
            out.push_str(&format!("::notice title={}::{}\n", title(None), data(n)));
        }
    }
    let name = run.meta.map_or_else(
        || "the plugin".to_string(),
        |m| format!("{}/{}", m.namespace, m.name),
    );
    match run.result {
        Ok(_) => out.push_str(&format!("wazo-plugin test: {name} passed\n")),
        Err(e) => {
            out.push_str(&format!(
                "::error title={}::{}\n",
                title(e.step()),
                data(&e.to_string())
            ));
            out.push_str(&format!("wazo-plugin test: {name} FAILED\n"));
        }
    }
    out
}
