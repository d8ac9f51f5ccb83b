//! The layers, checked: which module of `src/` may refer to which.
//!
//! The rules are the tables of docs/architecture.md ("What may import what"), read from there,
//! so the document and this test cannot disagree. Every `src/**/*.rs` is parsed as Rust
//! (`syn`): each `use` tree (groups and nested groups on any number of lines, `super::{…}`,
//! `self::`, renames and globs), each path in items, types and expressions, each `crate::`
//! or `super::` path inside a macro's tokens and each `"crate::…"` string in an attribute is
//! resolved to the module it names from the crate root — through the file's place in the
//! module tree, its inline modules, and the names its `use`s bound (so `use crate as c;
//! c::store::…` is a reference to `store`). Each resolved reference is checked against:
//!
//! - the layer rules (the first table): which top-level module may refer to which;
//! - `cli` reaches the server through its root items only (`server::{serve, Api, Options,
//!   Log}`);
//! - the door rules (the second table): no door of `server/` refers to another door, and
//!   only the console's door refers to `output`;
//! - no circle of references among the modules of one folder (`model/`, `server/`, `ops/`,
//!   …): a circle means a helper lives in the wrong file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The module path of a file: `src/ops/demo.rs` → [ops, demo], `src/ops/mod.rs` → [ops],
/// `src/lib.rs` → [].
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs").to_string();
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem);
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// One reference from a module to another, resolved from the crate root.
#[derive(Debug, Clone)]
struct Edge {
    file: String,
    line: usize,
    from: Vec<String>,
    to: Vec<String>,
}

/// The modules a tree declares (`mod x;` and `mod x { … }`), by their paths, so a leading
/// `x::` in a path can be told from an external crate.
fn declared_modules(root: &Path, files: &[PathBuf]) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    out.insert(Vec::new());
    for f in files {
        let path = module_path(f.strip_prefix(root).unwrap());
        out.insert(path.clone());
        let Ok(parsed) = syn::parse_file(&fs::read_to_string(f).unwrap()) else {
            continue;
        };
        fn inline(items: &[syn::Item], at: &[String], out: &mut BTreeSet<Vec<String>>) {
            for item in items {
                if let syn::Item::Mod(m) = item {
                    let mut p = at.to_vec();
                    p.push(m.ident.to_string());
                    out.insert(p.clone());
                    if let Some((_, items)) = &m.content {
                        inline(items, &p, out);
                    }
                }
            }
        }
        inline(&parsed.items, &path, &mut out);
    }
    out
}

/// Walks one file: the module it is in (and the inline modules inside), the names each
/// scope's `use`s bind, and every path.
struct Scanner<'a> {
    modules: &'a BTreeSet<Vec<String>>,
    file: String,
    /// The module being walked, and the names bound by `use` in each enclosing one.
    at: Vec<String>,
    scopes: Vec<BTreeMap<String, Vec<String>>>,
    edges: Vec<Edge>,
}

impl Scanner<'_> {
    /// The absolute path a path starting with `head` names from the current module, if it
    /// names something of this crate.
    fn resolve_head(&self, head: &str) -> Option<Vec<String>> {
        match head {
            "crate" => Some(Vec::new()),
            "self" => Some(self.at.clone()),
            "super" => Some(self.at[..self.at.len().saturating_sub(1)].to_vec()),
            name => {
                for scope in self.scopes.iter().rev() {
                    if let Some(p) = scope.get(name) {
                        return Some(p.clone());
                    }
                }
                let mut child = self.at.clone();
                child.push(name.to_string());
                self.modules.contains(&child).then_some(child)
            }
        }
    }

    /// Resolves `segments` (the first one relative to the current module) and records it.
    fn reference(&mut self, segments: &[String], line: usize) -> Option<Vec<String>> {
        let (head, rest) = segments.split_first()?;
        let mut path = self.resolve_head(head)?;
        for s in rest {
            match s.as_str() {
                "super" => {
                    path.pop();
                }
                "self" => {}
                s => path.push(s.to_string()),
            }
        }
        self.edges.push(Edge {
            file: self.file.clone(),
            line,
            from: self.at.clone(),
            to: path.clone(),
        });
        Some(path)
    }

    /// Every leaf of a `use` tree: recorded, and (for a name or a rename) bound in scope.
    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, prefix);
                }
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name.clone());
                }
                let line = n.ident.span().start().line;
                if let Some(path) = self.reference(&full, line) {
                    let bound = if name == "self" {
                        prefix.last().cloned().unwrap_or_default()
                    } else {
                        name
                    };
                    self.scopes.last_mut().unwrap().insert(bound, path);
                }
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                let line = r.ident.span().start().line;
                if let Some(path) = self.reference(&full, line) {
                    self.scopes
                        .last_mut()
                        .unwrap()
                        .insert(r.rename.to_string(), path);
                }
            }
            syn::UseTree::Glob(g) => {
                let line = g.star_token.span.start().line;
                self.reference(prefix, line);
            }
        }
    }

    /// `crate::a::b` and `super::a` inside a macro's tokens (`format!`, `json!`, `assert!`).
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            if let TokenTree::Group(g) = &trees[i] {
                self.tokens(g.stream());
                i += 1;
                continue;
            }
            let TokenTree::Ident(id) = &trees[i] else {
                i += 1;
                continue;
            };
            if id != "crate" && id != "super" {
                i += 1;
                continue;
            }
            let mut segments = vec![id.to_string()];
            let mut j = i + 1;
            // `::` is two `:` puncts, then the next segment.
            while let (
                Some(TokenTree::Punct(a)),
                Some(TokenTree::Punct(b)),
                Some(TokenTree::Ident(next)),
            ) = (trees.get(j), trees.get(j + 1), trees.get(j + 2))
            {
                if a.as_char() != ':' || b.as_char() != ':' {
                    break;
                }
                segments.push(next.to_string());
                j += 3;
            }
            if segments.len() > 1 {
                self.reference(&segments, id.span().start().line);
            }
            i = j;
        }
    }
}

