//! The layers of `src/` (issue 19): no import circle between two files, nor between two
//! top-level folders. CI runs this with the rest of `cargo test`; it reads the source as text.
//!
//! Every `crate::…` and `super::…` path outside `#[cfg(test)]` modules and comments, `use`
//! trees included, counts as an edge to the deepest module it names. A module using its own
//! children is not an edge (that is how a folder is built); a child using its parent is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module's path below the crate root (`["walk", "client"]`).
type Module = Vec<String>;

/// Circles that still exist, written as the check prints them; a new one fails the test with
/// the edges that make it, and one that is gone must be taken out of this list.
const KNOWN: &[&str] = &[];

#[test]
fn no_import_circle_between_files_or_folders() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let aliases = aliases(modules.get(&Vec::new()).map_or("", String::as_str));
    let mut files: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, text) in &modules {
        let edges = files.entry(module.clone()).or_default();
        for path in paths(&production_code(text)) {
            let Some(target) = resolve(&path, module, &modules, &aliases) else {
                continue;
            };
            if target != *module && !target.starts_with(module) {
                edges.insert(target);
            }
        }
    }
    let mut folders: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (from, targets) in &files {
        let Some(top) = from.first() else { continue };
        let edges = folders.entry(vec![top.clone()]).or_default();
        for to in targets.iter().filter_map(|t| t.first()) {
            if to != top {
                edges.insert(vec![to.clone()]);
            }
        }
    }
    let mut found = Vec::new();
    for (level, graph) in [("files", &files), ("folders", &folders)] {
        for circle in circles(graph) {
            let names: Vec<String> = circle.iter().map(name).collect();
            let shown = format!("{level}: {}", names.join(", "));
            let edges: Vec<String> = circle
                .iter()
                .flat_map(|from| {
                    let into = graph[from].iter().filter(|to| circle.contains(to));
                    into.map(move |to| format!("{} -> {}", name(from), name(to)))
                })
                .collect();
            found.push((shown, edges));
        }
    }
    let new: Vec<String> = found
        .iter()
        .filter(|(shown, _)| !KNOWN.contains(&shown.as_str()))
        .map(|(shown, edges)| format!("{shown}\n    {}", edges.join("\n    ")))
        .collect();
    assert!(new.is_empty(), "import circles:\n{}", new.join("\n"));
    let gone: Vec<&&str> = KNOWN
        .iter()
        .filter(|k| !found.iter().any(|(shown, _)| shown == *k))
        .collect();
    assert!(
        gone.is_empty(),
        "no longer circles, take them out of KNOWN: {gone:?}"
    );
}

fn name(module: &Module) -> String {
    module.join("/")
}

/// Every module file below `src` and its text; `main.rs` and test-only files left out.
fn modules(src: &Path) -> BTreeMap<Module, String> {
    let mut found = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut module: Module = rel.iter().map(|c| c.to_string_lossy().into()).collect();
            let last = module.last().cloned().unwrap_or_default();
            if path.extension().is_none_or(|e| e != "rs")
                || last == "tests"
                || last.ends_with("_tests")
                || module == ["main"]
            {
                continue;
            }
            if last == "mod" || module == ["lib"] {
                module.pop();
            }
            found.insert(module, std::fs::read_to_string(&path).unwrap());
        }
    }
    found
}

/// `pub use a::b;` / `pub use a::{b, c};` in the crate root: old paths kept for a while.
fn aliases(root: &str) -> BTreeMap<String, Module> {
    let mut found = BTreeMap::new();
    for statement in root.split(';') {
        let Some(tree) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        for path in flatten(&tree.split_whitespace().collect::<String>()) {
            let module: Module = path.split("::").map(String::from).collect();
            if let Some(last) = module.last() {
                found.insert(last.clone(), module);
            }
        }
    }
    found
}

