//! The crate's layering, checked from its own `use crate::…` and `super::…` paths (no
//! extra tool): no import cycle between top-level modules, none between files, and every
//! top-level module in [`LAYERS`] with each of its imports pointing down the layers
//! (except the few in [`UPWARD`], each with its reason).
//!
//! A file's module path comes from its place under `src/`; `#[cfg(test)]` code and
//! comments are left out (tests may reach anywhere). A parent module and its own
//! submodules are one unit (a `mod.rs` wiring routes to handlers that read its state is
//! not a cycle), so edges between a module and its ancestors are not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules from the bottom up; a module may use those before it.
const LAYERS: &[&str] = &[
    "clock",
    "i18n",
    "language",
    "definitions",
    "domain",
    "stats",
    "sample",
    "weights",
    "evaluation",
    "db",
    "export",
    "text",
    "paper",
    "postal",
    "invite",
    "mail",
    "publish",
    "report",
    "settings",
    "web",
    "startup",
    "cli",
];

/// Imports allowed to point up the layers, `(from, to, why)`; at most two.
const UPWARD: &[(&str, &str, &str)] = &[(
    "sample",
    "export",
    "the plan and the draw's files are written with the exports' CSV writer and number format \
     (encodings, injection guard); the sampling core itself uses nothing of export",
)];

type Module = Vec<String>;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without its tests and comments.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string (a URL) is rare in paths; cutting there is harmless.
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path that starts with `crate::` or `super::`, with `{a, b::c}` groups expanded
/// (one level), as segments relative to the crate root.
fn paths(code: &str, me: &Module, is_mod_file: bool) -> Vec<Module> {
    let mut found = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let rest: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
        let start_ok = i == 0 || !is_ident(bytes[i - 1]) && bytes[i - 1] != ':';
        let base: Option<(Module, usize)> = if start_ok && rest.starts_with("crate::") {
            Some((Vec::new(), 7))
        } else if start_ok && rest.starts_with("super::") {
            // In `a/b.rs` (module a::b) super is a; in `a/b/mod.rs` (also a::b) too.
            let _ = is_mod_file;
            let mut parent = me.clone();
            parent.pop();
            Some((parent, 7))
        } else {
            None
        };
        let Some((mut prefix, skip)) = base else {
            i += 1;
            continue;
        };
        let mut j = i + skip;
        // Further `super::` segments.
        while bytes[j..].iter().collect::<String>().starts_with("super::") {
            prefix.pop();
            j += 7;
        }
        let mut segment = String::new();
        loop {
            match bytes.get(j) {
                Some(&c) if is_ident(c) => segment.push(c),
                Some(':') if bytes.get(j + 1) == Some(&':') => {
                    prefix.push(std::mem::take(&mut segment));
                    j += 1;
                }
                Some('{') => {
                    let end = bytes[j..].iter().position(|&c| c == '}').unwrap() + j;
                    let group: String = bytes[j + 1..end].iter().collect();
                    for item in group.split(',') {
                        let mut p = prefix.clone();
                        p.extend(
                            item.trim()
                                .split("::")
                                .map(|s| s.split_whitespace().next().unwrap_or("").to_string()),
                        );
                        found.push(p);
                    }
                    j = end;
                    break;
                }
                _ => {
                    if !segment.is_empty() {
                        prefix.push(segment.clone());
                    }
                    found.push(prefix.clone());
                    break;
                }
            }
            j += 1;
        }
        i = j.max(i + 1);
    }
    found
}

struct Graph {
    /// File-level edges between modules (each a file).
    files: BTreeMap<Module, BTreeSet<Module>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for file in &files {
        let me = module_of(&src, file);
        let is_mod_file = file.file_name().is_some_and(|n| n == "mod.rs");
        let text = std::fs::read_to_string(file).unwrap();
        for path in paths(&code(&text), &me, is_mod_file) {
            // The longest prefix that is a file of the crate.
            let target = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| modules.contains(p));
            let Some(target) = target else { continue };
            let related = target.starts_with(&me) || me.starts_with(&target);
            if !related {
                edges.entry(me.clone()).or_default().insert(target);
            }
        }
    }
    Graph { files: edges }
}

