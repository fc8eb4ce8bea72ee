//! Variable values: given ones checked, defaults rendered, all validated by the same rules.

use std::collections::BTreeMap;

use minijinja::Value;

use super::error::ScaffoldError;
use super::kind::Kind;
use super::render::environment;
use super::template::{Template, Variable};

/// The value of every variable of a template, in resolution order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    values: Vec<(String, String)>,
    kinds: Vec<Kind>,
}

impl Resolved {
    /// The value of `name`, if resolved.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `(name, value)` pairs in resolution order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    fn push(&mut self, name: &str, kind: Kind, value: String) {
        self.values.push((name.to_string(), value));
        self.kinds.push(kind);
    }

    /// The minijinja context: strings, except format versions, which are integers.
    pub(crate) fn context(&self) -> Value {
        let map: BTreeMap<&str, Value> = self
            .values
            .iter()
            .zip(&self.kinds)
            .map(|((name, value), kind)| {
                let v = match (kind, value.parse::<i64>()) {
                    (Kind::FormatVersion, Ok(n)) => Value::from(n),
                    _ => Value::from(value.as_str()),
                };
                (name.as_str(), v)
            })
            .collect();
        Value::from(map)
    }
}

/// Splits `KEY=VALUE` (the value may itself contain `=`).
pub fn parse_assignment(text: &str) -> Result<(String, String), ScaffoldError> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(ScaffoldError::BadAssignment {
            text: text.to_string(),
        }),
    }
}

/// Checks one value against its variable's rule.
pub fn check_value(var: &Variable, value: &str, from_default: bool) -> Result<(), ScaffoldError> {
    var.kind
        .check(value)
        .map_err(|refusal| ScaffoldError::InvalidValue {
            variable: var.name.clone(),
            value: value.to_string(),
            problem: refusal.problem,
            suggestion: refusal.suggestion,
            from_default,
        })
}

/// Checks given `(key, value)` pairs: known keys, no conflicting repeats, valid values.
pub fn check_given(
    template: &Template,
    given: &[(String, String)],
) -> Result<BTreeMap<String, String>, ScaffoldError> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in given {
        let Some(var) = template.variables.iter().find(|v| &v.name == key) else {
            let known: Vec<String> = template.variables.iter().map(|v| v.name.clone()).collect();
            let suggestion = known
                .iter()
                .map(|k| (strsim::jaro_winkler(k, key), k))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| k.clone());
            return Err(ScaffoldError::UnknownVariable {
                key: key.clone(),
                suggestion,
                known,
            });
        };
        if let Some(first) = out.get(key) {
            if first != value {
                return Err(ScaffoldError::ConflictingValues {
                    key: key.clone(),
                    first: first.clone(),
                    second: value.clone(),
                });
            }
            continue;
        }
        check_value(var, value, false)?;
        out.insert(key.clone(), value.clone());
    }
    Ok(out)
}

/// Required variables (no default) that `given` does not set, in resolution order.
pub fn missing_required<'t>(
    template: &'t Template,
    given: &[(String, String)],
) -> Vec<&'t Variable> {
    template
        .variables
        .iter()
        .filter(|v| v.default.is_none() && !given.iter().any(|(k, _)| k == &v.name))
        .collect()
}

/// Resolves every variable: the given value, else its default rendered over the variables
/// before it. Every value, defaults included, is checked by its variable's rule.
pub fn resolve(template: &Template, given: &[(String, String)]) -> Result<Resolved, ScaffoldError> {
    let given = check_given(template, given)?;
    let missing: Vec<String> = template
        .variables
        .iter()
        .filter(|v| v.default.is_none() && !given.contains_key(&v.name))
        .map(|v| v.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(ScaffoldError::MissingValues { names: missing });
    }
    let env = environment();
    let mut resolved = Resolved::default();
    for var in &template.variables {
        if let Some(value) = given.get(&var.name) {
            resolved.push(&var.name, var.kind, value.clone());
            continue;
        }
        let Some(default) = &var.default else {
            continue;
        };
        let value = env.render_str(default, resolved.context()).map_err(|e| {
            ScaffoldError::BadTemplate {
                template: template.name.clone(),
                message: format!("default of `{}`: {e}", var.name),
            }
        })?;
        check_value(var, &value, true)?;
        resolved.push(&var.name, var.kind, value);
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::template::load_builtin;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn assignments() {
        assert_eq!(
            parse_assignment("a=b=c").unwrap(),
            ("a".to_string(), "b=c".to_string())
        );
        assert!(parse_assignment("novalue").is_err());
        assert!(parse_assignment("=x").is_err());
    }

    #[test]
    fn defaults_follow_earlier_values() {
        let t = load_builtin("python-plugin").unwrap();
        let r = resolve(
            &t,
            &pairs(&[("name", "call-logger"), ("namespace", "acme")]),
        )
        .unwrap();
        assert_eq!(r.get("module"), Some("acme_call_logger"));
        assert_eq!(r.get("entry_point_group"), Some("wazo_calld.plugins"));
        assert_eq!(r.get("plugin_format_version"), Some("1"));
    }

    #[test]
    fn bad_default_names_the_variable() {
        let t = load_builtin("python-plugin").unwrap();
        let err = resolve(&t, &pairs(&[("name", "x"), ("namespace", "42")])).unwrap_err();
        assert!(err.to_string().contains("-d module=VALUE"), "{err}");
    }

    #[test]
    fn given_values_are_checked() {
        let t = load_builtin("helloworld").unwrap();
        let err = resolve(
            &t,
            &pairs(&[("name", "Hello_World"), ("namespace", "acme")]),
        );
        match err {
            Err(ScaffoldError::InvalidValue { suggestion, .. }) => {
                assert_eq!(suggestion.as_deref(), Some("hello-world"))
            }
            other => panic!("{other:?}"),
        }
        let err = resolve(&t, &pairs(&[("name", "a"), ("namespce", "acme")])).unwrap_err();
        assert!(
            err.to_string().contains("did you mean `namespace`"),
            "{err}"
        );
        let err = resolve(&t, &pairs(&[("name", "a"), ("name", "b")])).unwrap_err();
        assert!(matches!(err, ScaffoldError::ConflictingValues { .. }));
        let err = resolve(&t, &pairs(&[("name", "a")])).unwrap_err();
        assert!(
            matches!(err, ScaffoldError::MissingValues { ref names } if names == &["namespace"])
        );
    }
}
