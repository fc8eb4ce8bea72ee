//! setup.cfg's `[options.entry_points]` (configparser's INI: `group =` then indented
//! `name = target` continuation lines) and `[options.package_data]`.

use std::ops::Range;
use std::path::Path;

use super::{EntryPoint, Packaging, split_spec};

pub(super) fn read(rel: &Path, text: &str, out: &mut Packaging) {
    let mut section = String::new();
    let mut group: Option<(String, Range<usize>)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_string();
            group = None;
            continue;
        }
        let indented = body.starts_with([' ', '\t']);
        let span = start + (body.len() - body.trim_start().len())..start + body.trim_end().len();
        match section.as_str() {
            "options.entry_points" => {
                if !indented {
                    let (key, value) = trimmed.split_once(['=', ':']).unwrap_or((trimmed, ""));
                    let key_start = span.start;
                    group = Some((
                        key.trim().to_string(),
                        key_start..key_start + key.trim().len(),
                    ));
                    if let Some((name, target)) = split_spec(value)
                        && let Some((g, gs)) = &group
                    {
                        push(out, rel, g, gs, name, target, span);
                    }
                } else if let Some((g, gs)) = &group
                    && let Some((name, target)) = split_spec(trimmed)
                {
                    push(out, rel, g, gs, name, target, span);
                }
            }
            "options.package_data" => {
                let value = if indented {
                    trimmed
                } else {
                    trimmed.split_once(['=', ':']).map_or("", |(_, v)| v)
                };
                out.package_data.extend(
                    value
                        .split([',', ' '])
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
            }
            "options" if !indented => {
                if let Some((k, v)) = trimmed.split_once(['=', ':'])
                    && k.trim() == "include_package_data"
                {
                    out.include_package_data |= matches!(
                        v.trim().to_ascii_lowercase().as_str(),
                        "true" | "yes" | "1" | "on"
                    );
                }
            }
            _ => {}
        }
    }
}

fn push(
    out: &mut Packaging,
    rel: &Path,
    group: &str,
    group_span: &Range<usize>,
    name: String,
    target: String,
    span: Range<usize>,
) {
    out.entry_points.push(EntryPoint {
        group: group.to_string(),
        name,
        target,
        file: rel.to_path_buf(),
        span,
        group_span: group_span.clone(),
    });
}

/// setup.py's `entry_points="""[group]\nname = target"""`: every entry point points at the string.
pub(super) fn read_ini_entry_points(
    rel: &Path,
    text: &str,
    span: Range<usize>,
    out: &mut Packaging,
) {
    let mut group: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            group = Some(t[1..t.len() - 1].trim().to_string());
        } else if let (Some(g), Some((name, target))) = (&group, split_spec(t)) {
            push(out, rel, g, &span, name, target, span.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_continuation_lines() {
        let text = "[metadata]\nname = x\n\n[options]\ninclude_package_data = True\n\n[options.entry_points]\nwazo_calld.plugins =\n    x = my_x.plugin:Plugin\n    y = my_y.plugin:Plugin\n";
        let mut out = Packaging::default();
        read(Path::new("setup.cfg"), text, &mut out);
        assert_eq!(out.entry_points.len(), 2);
        assert_eq!(out.entry_points[1].name, "y");
        assert_eq!(
            &text[out.entry_points[0].group_span.clone()],
            "wazo_calld.plugins"
        );
        assert_eq!(
            &text[out.entry_points[0].span.clone()],
            "x = my_x.plugin:Plugin"
        );
        assert!(out.include_package_data);
    }
}