impl<'ast> Visit<'ast> for Scanner<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        for a in &m.attrs {
            self.visit_attribute(a);
        }
        if let Some((_, items)) = &m.content {
            self.at.push(m.ident.to_string());
            self.scopes.push(BTreeMap::new());
            // `use`s bind names for the whole module, whatever their place in it.
            for item in items {
                if let syn::Item::Use(u) = item {
                    self.use_tree(&u.tree, &mut Vec::new());
                }
            }
            for item in items {
                if !matches!(item, syn::Item::Use(_)) {
                    self.visit_item(item);
                }
            }
            self.scopes.pop();
            self.at.pop();
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&u.tree, &mut Vec::new());
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.segments.len() > 1 && p.leading_colon.is_none() {
            let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            let line = p.segments[0].ident.span().start().line;
            self.reference(&segments, line);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        self.tokens(m.tokens.clone());
    }

    fn visit_attribute(&mut self, a: &'ast syn::Attribute) {
        // `#[serde(with = "crate::lazy::unique")]`: a path in a string.
        let text = quote_text(a);
        for (at, _) in text.match_indices("\"crate::") {
            let rest = &text[at + 1..];
            let end = rest.find('"').unwrap_or(rest.len());
            let segments: Vec<String> = rest[..end].split("::").map(str::to_string).collect();
            let line = a.pound_token.span.start().line;
            self.reference(&segments, line);
        }
    }
}

fn quote_text(a: &syn::Attribute) -> String {
    use quote::ToTokens;
    a.meta.to_token_stream().to_string()
}

/// Every reference in the tree under `root`.
fn edges_under(root: &Path) -> Vec<Edge> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files.sort();
    let modules = declared_modules(root, &files);
    let mut out = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(root).unwrap();
        let text = fs::read_to_string(f).unwrap();
        let parsed = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{}: not Rust syn can read: {e}", rel.display()));
        let mut scanner = Scanner {
            modules: &modules,
            file: rel.to_string_lossy().replace('\\', "/"),
            at: module_path(rel),
            scopes: vec![BTreeMap::new()],
            edges: Vec::new(),
        };
        for item in &parsed.items {
            if let syn::Item::Use(u) = item {
                scanner.use_tree(&u.tree, &mut Vec::new());
            }
        }
        for item in &parsed.items {
            if !matches!(item, syn::Item::Use(_)) {
                scanner.visit_item(item);
            }
        }
        for a in &parsed.attrs {
            scanner.visit_attribute(a);
        }
        out.extend(scanner.edges);
    }
    out
}

/// The rules of docs/architecture.md.
#[derive(Clone)]
struct Rules {
    /// Top-level module → the top-level modules it may refer to (besides itself); `None`:
    /// anything.
    layers: BTreeMap<String, Option<Vec<String>>>,
    /// The doors of `server/`, and those that may refer to `output`.
    doors: Vec<String>,
    doors_with_output: Vec<String>,
    /// What `cli` may name in `server` (its root items).
    server_roots: Vec<String>,
}

/// The backquoted names in a table cell (`` `model`, `error` ``).
fn names(cell: &str) -> Vec<String> {
    cell.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// The rows of the table that follows `marker` in `doc`.
fn table<'a>(doc: &'a str, marker: &str) -> Vec<Vec<&'a str>> {
    let start = doc
        .find(marker)
        .unwrap_or_else(|| panic!("docs/architecture.md lacks {marker}"));
    doc[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect()
}

