//! SARIF 2.1.0, the format code scanning services (GitHub, GitLab, Azure DevOps) read.
//!
//! - `tool.driver.rules` lists every check of the registry, in code order, with its summary, its
//!   documentation and a `helpUri` to the catalogue; `ruleId` is the stable code, `ruleIndex` its
//!   place in that list. A code the registry does not know (should one appear) is appended.
//! - File URIs are relative (`uriBaseId: %SRCROOT%`, the current directory); a file outside
//!   the current directory gets an absolute `file://` URI.
//! - Lines and columns are 1-based, never 0; columns count Unicode code points
//!   (`columnKind: unicodeCodePoints`), the end column is exclusive, as SARIF defines it.
//! - Fixes that edit text are given as SARIF `fixes`.
//! - Every result has `partialFingerprints` (see [`fingerprint`]), which code scanning uses to
//!   follow an alert across commits; `originalUriBaseIds` says where `%SRCROOT%` is.

use std::path::{Component, Path};

use serde_json::{Value, json};

use super::{fingerprint, locate};
use crate::diagnostic::{Diagnostic, FixAction, Severity};
use crate::lint::{PluginReport, Report, registry};
use crate::source::SourceFile;

/// The schema URI written in `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base every relative URI is resolved against.
const SRCROOT: &str = "%SRCROOT%";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The rules table and the index of each code in it.
struct Rules {
    entries: Vec<Value>,
    codes: Vec<String>,
}

impl Rules {
    fn new() -> Rules {
        let mut rules = Rules {
            entries: Vec::new(),
            codes: Vec::new(),
        };
        for c in registry::checks() {
            rules.codes.push(c.code.to_string());
            rules.entries.push(json!({
                "id": c.code,
                "name": c.slug,
                "shortDescription": {"text": c.summary},
                "fullDescription": {"text": c.why},
                "helpUri": c.url(),
                "help": {
                    "text": format!("{}. {}", c.summary, c.why),
                    "markdown": crate::lint::catalogue::explain(c),
                },
                "defaultConfiguration": {"level": level(c.severity)},
            }));
        }
        rules
    }

    fn index(&mut self, d: &Diagnostic) -> usize {
        if let Some(i) = self.codes.iter().position(|c| *c == d.code) {
            return i;
        }
        let mut entry = json!({"id": d.code, "shortDescription": {"text": d.code}});
        if let Some(url) = &d.url {
            entry["helpUri"] = json!(url);
        }
        self.codes.push(d.code.to_string());
        self.entries.push(entry);
        self.entries.len() - 1
    }
}

/// Renders the report as a SARIF log. Paths are made relative to `base` (the current directory)
/// when they lie under it.
pub fn render(report: &Report, base: Option<&Path>) -> String {
    let mut rules = Rules::new();
    let mut results = Vec::new();
    for finding in fingerprint::findings(report, base) {
        let rule_index = rules.index(finding.diagnostic);
        let mut r = result(finding.plugin, finding.diagnostic, rule_index, base);
        r["partialFingerprints"] = json!({fingerprint::SARIF_KEY: finding.fingerprint});
        results.push(r);
    }
    let mut run = json!({
        "tool": {"driver": {
            "name": "wazo-plugin",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": crate::urls::REPOSITORY,
            "rules": rules.entries,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    // Where %SRCROOT% is, for consumers that resolve the relative URIs on this machine.
    if let Some(base) = base.filter(|b| b.is_absolute()) {
        let mut uri = format!("file://{}", uri_path(&fingerprint::normalize(base)));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({SRCROOT: {"uri": uri}});
    }
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    });
    let mut text = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the report: {e}\"}}"));
    text.push('\n');
    text
}

