//! Reading a configuration file: `wazo-plugin.toml`, `.wazo-plugin.toml`, or the
//! `[tool.wazo-plugin]` table of `pyproject.toml`. Every value keeps its span, so that an
//! unknown key, code or value is reported at its line and column.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;

/// The keys of the configuration, as written (validated later, with their spans).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    pub select: Option<Vec<Spanned<String>>>,
    pub extend_select: Option<Vec<Spanned<String>>>,
    pub ignore: Option<Vec<Spanned<String>>>,
    pub per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    pub severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub shellcheck: Option<Spanned<String>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    pub wazo_version: Option<Spanned<String>>,
    pub rootfs: Option<bool>,
    /// `[test]`: settings of `wazo-plugin test`.
    pub test: Option<RawTest>,
}

/// The `[test]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawTest {
    /// `[test.stubs]`: a stub call's command line (exact, or with `*` and `?`) and what the
    /// stub prints for it.
    pub stubs: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<PyTool>,
}

#[derive(Deserialize)]
struct PyTool {
    #[serde(rename = "wazo-plugin")]
    wazo_plugin: Option<RawConfig>,
}

/// The file names looked for in each folder, in order of preference.
pub const NAMES: &[&str] = &[".wazo-plugin.toml", "wazo-plugin.toml", "pyproject.toml"];

/// A configuration file read, with its text (for positions).
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub text: String,
    pub raw: RawConfig,
}

impl Loaded {
    /// An error at `span` of the file.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        at(&self.path, &self.text, Some(span), message.into())
    }
}

fn at(path: &Path, text: &str, span: Option<Range<usize>>, message: String) -> ConfigError {
    let position = span.map(|s| {
        let start = s.start.min(text.len());
        let before = text.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before
            .get(line_start..)
            .map_or(1, |l| l.chars().count() + 1);
        (line, column)
    });
    ConfigError {
        file: Some(path.to_path_buf()),
        position,
        message,
    }
}

/// Reads the configuration file at `path`. `Ok(None)` for a `pyproject.toml` without a
/// `[tool.wazo-plugin]` table (not a configuration of ours).
pub fn load(path: &Path) -> Result<Option<Loaded>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: Some(path.to_path_buf()),
        position: None,
        message: format!("cannot read the configuration: {e}"),
    })?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let raw = if is_pyproject {
        let parsed: Pyproject = toml::from_str(&text)
            .map_err(|e| at(path, &text, e.span(), e.message().trim().to_string()))?;
        match parsed.tool.and_then(|t| t.wazo_plugin) {
            Some(raw) => raw,
            None => return Ok(None),
        }
    } else {
        toml::from_str::<RawConfig>(&text)
            .map_err(|e| at(path, &text, e.span(), e.message().trim().to_string()))?
    };
    Ok(Some(Loaded {
        path: path.to_path_buf(),
        text,
        raw,
    }))
}
