//! A minimal reader of `wazo/plugin.yml` for the pipeline: only the fields packaging needs.
//!
//! Temporary: the full spanned YAML model and its linter replace this file later. It reads the
//! document with saphyr-parser events and mirrors the PyYAML (YAML 1.1) conversions that change
//! what wazo-plugind writes into the package: a plain `version: 1.10` is a float for PyYAML and
//! reaches the control file as `1.1`.

use saphyr_parser::{Event, Parser, ScalarStyle};

/// A plugin this plugin depends on (`depends` entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The dependency's `name`.
    pub name: String,
    /// The dependency's `namespace`.
    pub namespace: String,
}

/// What the pipeline reads from `plugin.yml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginMeta {
    /// `name`, `^[a-z0-9-]+$`.
    pub name: String,
    /// `namespace`, `^[a-z0-9]+$`.
    pub namespace: String,
    /// `version` as wazo-plugind sees it after PyYAML and `str()` (`1.10` becomes `1.1`).
    pub version: String,
    /// `version` exactly as written in the file.
    pub version_as_written: String,
    /// `plugin_format_version`, 0 when absent.
    pub plugin_format_version: i64,
    /// `depends`, in file order.
    pub depends: Vec<Dependency>,
    /// `debian_depends`, in file order, verbatim.
    pub debian_depends: Vec<String>,
}

impl PluginMeta {
    /// The Debian package name wazo-plugind gives the plugin.
    pub fn package_name(&self) -> String {
        format!("wazo-plugind-{}-{}", self.name, self.namespace)
    }

    /// The `.deb` file name: `wazo-plugind-<name>-<ns>_<version>_all.deb`.
    pub fn deb_file_name(&self) -> String {
        format!("{}_{}_all.deb", self.package_name(), self.version)
    }
}

/// Why `plugin.yml` could not be read for packaging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError {
    /// What is wrong, in one sentence.
    pub message: String,
    /// Byte range in the source, when known.
    pub span: Option<std::ops::Range<usize>>,
}

#[derive(Debug, Clone)]
enum Node {
    Scalar(String, ScalarStyle, std::ops::Range<usize>),
    Seq(Vec<Node>, std::ops::Range<usize>),
    Map(Vec<(Node, Node)>, std::ops::Range<usize>),
}

impl Node {
    fn span(&self) -> std::ops::Range<usize> {
        match self {
            Node::Scalar(_, _, s) | Node::Seq(_, s) | Node::Map(_, s) => s.clone(),
        }
    }
}

fn err(message: impl Into<String>, span: Option<std::ops::Range<usize>>) -> MetadataError {
    MetadataError {
        message: message.into(),
        span,
    }
}

/// Char index (saphyr) to byte offset.
fn byte_at(src: &str, char_index: usize) -> usize {
    src.char_indices()
        .nth(char_index)
        .map_or(src.len(), |(b, _)| b)
}

fn build_tree(src: &str) -> Result<Option<Node>, MetadataError> {
    let mut stack: Vec<Node> = Vec::new();
    let mut pending_keys: Vec<Option<Node>> = Vec::new();
    let mut root = None;
    for item in Parser::new_from_str(src) {
        let (event, span) = item.map_err(|e| {
            let at = byte_at(src, e.marker().index());
            err(
                format!("plugin.yml is not valid YAML: {}", e.info()),
                Some(at..at),
            )
        })?;
        let range = byte_at(src, span.start.index())..byte_at(src, span.end.index());
        let done = match event {
            Event::Scalar(v, style, _, _) => Some(Node::Scalar(v.into_owned(), style, range)),
            Event::SequenceStart(..) => {
                stack.push(Node::Seq(Vec::new(), range));
                None
            }
            Event::MappingStart(..) => {
                stack.push(Node::Map(Vec::new(), range));
                pending_keys.push(None);
                None
            }
            Event::SequenceEnd => stack.pop(),
            Event::MappingEnd => {
                pending_keys.pop();
                stack.pop()
            }
            Event::Alias(_) => return Err(err("aliases are not supported here", Some(range))),
            _ => None,
        };
        let Some(node) = done else { continue };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Node::Seq(items, _)) => items.push(node),
            Some(Node::Map(entries, _)) => {
                let slot = pending_keys.last_mut();
                match slot {
                    Some(slot @ None) => *slot = Some(node),
                    Some(slot) => {
                        if let Some(key) = slot.take() {
                            entries.push((key, node));
                        }
                    }
                    None => {}
                }
            }
            Some(Node::Scalar(..)) => {}
        }
    }
    Ok(root)
}