fn result(plugin: &PluginReport, d: &Diagnostic, rule_index: usize, base: Option<&Path>) -> Value {
    let loc = locate(plugin, d);
    let artifact = artifact_location(&loc.file, base);
    let region = json!({
        "startLine": loc.start.line,
        "startColumn": loc.start.column,
        "endLine": loc.end.line,
        "endColumn": loc.end.column.max(1),
    });
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut out = json!({
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": message},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact.clone(),
            "region": region,
        }}],
    });
    let source = plugin.source(&d.file);
    if let Some(source) = source {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, label)| {
                json!({
                    "id": i + 1,
                    "message": {"text": label.text.clone().unwrap_or_default()},
                    "physicalLocation": {
                        "artifactLocation": artifact.clone(),
                        "region": span_region(source, &label.span),
                    },
                })
            })
            .collect();
        if !related.is_empty() {
            out["relatedLocations"] = json!(related);
        }
    }
    if let Some(fix) = fixes(plugin, d, base) {
        out["fixes"] = fix;
    }
    out
}

/// A region from a byte span, 1-based, the end exclusive.
fn span_region(source: &SourceFile, span: &std::ops::Range<usize>) -> Value {
    let start = source.position(span.start);
    let end = source.position(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// The text edits of the diagnostic's fix, as SARIF fixes (chmod has no SARIF form: a fix with
/// one is left out, as it would be incomplete).
fn fixes(plugin: &PluginReport, d: &Diagnostic, base: Option<&Path>) -> Option<Value> {
    let fix = d.fix.as_ref()?;
    let mut changes = Vec::new();
    for action in &fix.actions {
        let FixAction::Edit {
            file,
            span,
            replacement,
        } = action
        else {
            return None;
        };
        let source = plugin.source(file)?;
        changes.push(json!({
            "artifactLocation": artifact_location(&plugin.display.join(file), base),
            "replacements": [{
                "deletedRegion": span_region(source, span),
                "insertedContent": {"text": replacement},
            }],
        }));
    }
    Some(json!([{
        "description": {"text": fix.description},
        "artifactChanges": changes,
    }]))
}

/// A relative URI under `%SRCROOT%` when possible, else an absolute `file://` URI; `.` and
/// `..` are resolved first (code scanning does not resolve them).
fn artifact_location(path: &Path, base: Option<&Path>) -> Value {
    let shown = fingerprint::relative_to(path, base);
    if shown.is_relative() {
        let uri = uri_path(&shown);
        let uri = if uri.is_empty() { ".".to_string() } else { uri };
        json!({"uri": uri, "uriBaseId": SRCROOT})
    } else {
        json!({"uri": format!("file://{}", uri_path(&shown))})
    }
}

/// The path's components joined with `/`, each percent-encoded where a URI needs it.
fn uri_path(path: &Path) -> String {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::RootDir => parts.push(String::new()),
            Component::CurDir => {}
            Component::ParentDir => parts.push("..".into()),
            Component::Normal(s) => parts.push(encode(&s.to_string_lossy())),
            Component::Prefix(p) => parts.push(encode(&p.as_os_str().to_string_lossy())),
        }
    }
    if parts.len() == 1 && parts[0].is_empty() {
        return "/".into();
    }
    parts.join("/")
}

/// Percent-encodes everything but RFC 3986 unreserved characters and a few safe sub-delims.
pub(crate) fn encode(segment: &str) -> String {
    let mut out = String::new();
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'+' | b'@' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        let v = artifact_location(Path::new("my plugin/wazo/plugin.yml"), None);
        assert_eq!(v["uri"], "my%20plugin/wazo/plugin.yml");
        assert_eq!(v["uriBaseId"], SRCROOT);
        let v = artifact_location(Path::new("/work/p/wazo/rules"), Some(Path::new("/work")));
        assert_eq!(v["uri"], "p/wazo/rules");
        let v = artifact_location(Path::new("/elsewhere/wazo/rules"), Some(Path::new("/work")));
        assert_eq!(v["uri"], "file:///elsewhere/wazo/rules");
        assert!(v.get("uriBaseId").is_none());
        let v = artifact_location(Path::new(""), None);
        assert_eq!(v["uri"], ".");
        let v = artifact_location(Path::new("a/../b/./wazo/rules"), Some(Path::new("/work")));
        assert_eq!(v["uri"], "b/wazo/rules");
        let v = artifact_location(Path::new("../work/b/wazo/rules"), Some(Path::new("/work")));
        assert_eq!(v["uri"], "b/wazo/rules");
        let v = artifact_location(Path::new("../up/wazo/rules"), Some(Path::new("/work")));
        assert_eq!(v["uri"], "file:///up/wazo/rules");
    }
}