fn rules_from(doc: &str) -> Rules {
    let mut layers = BTreeMap::new();
    for row in table(doc, "<!-- layer rules -->") {
        let may = if row[1].contains("anything") {
            None
        } else {
            Some(names(row[1]))
        };
        for from in names(row[0]) {
            layers.insert(from, may.clone());
        }
    }
    let mut doors = Vec::new();
    let mut doors_with_output = Vec::new();
    let mut server_roots = Vec::new();
    for row in table(doc, "<!-- door rules -->") {
        let cell = row[0];
        if cell.contains("cli") {
            server_roots = names(row[1]);
            continue;
        }
        for d in names(cell) {
            if names(row[1]).iter().any(|n| n == "output") {
                doors_with_output.push(d.clone());
            }
            doors.push(d);
        }
    }
    Rules {
        layers,
        doors,
        doors_with_output,
        server_roots,
    }
}

fn rules() -> Rules {
    let doc =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    rules_from(&doc)
}

/// The top-level module of a path (`lib` for the crate root itself).
fn top(path: &[String]) -> &str {
    path.first().map_or("lib", String::as_str)
}

/// Why an edge breaks the rules, or `None` when it is allowed.
fn violation(e: &Edge, r: &Rules, file_is_root: bool) -> Option<String> {
    let (from, to) = (top(&e.from), top(&e.to));
    if file_is_root || e.to.is_empty() {
        return None;
    }
    if from != to {
        let allowed = r
            .layers
            .get(from)
            .unwrap_or_else(|| panic!("src/{}: no rule for the module {from}", e.file));
        if let Some(allowed) = allowed
            && !allowed.iter().any(|a| a == to)
        {
            return Some(format!(
                "{from} may refer to {} only, not {to}",
                allowed.join(", ")
            ));
        }
        if from == "cli" && to == "server" && e.to.len() > 1 {
            let item = e.to[1].as_str();
            if !r.server_roots.iter().any(|s| s == item) {
                return Some(format!(
                    "cli may start the server through its root items ({}), not server::{item}",
                    r.server_roots.join(", ")
                ));
            }
        }
    }
    if from == "server" {
        let door_of = |p: &[String]| p.get(1).filter(|d| r.doors.contains(d)).cloned();
        if let Some(d) = door_of(&e.from) {
            if let Some(other) = door_of(&e.to)
                && other != d
            {
                return Some(format!("the {d} door refers to the {other} door"));
            }
            if to == "output" && !r.doors_with_output.contains(&d) {
                return Some(format!(
                    "the {d} door refers to output (only the console renders)"
                ));
            }
        } else if to == "output" && e.from.len() > 1 {
            return Some("only the console's door refers to output".into());
        }
    }
    None
}

