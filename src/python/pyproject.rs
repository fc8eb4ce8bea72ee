//! pyproject.toml's `[project.entry-points."group"]` tables and setuptools' package data.

use std::path::Path;

use super::{EntryPoint, Packaging};

pub(super) fn read(rel: &Path, text: &str, out: &mut Packaging) {
    let doc: toml::Spanned<toml::Table> = match toml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            out.errors
                .push((rel.to_path_buf(), e.message().to_string(), span));
            return;
        }
    };
    let doc = doc.into_inner();
    if let Some(groups) = doc
        .get("project")
        .and_then(|p| p.get("entry-points"))
        .and_then(|e| e.as_table())
    {
        for (group, table) in groups {
            let Some(table) = table.as_table() else {
                continue;
            };
            let group_span = find(text, group).unwrap_or(0..0);
            for (name, target) in table {
                let Some(target) = target.as_str() else {
                    continue;
                };
                let span = find_after(text, group_span.end, target).unwrap_or(group_span.clone());
                out.entry_points.push(EntryPoint {
                    group: group.clone(),
                    name: name.clone(),
                    target: target.to_string(),
                    file: rel.to_path_buf(),
                    span,
                    group_span: group_span.clone(),
                });
            }
        }
    }
    let setuptools = doc.get("tool").and_then(|t| t.get("setuptools"));
    if let Some(data) = setuptools
        .and_then(|s| s.get("package-data"))
        .and_then(|d| d.as_table())
    {
        for list in data.values() {
            if let Some(items) = list.as_array() {
                out.package_data
                    .extend(items.iter().filter_map(|i| i.as_str()).map(String::from));
            }
        }
    }
    // setuptools includes package data by default with pyproject.toml.
    out.include_package_data |= setuptools
        .and_then(|s| s.get("include-package-data"))
        .and_then(|v| v.as_bool())
        .unwrap_or(true);
}

/// The byte range of a quoted or bare occurrence of `s` in the text.
fn find(text: &str, s: &str) -> Option<std::ops::Range<usize>> {
    find_after(text, 0, s)
}

fn find_after(text: &str, from: usize, s: &str) -> Option<std::ops::Range<usize>> {
    let i = text.get(from..)?.find(s)? + from;
    Some(i..i + s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_point_tables() {
        let text = "[project]\nname = \"x\"\n\n[project.entry-points.\"wazo_calld.plugins\"]\nx = \"my_x.plugin:Plugin\"\n";
        let mut out = Packaging::default();
        read(Path::new("pyproject.toml"), text, &mut out);
        assert_eq!(out.entry_points.len(), 1);
        assert_eq!(
            &text[out.entry_points[0].span.clone()],
            "my_x.plugin:Plugin"
        );
        assert_eq!(
            &text[out.entry_points[0].group_span.clone()],
            "wazo_calld.plugins"
        );
    }
}