/// YAML 1.1 resolution of a plain scalar, as far as packaging cares.
enum Plain {
    Null,
    Bool,
    Int(i64),
    Float(f64),
    Str,
}

fn resolve_plain(text: &str) -> Plain {
    let t = text;
    if matches!(t, "" | "~" | "null" | "Null" | "NULL") {
        return Plain::Null;
    }
    let bools = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
    ];
    if bools.contains(&t) {
        return Plain::Bool;
    }
    let cleaned: String = t.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = match cleaned.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let int = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return Plain::Int(if neg { -i } else { i });
    }
    // YAML 1.1 float: [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?
    let float_like = digits.contains('.')
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && digits.matches('.').count() == 1
        && !digits.starts_with(['e', 'E']);
    if float_like && let Ok(f) = digits.parse::<f64>() {
        return Plain::Float(if neg { -f } else { f });
    }
    Plain::Str
}

/// Python's `str(float)` for ordinary values.
fn python_float_str(f: f64) -> String {
    let s = format!("{f}");
    if s.contains(['.', 'e', 'i', 'N']) {
        s
    } else {
        format!("{s}.0")
    }
}

fn lookup<'a>(map: &'a [(Node, Node)], key: &str) -> Option<&'a Node> {
    map.iter().find_map(|(k, v)| match k {
        Node::Scalar(s, _, _) if s == key => Some(v),
        _ => None,
    })
}

fn string_field(
    map: &[(Node, Node)],
    key: &str,
    whole: &std::ops::Range<usize>,
) -> Result<String, MetadataError> {
    match lookup(map, key) {
        None => Err(err(
            format!("`{key}` is missing (required by wazo-plugind)"),
            Some(whole.clone()),
        )),
        Some(Node::Scalar(s, ScalarStyle::Plain, span)) => match resolve_plain(s) {
            Plain::Str => Ok(s.clone()),
            _ => Err(err(
                format!("`{key}: {s}` is not a string for YAML 1.1; quote it"),
                Some(span.clone()),
            )),
        },
        Some(Node::Scalar(s, _, _)) => Ok(s.clone()),
        Some(other) => Err(err(format!("`{key}` must be a string"), Some(other.span()))),
    }
}

