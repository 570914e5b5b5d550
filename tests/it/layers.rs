//! Keeps the module graph one-way: every `crate::` path in a file under `src/` must point to a
//! module in a lower layer (or the file's own module), and no two files of one module may
//! import each other, directly or round a longer circle.
//!
//! `cargo test --test it layers -- --nocapture` prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first. A module may import only modules of lower layers: modules of one
/// layer sit beside each other and do not know each other.
const LAYERS: &[&[&str]] = &[
    &["spec"],
    &["redact", "response", "postman", "sandbox", "snapshot"],
    &["template", "vars", "openapi"],
    &["check", "http"],
    &["collection"],
    &["engine"],
    &["report", "import", "export"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// `text` without comments and string contents, which may mention paths without using them.
fn code(text: &str) -> String {
    let line_comments = regex::Regex::new(r"//[^\n]*").expect("regex");
    let strings = regex::Regex::new(r#""(?:[^"\\]|\\.)*""#).expect("regex");
    strings
        .replace_all(&line_comments.replace_all(text, ""), "\"\"")
        .into_owned()
}

/// For each file under `src/`: its top-level module, its own file name, and the text.
fn sources() -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).expect("under src");
                let parts: Vec<String> = relative
                    .iter()
                    .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
                    .collect();
                let module = match parts[0].as_str() {
                    "main" => "cli".to_owned(),
                    "lib" => "lib".to_owned(),
                    first => first.to_owned(),
                };
                let file = parts[1..].join("/");
                files.push((
                    module,
                    file,
                    code(&std::fs::read_to_string(&path).expect("source is text")),
                ));
            }
        }
    }
    files.sort();
    files
}

/// Module → the modules it imports.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let path = regex::Regex::new(r"\b(?:crate|runner)::(\w+)").expect("regex");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, _, text) in sources() {
        if module == "lib" {
            continue;
        }
        let used = graph.entry(module.clone()).or_default();
        for found in path.captures_iter(&text) {
            if found[1] != *module {
                used.insert(found[1].to_owned());
            }
        }
    }
    graph
}

/// Every import in `graph` that does not go down a layer.
fn upward_imports(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut problems = Vec::new();
    for (module, used) in graph {
        let Some(own) = layer(module) else {
            problems.push(format!("`{module}` is in no layer: add it to LAYERS"));
            continue;
        };
        for target in used {
            match layer(target) {
                Some(below) if below < own => {}
                Some(_) => problems.push(format!(
                    "`{module}` imports `{target}`, which is not below it"
                )),
                None => problems.push(format!("`{module}` imports `{target}`, in no layer")),
            }
        }
    }
    problems
}

#[test]
fn every_import_goes_down_a_layer() {
    let graph = module_graph();
    let mut problems: Vec<String> = Vec::new();
    println!("module graph (a → what it imports), lowest layer first:");
    for layer_modules in LAYERS {
        for module in *layer_modules {
            let used = graph.get(*module).cloned().unwrap_or_default();
            println!(
                "  {module} → {}",
                if used.is_empty() {
                    "(nothing)".to_owned()
                } else {
                    used.iter().cloned().collect::<Vec<_>>().join(", ")
                }
            );
        }
    }
    problems.extend(upward_imports(&graph));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every circle of imports between the files of one module, as `module: a → b → a`.
fn circles(graphs: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>) -> Vec<String> {
    let mut circles = Vec::new();
    for (module, graph) in graphs {
        for start in graph.keys() {
            // Depth-first from `start`: coming back to it closes a circle.
            let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
            while let Some((at, path)) = stack.pop() {
                for next in graph.get(&at).into_iter().flatten() {
                    if next == start {
                        let mut circle = path.clone();
                        circle.push(start.clone());
                        circles.push(format!("{module}: {}", circle.join(" → ")));
                    } else if !path.contains(next) {
                        let mut longer = path.clone();
                        longer.push(next.clone());
                        stack.push((next.clone(), longer));
                    }
                }
            }
        }
    }
    circles
}

#[test]
fn no_circle_between_the_files_of_a_module() {
    let reference = regex::Regex::new(r"\bsuper::(\w+)").expect("regex");
    let mut graphs: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let sources = sources();
    for (module, file, text) in &sources {
        // Files directly in a module's folder; `mod.rs` re-exports its files, by design.
        if file.is_empty() || file.contains('/') || file == "mod" {
            continue;
        }
        // A file's own unit tests (`mod tests { use super::*; }`) are not an import.
        let text = text.split("#[cfg(test)]").next().unwrap_or(text);
        let siblings: BTreeSet<&str> = sources
            .iter()
            .filter(|(m, f, _)| m == module && !f.contains('/') && f != "mod" && f != file)
            .map(|(_, f, _)| f.as_str())
            .collect();
        let own = format!(r"\b(?:crate|runner)::{module}::(\w+)");
        let own = regex::Regex::new(&own).expect("regex");
        let edges = graphs
            .entry(module.clone())
            .or_default()
            .entry(file.clone())
            .or_default();
        for found in reference.captures_iter(text).chain(own.captures_iter(text)) {
            if siblings.contains(&found[1]) {
                edges.insert(found[1].to_owned());
            }
        }
    }
    let circles = circles(&graphs);
    assert!(
        circles.is_empty(),
        "files import each other in a circle:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_checks_find_an_upward_import_and_a_circle() {
    let mut graph = module_graph();
    graph
        .entry("spec".to_owned())
        .or_default()
        .insert("engine".to_owned());
    assert_eq!(
        upward_imports(&graph),
        ["`spec` imports `engine`, which is not below it"]
    );
    let mut files: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    files
        .entry("flow".into())
        .or_default()
        .insert("step".into());
    files
        .entry("step".into())
        .or_default()
        .insert("request".into());
    files
        .entry("request".into())
        .or_default()
        .insert("flow".into());
    let graphs = BTreeMap::from([("engine".to_owned(), files)]);
    assert_eq!(circles(&graphs).len(), 3, "{:?}", circles(&graphs));
}
