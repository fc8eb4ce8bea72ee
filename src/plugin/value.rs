//! How wazo-plugind sees a value: PyYAML's `safe_load` types plain scalars with YAML 1.1 rules
//! (yes/no are booleans, 0123 is octal, 2024-01-01 a date), where our own reading keeps text.

use crate::plugin::yaml::{Node, Style};
use crate::yaml11::{self, Yaml11Value};

/// A node as Python would see it after PyYAML.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue<'a> {
    Str(&'a str),
    Null,
    Bool(bool),
    /// An int; `python` is what `str()` gives.
    Int {
        python: String,
    },
    /// A float; `python` is what `str()` gives.
    Float {
        python: String,
    },
    /// A date or timestamp.
    Date,
    List,
    Map,
    /// A value PyYAML resolves to a type it then fails to construct (the load fails).
    Unloadable(String),
}

impl PyValue<'_> {
    /// How to name the value's type in a message.
    pub fn describe(&self) -> String {
        match self {
            PyValue::Str(_) => "a string".into(),
            PyValue::Null => "null (no value)".into(),
            PyValue::Bool(b) => format!("the boolean {}", if *b { "True" } else { "False" }),
            PyValue::Int { python } => format!("the integer {python}"),
            PyValue::Float { python } => format!("the float {python}"),
            PyValue::Date => "a date".into(),
            PyValue::List => "a list".into(),
            PyValue::Map => "a mapping".into(),
            PyValue::Unloadable(why) => format!("a value it cannot load ({why})"),
        }
    }
}

/// Reads `node` the way PyYAML would.
pub fn py_value(node: &Node) -> PyValue<'_> {
    use crate::plugin::yaml::NodeKind;
    match &node.kind {
        NodeKind::Seq(_) => PyValue::List,
        NodeKind::Map(_) => PyValue::Map,
        NodeKind::Scalar { value, style } => {
            if *style != Style::Plain || node.tagged {
                return PyValue::Str(value);
            }
            match yaml11::resolve_plain(value) {
                Yaml11Value::Str => PyValue::Str(value),
                Yaml11Value::Null => PyValue::Null,
                Yaml11Value::Bool(b) => PyValue::Bool(b),
                v @ Yaml11Value::Int(_) => PyValue::Int {
                    python: yaml11::python_str(&v).unwrap_or_else(|| value.clone()),
                },
                v @ Yaml11Value::Float(_) => PyValue::Float {
                    python: yaml11::python_str(&v).unwrap_or_else(|| value.clone()),
                },
                Yaml11Value::Timestamp { .. } => PyValue::Date,
                Yaml11Value::LoadError(why) => PyValue::Unloadable(why),
            }
        }
    }
}

/// The string wazo-plugind ends up with for a version field: strings as they are, numbers
/// through Python's `str()` (its `ensure_string_versions`). `None` for other types.
pub fn version_string(node: &Node) -> Option<String> {
    match py_value(node) {
        PyValue::Str(s) => Some(s.to_string()),
        PyValue::Int { python } | PyValue::Float { python } => Some(python),
        _ => None,
    }
}