/// Circles of references among the modules of one folder (`model::config_set` →
/// `model::event` → `model::config_set`), each as its modules' names.
fn circles(edges: &[Edge]) -> Vec<Vec<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in edges {
        if e.from.len() >= 2 && e.to.len() >= 2 && e.from[0] == e.to[0] && e.from[1] != e.to[1] {
            let node = |p: &[String]| format!("{}::{}", p[0], p[1]);
            graph.entry(node(&e.from)).or_default().insert(node(&e.to));
        }
    }
    // Tarjan's strongly connected components.
    struct T<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<String, usize>,
        low: BTreeMap<String, usize>,
        stack: Vec<String>,
        on: BTreeSet<String>,
        out: Vec<Vec<String>>,
    }
    fn visit(t: &mut T, v: &str) {
        let i = t.index.len();
        t.index.insert(v.to_string(), i);
        t.low.insert(v.to_string(), i);
        t.stack.push(v.to_string());
        t.on.insert(v.to_string());
        for w in t.graph.get(v).into_iter().flatten() {
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(&w);
                let done = w == v;
                scc.push(w);
                if done {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn broken(root: &Path, r: &Rules) -> Vec<String> {
    edges_under(root)
        .iter()
        .filter_map(|e| {
            let root_file = e.file == "lib.rs" || e.file == "main.rs";
            violation(e, r, root_file)
                .map(|why| format!("src/{}:{}: {why} ({})", e.file, e.line, e.to.join("::")))
        })
        .collect()
}

#[test]
fn layers_and_doors_refer_only_to_what_the_rules_allow() {
    let broken = broken(&src_dir(), &rules());
    assert!(
        broken.is_empty(),
        "{} forbidden reference(s) (rules in docs/architecture.md):\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn no_folder_has_a_circle_of_references() {
    let found = circles(&edges_under(&src_dir()));
    assert!(
        found.is_empty(),
        "circles of references (a shared helper belongs in a module of its own):\n{}",
        found
            .iter()
            .map(|c| c.join(" -> "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_rules_table_names_every_top_level_module() {
    let r = rules();
    for entry in fs::read_dir(src_dir()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if stem != "lib" && stem != "main" {
            assert!(
                r.layers.contains_key(&stem),
                "docs/architecture.md has no rule for {stem}"
            );
        }
    }
    for d in ["sesv2", "sesv1", "smtp", "console", "sns", "sesm"] {
        assert!(r.doors.iter().any(|x| x == d), "no door rule for {d}");
    }
    assert_eq!(r.doors_with_output, ["console"]);
}

/// The scanner against the ways a reference was once missed: each probe is a file of a small
/// tree in a temporary folder, and each must be caught.
#[test]
fn every_form_of_reference_is_caught() {
    let r = rules();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    write(
        "lib.rs",
        "pub mod ops; pub mod store; pub mod model; pub mod server; pub mod output;\n",
    );
    write("store.rs", "pub struct Store;\n");
    write("output.rs", "pub fn page() {}\n");
    write("model/mod.rs", "pub mod a; pub mod b; pub struct State;\n");
    // A circle inside model/ through a nested group.
    write("model/a.rs", "use super::{b::B, State};\npub struct A;\n");
    write(
        "model/b.rs",
        "use crate::model::{\n    a::A,\n};\npub struct B;\n",
    );
    write(
        "ops/mod.rs",
        "pub mod multi; pub mod alias; pub mod inner; pub mod glob;\n",
    );
    // A multi-line group, as rustfmt writes a long one.
    write(
        "ops/multi.rs",
        "use crate::{\n    model::State,\n    store::Store,\n};\n",
    );
    // `use crate as c`, then a path through the alias in code.
    write(
        "ops/alias.rs",
        "use crate as c;\nfn f() { let _ = c::store::Store; }\n",
    );
    // `super::{…}` from an inline module, and a path inside a macro.
    write(
        "ops/inner.rs",
        "mod t {\n    use super::super::super::{model::State, store::Store};\n    fn f() { assert!(crate::store::Store == 1); }\n}\n",
    );
    write(
        "ops/glob.rs",
        "use crate::store::*;\n#[serde(with = \"crate::store::x\")]\nstruct S;\n",
    );
    write(
        "server/mod.rs",
        "pub mod sesv1; pub mod sesv2; pub mod api;\n",
    );
    write("server/api.rs", "pub struct Api;\n");
    write("server/sesv1/mod.rs", "pub mod form;\n");
    write("server/sesv1/form.rs", "pub struct Form;\n");
    // A door importing another by a short path, a group, and a full path; and output.
    write(
        "server/sesv2/mod.rs",
        "use super::sesv1;\nuse super::{api::Api, sesv1::form::Form};\nfn f() { crate::server::sesv1::form::Form; crate::output::page(); }\n",
    );
    let mut rules = r.clone();
    rules.layers.insert("output".into(), Some(Vec::new()));
    let found = broken(root, &rules);
    let lines: Vec<String> = found
        .iter()
        .map(|l| l.split(':').take(2).collect::<Vec<_>>().join(":"))
        .collect();
    for expected in [
        "src/ops/multi.rs:3",
        "src/ops/alias.rs:2",
        "src/ops/inner.rs:2",
        "src/ops/inner.rs:3",
        "src/ops/glob.rs:1",
        "src/ops/glob.rs:2",
        "src/server/sesv2/mod.rs:1",
        "src/server/sesv2/mod.rs:2",
        "src/server/sesv2/mod.rs:3",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected} not caught; found:\n{}",
            found.join("\n")
        );
    }
    assert!(
        found.iter().any(|l| l.contains("refers to output")),
        "{}",
        found.join("\n")
    );
    assert!(
        !found.iter().any(|l| l.contains("ops/multi.rs:2")),
        "model is allowed: {found:?}"
    );
    let c = circles(&edges_under(root));
    assert_eq!(
        c,
        vec![vec!["model::a".to_string(), "model::b".to_string()]]
    );
}

/// The generated wire types are what `scripts/gen_api.py` writes from the committed botocore
/// models: regenerated into a temporary folder, byte for byte.
#[test]
fn generated_wire_types_match_the_models() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("python3")
        .arg(root.join("scripts/gen_api.py"))
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("python3 runs scripts/gen_api.py (CI has it)");
    assert!(status.success(), "scripts/gen_api.py failed");
    for f in [
        "ops/operation.rs",
        "server/sesv2/routes.rs",
        "server/sesv2/shapes.rs",
        "server/sesv1/actions.rs",
        "server/sesv1/shapes.rs",
    ] {
        let fresh = fs::read(out.path().join(f)).unwrap();
        let committed = fs::read(root.join("src").join(f)).unwrap();
        assert!(
            fresh == committed,
            "src/{f} differs from what scripts/gen_api.py writes: run it and commit"
        );
    }
}