/// The text without full-line comments and without `#[cfg(test)]` modules.
fn production_code(text: &str) -> String {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut out = String::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let header_end = after.find(['{', ';']).unwrap_or(after.len());
        if !after[..header_end].contains("mod ") || after[header_end..].starts_with(';') {
            out.push_str("#[cfg(test)]");
            rest = &after["#[cfg(test)]".len()..];
            continue;
        }
        let mut depth = 0;
        let mut end = after.len();
        for (i, c) in after.char_indices().skip(header_end) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every `crate::`, `super::` and `self::` path in `code`, `use` trees flattened.
fn paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let bytes = code.as_bytes();
    let mut at = 0;
    while let Some(i) = code[at..].find("use ").map(|i| at + i) {
        at = i + 4;
        if i > 0 && (ident(bytes[i - 1] as char) || bytes[i - 1] == b':') {
            continue;
        }
        let end = code[i..].find(';').map_or(code.len(), |e| i + e);
        let tree: String = code[i + 4..end].split_whitespace().collect();
        if ["crate::", "super::", "self::"]
            .iter()
            .any(|p| tree.starts_with(p))
        {
            found.extend(flatten(&tree));
        }
    }
    for start in ["crate::", "super::"] {
        let mut at = 0;
        while let Some(i) = code[at..].find(start).map(|i| at + i) {
            at = i + start.len();
            if i > 0 && (ident(bytes[i - 1] as char) || bytes[i - 1] == b':') {
                continue;
            }
            let len = code[i..]
                .find(|c: char| !(ident(c) || c == ':'))
                .unwrap_or(code.len() - i);
            found.push(code[i..i + len].trim_end_matches(':').to_string());
        }
    }
    found
}

/// `a::{b, c::{d, e}}` as `a::b`, `a::c::d`, `a::c::e` (`self` in a tree is its prefix).
fn flatten(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut parts, mut depth, mut part) = (Vec::new(), 0, String::new());
    for c in inner.chars() {
        match c {
            ',' if depth == 0 => parts.push(std::mem::take(&mut part)),
            '{' | '}' => {
                depth += if c == '{' { 1 } else { -1 };
                part.push(c);
            }
            _ => part.push(c),
        }
    }
    parts.push(part);
    let mut out = Vec::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if part == "self" {
            out.push(prefix.trim_end_matches(':').to_string());
        } else {
            out.extend(flatten(&format!("{prefix}{part}")));
        }
    }
    out
}

/// The deepest module `path` names, seen from `from`; `None` for the crate root itself.
fn resolve(
    path: &str,
    from: &Module,
    modules: &BTreeMap<Module, String>,
    aliases: &BTreeMap<String, Module>,
) -> Option<Module> {
    let mut segs = path.split("::").filter(|s| !s.is_empty()).peekable();
    let mut full: Module = match segs.peek().copied() {
        Some("crate") => {
            segs.next();
            Vec::new()
        }
        Some("self") => {
            segs.next();
            from.clone()
        }
        _ => {
            let mut base = from.clone();
            while segs.peek() == Some(&"super") {
                segs.next();
                base.pop();
            }
            base
        }
    };
    let rest: Vec<&str> = segs.filter(|s| *s != "self").collect();
    match (full.is_empty(), rest.first().and_then(|s| aliases.get(*s))) {
        (true, Some(target)) => {
            full.extend(target.iter().cloned());
            full.extend(rest[1..].iter().map(|s| s.to_string()));
        }
        _ => full.extend(rest.iter().map(|s| s.to_string())),
    }
    (1..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| modules.contains_key(m))
}

/// The strongly connected components of more than one module (Tarjan), each sorted.
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'g> {
        graph: &'g BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'g Module, (usize, usize)>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g Module) {
        let n = s.index.len();
        s.index.insert(v, (n, n));
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.index[w].1.min(s.index[v].1);
                s.index.get_mut(v).unwrap().1 = low;
            } else if s.on_stack.contains(w) {
                let low = s.index[w].0.min(s.index[v].1);
                s.index.get_mut(v).unwrap().1 = low;
            }
        }
        if s.index[v].0 == s.index[v].1 {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.found.sort();
    s.found
}
