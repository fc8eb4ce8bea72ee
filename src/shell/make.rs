//! A line scanner for Makefile rules scripts (`#!/usr/bin/make -f`): rule targets and the
//! extent of each rule. Recipes are not parsed.

use super::Span;

/// One rule: `a b: prerequisites` and its recipe lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    /// The targets, each with its byte range.
    pub targets: Vec<(String, Span)>,
    /// From the start of the rule line to the end of its last recipe line.
    pub span: Span,
}

/// The rules of a Makefile, in order. Special targets (`.PHONY`, `.SILENT`...) are skipped,
/// except `.DEFAULT`, which is kept as a target; pattern rules are kept as written (`%`).
pub(crate) fn rules(text: &str) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut offset = 0;
    let mut in_define = false;
    let mut continued = false;
    let mut in_recipe = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let was_continued = continued;
        continued = content.ends_with('\\');
        if was_continued {
            extend_recipe(&mut rules, in_recipe, start + content.len());
            continue;
        }
        let trimmed = content.trim_start();
        if in_define {
            in_define = trimmed != "endef";
            continue;
        }
        if content.starts_with('\t') {
            extend_recipe(&mut rules, in_recipe, start + content.len());
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        in_recipe = false;
        if trimmed.split_whitespace().next() == Some("define") {
            in_define = true;
            continue;
        }
        let Some(colon) = rule_colon(content) else {
            continue;
        };
        let mut targets = Vec::new();
        let mut pos = 0;
        for word in content[..colon].split([' ', '\t']) {
            let word_start = pos;
            pos += word.len() + 1;
            if word.is_empty() || (word.starts_with('.') && word != ".DEFAULT") {
                continue;
            }
            targets.push((
                word.to_string(),
                start + word_start..start + word_start + word.len(),
            ));
        }
        if targets.is_empty() {
            continue;
        }
        // A recipe can follow `;` on the rule line.
        rules.push(Rule {
            targets,
            span: start..start + content.len(),
        });
        in_recipe = true;
    }
    rules
}

fn extend_recipe(rules: &mut [Rule], in_recipe: bool, end: usize) {
    if in_recipe && let Some(rule) = rules.last_mut() {
        rule.span.end = end;
    }
}

/// The byte index of the `:` that makes the line a rule, or `None` for assignments
/// (`x = a:b`, `x := y`, `x ::= y`, `x ?= y`) and other lines.
fn rule_colon(line: &str) -> Option<usize> {
    let colon = line.find(':')?;
    if let Some(eq) = line.find('=')
        && eq < colon
    {
        return None;
    }
    let after = &line[colon..];
    if after.starts_with(":=") || after.starts_with("::=") || after.starts_with(":::=") {
        return None;
    }
    // `ifeq (a,b)` and friends never contain a rule colon before a parenthesis; drop lines
    // whose text before the colon holds a `$(`, as they are computed targets we cannot read.
    if line[..colon].contains("$(") || line[..colon].contains("${") {
        return None;
    }
    Some(colon)
}
