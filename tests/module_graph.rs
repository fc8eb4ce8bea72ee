//! The library's modules depend on each other in one direction: no cycle between top-level
//! modules, and none of them on the command line (which lives in the binary, src/cli/).
//! docs/development.md shows the graph this test reads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its code names as `crate::<module>`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if matches!(name.as_str(), "main" | "lib" | "cli") {
            continue;
        }
        let mut deps = BTreeSet::new();
        for file in walkdir::WalkDir::new(&path).into_iter().flatten() {
            if file.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(file.path()).unwrap();
            // Code only: a doc comment may name any module.
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for part in code.split("crate::").skip(1) {
                let module: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !module.is_empty() && module != name {
                    deps.insert(module);
                }
            }
        }
        graph.insert(name, deps);
    }
    graph
}

#[test]
fn no_cycle_between_modules_and_no_dependency_on_the_command_line() {
    let graph = graph();
    for (module, deps) in &graph {
        assert!(
            !deps.contains("cli"),
            "src/{module} uses crate::cli: the library never depends on the command line"
        );
    }
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("module cycle: {} -> {node}", path[at..].join(" -> "));
        }
        path.push(node.to_string());
        for dep in graph.get(node).into_iter().flatten() {
            visit(dep, graph, path, done);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_graph_in_the_docs_is_current() {
    let mut text = String::new();
    for (module, deps) in graph() {
        let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
        text.push_str(&format!("{module} -> {}\n", deps.join(", ")));
    }
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/development.md");
    let current = std::fs::read_to_string(&docs).unwrap();
    let (start, end) = (
        "<!-- module graph -->\n```\n",
        "```\n<!-- end module graph -->",
    );
    let (Some(a), Some(b)) = (current.find(start), current.find(end)) else {
        panic!("docs/development.md has no module graph section");
    };
    let shown = &current[a + start.len()..b];
    if shown != text {
        if std::env::var("WAZO_PLUGIN_UPDATE_DOCS").is_ok() {
            let updated = format!("{}{text}{}", &current[..a + start.len()], &current[b..]);
            std::fs::write(&docs, updated).unwrap();
        } else {
            panic!(
                "docs/development.md's module graph is stale; run \
                 WAZO_PLUGIN_UPDATE_DOCS=1 cargo test --test module_graph\n{text}"
            );
        }
    }
}

/// Errors are typed: no public function of the library returns `Result<_, String>`.
#[test]
fn no_public_function_returns_a_string_error() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for file in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = file.path();
        if path.extension().is_none_or(|e| e != "rs")
            || path.starts_with(src.join("cli"))
            || path == src.join("main.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // A signature may span lines: join each `pub fn` up to its body.
        for (i, part) in text.split("pub fn ").enumerate().skip(1) {
            let signature = part.split('{').next().unwrap_or("");
            let compact: String = signature.split_whitespace().collect::<Vec<_>>().join(" ");
            if result_error(&compact) == Some("String") {
                found.push(format!("{}: pub fn {} (#{i})", path.display(), compact));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// The error type of the `Result<T, E>` a signature returns, as written.
fn result_error(signature: &str) -> Option<&str> {
    let returned = signature.rsplit_once("->")?.1.trim();
    let inner = returned.strip_prefix("Result<")?.strip_suffix('>')?;
    let mut depth = 0;
    let mut last_comma = None;
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => last_comma = Some(i),
            _ => {}
        }
    }
    Some(inner[last_comma? + 1..].trim())
}

#[test]
fn result_error_reads_the_last_argument() {
    assert_eq!(
        result_error("f() -> Result<BTreeMap<String, String>, E>"),
        Some("E")
    );
    assert_eq!(
        result_error("f(a: u8) -> Result<(), String>"),
        Some("String")
    );
    assert_eq!(result_error("f() -> io::Result<()>"), None);
}
