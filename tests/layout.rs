//! The module graph has no circles: every `crate::…` path in the hand-written modules and in
//! the generated files they include is an edge from the module that writes it to the module
//! it names, and following edges never comes back. (The crate root, which declares every
//! module and re-exports the public items, is left out.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Generated files and the module that includes each.
const GENERATED: &[(&str, &str)] = &[
    ("codegen.rs", "generated::progenitor"),
    ("open_enums.rs", "generated::enums"),
    ("public_types.rs", "generated::types"),
    ("operations.rs", "operations"),
    ("schema_table.rs", "request::schema"),
];

fn module_of(path: &Path) -> String {
    let relative = path.strip_prefix("src").unwrap().with_extension("");
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p != "mod")
        .collect();
    parts.join("::")
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and its unit tests.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b::…` path of a text, as segments.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut segments = Vec::new();
        let mut tail = rest;
        loop {
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            if end == 0 {
                // `crate::{a, b}` or `crate::x::{a, b}`: each name of the group.
                if tail.starts_with('{') {
                    let close = tail.find('}').unwrap_or(tail.len());
                    for name in tail[1..close].split(',') {
                        let name = name.trim().split("::").next().unwrap_or("").trim();
                        if !name.is_empty() {
                            let mut path = segments.clone();
                            path.push(name.to_string());
                            paths.push(path);
                        }
                    }
                }
                break;
            }
            segments.push(tail[..end].to_string());
            tail = &tail[end..];
            if let Some(next) = tail.strip_prefix("::") {
                tail = next;
            } else {
                break;
            }
        }
        if !segments.is_empty() {
            paths.push(segments);
        }
    }
    paths
}

#[test]
fn there_are_no_module_circles() {
    let mut sources = Vec::new();
    files(Path::new("src"), &mut sources);
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for path in &sources {
        let module = module_of(path);
        if module == "lib" {
            continue;
        }
        texts
            .entry(module)
            .or_default()
            .push_str(&code(&std::fs::read_to_string(path).unwrap()));
    }
    for (file, module) in GENERATED {
        let text = std::fs::read_to_string(Path::new(env!("OUT_DIR")).join(file)).unwrap();
        texts.entry(module.to_string()).or_default().push_str(&text);
    }
    let modules: BTreeSet<String> = texts.keys().cloned().collect();
    // Items the root re-exports, and the module each comes from.
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    let mut reexports: BTreeMap<String, String> = BTreeMap::new();
    let mut globs: Vec<String> = Vec::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let path = path.trim_start_matches("crate::");
        let (module, names) = match path.split_once("::{") {
            Some((module, names)) => (module, names.trim_end_matches('}').to_string()),
            None => match path.rsplit_once("::") {
                Some((module, name)) => (module, name.to_string()),
                None => continue,
            },
        };
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name == "*" {
                globs.push(module.to_string());
            } else {
                reexports.insert(name.to_string(), module.to_string());
            }
        }
    }
    let resolve = |path: &[String]| -> Option<String> {
        for len in (1..=path.len()).rev() {
            let candidate = path[..len].join("::");
            if modules.contains(&candidate) {
                return Some(candidate);
            }
        }
        let first = path.first()?;
        // A glob re-export (`pub use generated::enums::*`): the module that declares the name.
        let glob = || {
            globs.iter().find(|module| {
                texts.get(module.as_str()).is_some_and(|text| {
                    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|word| word == first)
                })
            })
        };
        let module = reexports.get(first.as_str()).or_else(glob)?;
        let mut full: Vec<String> = module.split("::").map(str::to_string).collect();
        full.extend(path[1..].iter().cloned());
        (1..=full.len())
            .rev()
            .map(|len| full[..len].join("::"))
            .find(|candidate| modules.contains(candidate))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &texts {
        for path in crate_paths(text) {
            if let Some(target) = resolve(&path)
                && &target != module
                && !target.starts_with(&format!("{module}::"))
            {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    // The scan sees the generated files and the glob re-exports.
    assert!(
        edges
            .get("operations")
            .is_some_and(|e| e.contains("core::transport")),
        "{edges:#?}"
    );
    assert!(
        edges
            .get("generated::progenitor")
            .is_some_and(|e| e.contains("generated::enums") && e.contains("core::hooks")),
        "{edges:#?}"
    );
    // Depth-first search for a path that comes back.
    fn visit(
        module: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = stack.iter().position(|m| m == module) {
            panic!("module circle: {} -> {module}", stack[at..].join(" -> "));
        }
        if done.contains(module) {
            return;
        }
        stack.push(module.to_string());
        for next in edges.get(module).into_iter().flatten() {
            visit(next, edges, stack, done);
        }
        stack.pop();
        done.insert(module.to_string());
    }
    let mut done = BTreeSet::new();
    for module in &modules {
        visit(module, &edges, &mut Vec::new(), &mut done);
    }
}
