//! How PyYAML's `safe_load` (a YAML 1.1 resolver) types a plain (unquoted) scalar.
//!
//! wazo-plugind reads plugin.yml with PyYAML, so `version: 1.10` reaches it as the float 1.1,
//! `name: no` as `False` and `version: 2024-01-01` as a date. [`resolve_plain`] follows
//! PyYAML's implicit resolver patterns (bool, float, int, merge, null, timestamp, value, in that
//! order) and what its safe constructors then build, including the values they fail on.
//! [`python_str`] gives what Python's `str()` makes of a number.

mod pyrepr;
mod resolve;
mod scan;

pub use pyrepr::{python_float_repr, python_str};
pub use resolve::resolve_plain;

/// The Python value PyYAML's `safe_load` builds from a plain scalar.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml11Value {
    /// `None`: the empty scalar, `~`, `null`, `Null`, `NULL`.
    Null,
    /// `yes`/`no`/`true`/`false`/`on`/`off` in lower, Title or UPPER case (not `y`/`n`).
    Bool(bool),
    /// An `int`, held as Python's decimal `str()` of it (Python ints have no size limit):
    /// `0123` is `"83"`, `0x1F` is `"31"`, `1_000` is `"1000"`, `1:30` is `"90"`.
    Int(String),
    /// A `float`: `1.10`, `1.0e+3`, `.5`, `1:30.5`, `.inf`, `.nan`.
    Float(f64),
    /// A `datetime.date` (`date_only`) or a `datetime.datetime`.
    Timestamp {
        /// True for a `YYYY-MM-DD` date without a time.
        date_only: bool,
    },
    /// PyYAML resolves a type but `safe_load` then raises: `=` and `<<` have no safe
    /// constructor, `0b_` and `0x_` have no digits, `2024-02-30` is not a date.
    LoadError(String),
    /// A `str`: the scalar text unchanged.
    Str,
}

impl Yaml11Value {
    /// The integer value when it is an int that fits an `i128`.
    pub fn as_i128(&self) -> Option<i128> {
        match self {
            Yaml11Value::Int(decimal) => decimal.parse().ok(),
            _ => None,
        }
    }

    /// What the value is, in the words of a message: "a boolean", "a date", ...
    pub fn kind(&self) -> &'static str {
        match self {
            Yaml11Value::Null => "null",
            Yaml11Value::Bool(_) => "a boolean",
            Yaml11Value::Int(_) => "an integer",
            Yaml11Value::Float(_) => "a float",
            Yaml11Value::Timestamp { date_only: true } => "a date",
            Yaml11Value::Timestamp { date_only: false } => "a timestamp",
            Yaml11Value::LoadError(_) => "a load error",
            Yaml11Value::Str => "a string",
        }
    }
}

#[cfg(test)]
mod tests;