/// Reads the fields packaging needs from the text of `plugin.yml`.
pub fn parse(src: &str) -> Result<PluginMeta, MetadataError> {
    let root = build_tree(src)?;
    let (map, whole) = match root {
        Some(Node::Map(m, span)) => (m, span),
        Some(Node::Scalar(s, _, _)) if s.is_empty() => (Vec::new(), 0..src.len()),
        None => (Vec::new(), 0..src.len()),
        Some(other) => return Err(err("plugin.yml must be a mapping", Some(other.span()))),
    };
    let name = string_field(&map, "name", &whole)?;
    let namespace = string_field(&map, "namespace", &whole)?;
    let (version, version_as_written) = match lookup(&map, "version") {
        Some(Node::Scalar(s, ScalarStyle::Plain, span)) => match resolve_plain(s) {
            Plain::Str => (s.clone(), s.clone()),
            Plain::Int(i) => (i.to_string(), s.clone()),
            Plain::Float(f) => (python_float_str(f), s.clone()),
            Plain::Null | Plain::Bool => {
                return Err(err(
                    format!("`version: {s}` is not a string"),
                    Some(span.clone()),
                ));
            }
        },
        _ => {
            let v = string_field(&map, "version", &whole)?;
            (v.clone(), v)
        }
    };
    let plugin_format_version = match lookup(&map, "plugin_format_version") {
        None => 0,
        Some(Node::Scalar(s, ScalarStyle::Plain, span)) => match resolve_plain(s) {
            Plain::Int(i) => i,
            Plain::Float(f) => f.trunc() as i64,
            Plain::Null => 0,
            _ => {
                return Err(err(
                    "`plugin_format_version` must be an integer",
                    Some(span.clone()),
                ));
            }
        },
        Some(n) => {
            return Err(err(
                "`plugin_format_version` must be an unquoted integer (wazo-plugind fails at packaging otherwise)",
                Some(n.span()),
            ));
        }
    };
    if !(0..=2).contains(&plugin_format_version) {
        return Err(err("`plugin_format_version` must be between 0 and 2", None));
    }
    let mut depends = Vec::new();
    match lookup(&map, "depends") {
        None => {}
        Some(Node::Scalar(s, ScalarStyle::Plain, _)) if matches!(resolve_plain(s), Plain::Null) => {
        }
        Some(Node::Seq(items, _)) => {
            for item in items {
                let Node::Map(entry, span) = item else {
                    return Err(err(
                        "each `depends` entry must be a mapping",
                        Some(item.span()),
                    ));
                };
                depends.push(Dependency {
                    name: string_field(entry, "name", span)?,
                    namespace: string_field(entry, "namespace", span)?,
                });
            }
        }
        Some(n) => return Err(err("`depends` must be a list", Some(n.span()))),
    }
    let mut debian_depends = Vec::new();
    match lookup(&map, "debian_depends") {
        None => {}
        Some(Node::Scalar(s, ScalarStyle::Plain, _)) if matches!(resolve_plain(s), Plain::Null) => {
        }
        Some(Node::Seq(items, _)) => {
            for item in items {
                match item {
                    Node::Scalar(s, _, _) => debian_depends.push(s.clone()),
                    other => {
                        return Err(err(
                            "each `debian_depends` entry must be a string",
                            Some(other.span()),
                        ));
                    }
                }
            }
        }
        Some(n) => {
            return Err(err(
                "`debian_depends` must be a list of strings (wazo-plugind would split a string into characters)",
                Some(n.span()),
            ));
        }
    }
    Ok(PluginMeta {
        name,
        namespace,
        version,
        version_as_written,
        plugin_format_version,
        depends,
        debian_depends,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helloworld() {
        let m = parse("namespace: demo\nname: helloworld\ndescription: x\nversion: 0.0.1\nplugin_format_version: 0\n").unwrap();
        assert_eq!(m.package_name(), "wazo-plugind-helloworld-demo");
        assert_eq!(
            m.deb_file_name(),
            "wazo-plugind-helloworld-demo_0.0.1_all.deb"
        );
        assert_eq!(m.plugin_format_version, 0);
    }

    #[test]
    fn pyyaml_conversions() {
        let table = [
            ("1.10", "1.1"),
            ("'1.10'", "1.10"),
            ("2", "2"),
            ("1.0", "1.0"),
            ("010", "8"),
            ("1.2.3", "1.2.3"),
        ];
        for (written, seen) in table {
            let m = parse(&format!("name: a\nnamespace: b\nversion: {written}\n")).unwrap();
            assert_eq!(m.version, seen, "{written}");
        }
    }

    #[test]
    fn depends_and_errors() {
        let m = parse("name: a\nnamespace: b\nversion: '1'\nplugin_format_version: 1\ndepends:\n  - name: c\n    namespace: d\ndebian_depends: [curl, 'a | b']\n").unwrap();
        assert_eq!(
            m.depends,
            vec![Dependency {
                name: "c".into(),
                namespace: "d".into()
            }]
        );
        assert_eq!(m.debian_depends, vec!["curl", "a | b"]);
        assert_eq!(m.plugin_format_version, 1);
        assert!(parse("name: a\nversion: '1'\n").is_err());
        assert!(parse("name: no\nnamespace: b\nversion: '1'\n").is_err());
        assert!(parse("name: a\nnamespace: b\nversion: '1'\ndebian_depends: curl\n").is_err());
        assert!(
            parse("name: a\nnamespace: b\nversion: '1'\nplugin_format_version: '1'\n").is_err()
        );
        assert!(parse("name: [a\n").is_err());
    }
}
