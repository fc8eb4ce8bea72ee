//! setup.py, parsed as Python (Ruff's parser) and never run: the `entry_points=` and
//! `package_data=` arguments of the `setup(...)` call, as literals or through names assigned
//! at the top of the file.

use std::collections::HashMap;
use std::path::Path;

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::{EntryPoint, Packaging, split_spec};

pub(super) fn read(rel: &Path, text: &str, out: &mut Packaging) {
    let parsed = match ruff_python_parser::parse_module(text) {
        Ok(p) => p,
        Err(e) => {
            let start = usize::from(e.location.start()).min(text.len());
            let end = usize::from(e.location.end()).clamp(start, text.len());
            out.errors
                .push((rel.to_path_buf(), e.error.to_string(), start..end));
            return;
        }
    };
    let module = parsed.into_syntax();
    let mut names: HashMap<String, &Expr> = HashMap::new();
    let mut calls = Vec::new();
    collect(&module.body, &mut names, &mut calls);
    for call in calls {
        for kw in &call.arguments.keywords {
            let Some(arg) = kw.arg.as_ref().map(|a| a.as_str()) else {
                continue;
            };
            let value = resolve(&kw.value, &names);
            match arg {
                "entry_points" => entry_points(rel, value, &names, out),
                "package_data" => {
                    if let Expr::Dict(d) = value {
                        for item in &d.items {
                            for s in strings(resolve(&item.value, &names), &names) {
                                out.package_data.push(s.0);
                            }
                        }
                    }
                }
                "data_files" => out.data_files = true,
                "include_package_data" => {
                    if let Expr::BooleanLiteral(b) = value {
                        out.include_package_data |= b.value;
                    }
                }
                _ => {}
            }
        }
    }
}

/// Top-level assignments and `setup(...)` calls (inside `if __name__ == "__main__":` too).
fn collect<'a>(
    body: &'a [Stmt],
    names: &mut HashMap<String, &'a Expr>,
    calls: &mut Vec<&'a ast::ExprCall>,
) {
    for stmt in body {
        match stmt {
            Stmt::Assign(a) => {
                for t in &a.targets {
                    if let Expr::Name(n) = t {
                        names.insert(n.id.to_string(), &a.value);
                    }
                }
                if let Expr::Call(c) = a.value.as_ref() {
                    setup_call(c, calls);
                }
            }
            Stmt::Expr(e) => match e.value.as_ref() {
                Expr::Call(c) => setup_call(c, calls),
                // `setup(...),` is a tuple holding the call.
                Expr::Tuple(t) => {
                    for x in &t.elts {
                        if let Expr::Call(c) = x {
                            setup_call(c, calls);
                        }
                    }
                }
                _ => {}
            },
            Stmt::With(w) => collect(&w.body, names, calls),
            Stmt::Try(t) => {
                collect(&t.body, names, calls);
                collect(&t.orelse, names, calls);
            }
            Stmt::If(i) => {
                collect(&i.body, names, calls);
                for clause in &i.elif_else_clauses {
                    collect(&clause.body, names, calls);
                }
            }
            _ => {}
        }
    }
}

fn setup_call<'a>(c: &'a ast::ExprCall, calls: &mut Vec<&'a ast::ExprCall>) {
    let name = match c.func.as_ref() {
        Expr::Name(n) => n.id.as_str(),
        Expr::Attribute(a) => a.attr.as_str(),
        _ => return,
    };
    if name == "setup" {
        calls.push(c);
    }
}

fn resolve<'a>(e: &'a Expr, names: &HashMap<String, &'a Expr>) -> &'a Expr {
    let mut e = e;
    for _ in 0..8 {
        match e {
            Expr::Name(n) => match names.get(n.id.as_str()) {
                Some(v) => e = v,
                None => return e,
            },
            _ => return e,
        }
    }
    e
}

/// The strings of a string, list or tuple expression, with their byte ranges.
fn strings(e: &Expr, names: &HashMap<String, &Expr>) -> Vec<(String, std::ops::Range<usize>)> {
    let range = |r: ruff_text_size::TextRange| usize::from(r.start())..usize::from(r.end());
    match resolve(e, names) {
        Expr::StringLiteral(s) => vec![(s.value.to_str().to_string(), range(s.range))],
        Expr::List(l) => l.elts.iter().flat_map(|x| strings(x, names)).collect(),
        Expr::Tuple(t) => t.elts.iter().flat_map(|x| strings(x, names)).collect(),
        _ => Vec::new(),
    }
}

fn entry_points(rel: &Path, value: &Expr, names: &HashMap<String, &Expr>, out: &mut Packaging) {
    let range = |r: ruff_text_size::TextRange| usize::from(r.start())..usize::from(r.end());
    match value {
        Expr::Dict(d) => {
            for item in &d.items {
                let Some(Expr::StringLiteral(group)) = item.key.as_ref().map(|k| resolve(k, names))
                else {
                    continue;
                };
                let group_name = group.value.to_str().to_string();
                for (spec, span) in strings(&item.value, names) {
                    // A string may hold several lines (the INI form).
                    for line in spec.lines() {
                        if let Some((name, target)) = split_spec(line) {
                            out.entry_points.push(EntryPoint {
                                group: group_name.clone(),
                                name,
                                target,
                                file: rel.to_path_buf(),
                                span: span.clone(),
                                group_span: range(group.range),
                            });
                        }
                    }
                }
            }
        }
        Expr::StringLiteral(s) => {
            // entry_points="""[group]\nname = target""": the INI form.
            super::setup_cfg::read_ini_entry_points(rel, s.value.to_str(), range(s.range), out);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_through_a_name_and_inside_main() {
        let text = "from setuptools import setup\nEP = {'wazo_calld.plugins': ['x = my_x.plugin:Plugin']}\nif __name__ == '__main__':\n    setup(name='x', entry_points=EP, package_data={'my_x': ['api.yml']})\n";
        let mut out = Packaging::default();
        read(Path::new("setup.py"), text, &mut out);
        assert_eq!(out.entry_points.len(), 1);
        let ep = &out.entry_points[0];
        assert_eq!(
            (ep.group.as_str(), ep.name.as_str()),
            ("wazo_calld.plugins", "x")
        );
        assert_eq!(ep.target, "my_x.plugin:Plugin");
        assert_eq!(&text[ep.group_span.clone()], "'wazo_calld.plugins'");
        assert_eq!(out.package_data, ["api.yml"]);
    }

    #[test]
    fn a_call_in_a_tuple_or_a_with_block() {
        let text = "with open('x') as f:\n    m = 1\nsetup(\n    entry_points={'wazo_calld.plugins': ['k = k.plugin:Plugin']},\n),\n";
        let mut out = Packaging::default();
        read(Path::new("setup.py"), text, &mut out);
        assert_eq!(out.entry_points.len(), 1);
    }

    #[test]
    fn a_syntax_error_is_reported_not_run() {
        let mut out = Packaging::default();
        read(Path::new("setup.py"), "setup(\n", &mut out);
        assert_eq!(out.errors.len(), 1);
    }
}