/// The strongly connected components with more than one member (Tarjan).
fn cycles<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    struct State<N> {
        index: BTreeMap<N, usize>,
        low: BTreeMap<N, usize>,
        stack: Vec<N>,
        on_stack: BTreeSet<N>,
        next: usize,
        found: Vec<Vec<N>>,
    }
    fn visit<N: Ord + Clone>(v: &N, edges: &BTreeMap<N, BTreeSet<N>>, s: &mut State<N>) {
        s.index.insert(v.clone(), s.next);
        s.low.insert(v.clone(), s.next);
        s.next += 1;
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        for w in edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(w, edges, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(&w);
                component.push(w.clone());
                if &w == v {
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
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(v, edges, &mut s);
        }
    }
    s.found
}

/// Edges between top-level modules; an import allowed upward in [`UPWARD`] is left out of
/// the cycle check (it is the one explained exception to the layering).
fn top_level(g: &Graph) -> BTreeMap<String, BTreeSet<String>> {
    top_level_with(g, false)
}

fn top_level_with(g: &Graph, upward: bool) -> BTreeMap<String, BTreeSet<String>> {
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in &g.files {
        for to in tos {
            if let (Some(a), Some(b)) = (from.first(), to.first())
                && a != b
                && (upward || !UPWARD.iter().any(|(f, t, _)| f == a && t == b))
            {
                top.entry(a.clone()).or_default().insert(b.clone());
            }
        }
    }
    top
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let top = top_level(&graph());
    let found = cycles(&top);
    assert!(
        found.is_empty(),
        "import cycles between top-level modules: {found:?}\nedges: {top:#?}"
    );
}

#[test]
fn no_import_cycle_between_files() {
    let g = graph();
    let found: Vec<Vec<String>> = cycles(&g.files)
        .into_iter()
        .map(|c| c.into_iter().map(|m| m.join("::")).collect())
        .collect();
    assert!(found.is_empty(), "import cycles between files: {found:?}");
}

#[test]
fn imports_point_down_the_layers() {
    assert!(UPWARD.len() <= 2, "at most two upward imports");
    let top = top_level_with(&graph(), true);
    let layer = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut problems = Vec::new();
    for (from, tos) in &top {
        let Some(a) = layer(from) else {
            problems.push(format!(
                "`{from}` is not in LAYERS (tests/architecture.rs): add it"
            ));
            continue;
        };
        for to in tos {
            let Some(b) = layer(to) else {
                problems.push(format!(
                    "`{to}` is not in LAYERS (tests/architecture.rs): add it"
                ));
                continue;
            };
            if b > a && !UPWARD.iter().any(|(f, t, _)| f == from && t == to) {
                problems.push(format!("`{from}` uses `{to}`, which is above it"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checker finds what it must: a cycle through `super::` and a grouped import.
#[test]
fn the_checker_sees_grouped_and_relative_imports() {
    let me: Module = vec!["web".into(), "a".into()];
    let found = paths(
        "use crate::{db::x, stats};\nuse super::b::Thing;\nlet y = crate::clock::now();",
        &me,
        false,
    );
    let joined: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert!(joined.contains(&"db::x".to_string()), "{joined:?}");
    assert!(joined.contains(&"stats".to_string()), "{joined:?}");
    assert!(joined.contains(&"web::b::Thing".to_string()), "{joined:?}");
    assert!(joined.contains(&"clock::now".to_string()), "{joined:?}");
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    edges.entry("a").or_default().insert("b");
    edges.entry("b").or_default().insert("c");
    edges.entry("c").or_default().insert("a");
    assert_eq!(cycles(&edges), vec![vec!["a", "b", "c"]]);
}
