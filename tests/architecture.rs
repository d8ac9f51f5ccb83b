//! The layers, checked: which top-level module of `src/` may refer to which.
//!
//! The rules below are the architecture; a reference outside them fails this test with the
//! file and line, so the layering cannot drift silently as front ends are added. The test
//! reads every `src/**/*.rs` and collects each `crate::x` path (in `use` lines, inline paths
//! such as `crate::output::usd(…)`, and serde attribute strings such as
//! `"crate::lazy::unique"`) and each `super::` path that climbs out of its top-level module.
//!
//! | from       | may refer to                                   | why                                                                 |
//! |------------|------------------------------------------------|---------------------------------------------------------------------|
//! | `error`    | error                                          | the error type is the bottom layer                                  |
//! | `model`    | model, error, lazy                             | the account and SES's rules; `lazy` is the serde form of its large sections (no disk access) |
//! | `sim`      | sim, model, error                              | the warm-up model is pure                                           |
//! | `fixtures` | fixtures, model, sim, error                    | canned accounts built through the model                             |
//! | `ops`      | ops, model, sim, error, fixtures               | operations return facts; never output, cli, store, server, env      |
//! | `output`   | output, model, ops, sim, error                 | renders the facts' types; never store, cli, server                  |
//! | `lazy`     | lazy, model, error, store                      | part of the state file's codec                                      |
//! | `store`    | store, lazy, model, error                      | the only disk access                                                |
//! | `env`      | env, model, error                              | reads the environment; never the store                              |
//! | `server`   | server, ops, model, store, error, env, output  | a front end; it logs through its `Log` trait; the console's pages are `output::console`'s |
//! | `cli`      | anything but the server's submodules           | starts the server through `server::{serve, Api, Options, Log}`       |
//! | `lib`, `main` | anything                                    | the crate root                                                      |
//!
//! And nothing but `lib.rs` and `main.rs` refers to `cli`.

use std::fs;
use std::path::{Path, PathBuf};

/// What each top-level module may refer to (besides itself), as in the table above.
const RULES: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("model", &["error", "lazy"]),
    ("sim", &["model", "error"]),
    ("fixtures", &["model", "sim", "error"]),
    ("ops", &["model", "sim", "error", "fixtures"]),
    ("output", &["model", "ops", "sim", "error"]),
    ("lazy", &["model", "error", "store"]),
    ("store", &["lazy", "model", "error"]),
    ("env", &["model", "error"]),
    (
        "server",
        &["ops", "model", "store", "error", "env", "output"],
    ),
    (
        "cli",
        &[
            "error", "model", "sim", "fixtures", "ops", "output", "lazy", "store", "env", "server",
        ],
    ),
];

/// Modules that may refer to anything.
const ROOTS: &[&str] = &["lib", "main"];

/// Files that break a rule today because another branch rewrites them; each entry is removed
/// when that branch merges. (file under `src/`, module it may still refer to)
const KNOWN_UNTIL_MERGE: &[(&str, &str)] = &[];

/// One reference from a file to a top-level module.
#[derive(Debug)]
struct Edge {
    file: String,
    line: usize,
    from: String,
    to: String,
    /// The segment after the module (`serve` in `crate::server::serve`), or `{` for a group.
    next: String,
    text: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
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

/// The top-level modules: `src/x.rs` and `src/x/`.
fn top_modules() -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(src_dir()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() || path.extension().is_some_and(|e| e == "rs") {
            out.push(stem);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The module path of a file: `src/ops/demo.rs` → [ops, demo], `src/ops/mod.rs` → [ops].
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs").to_string();
    if stem != "mod" {
        parts.push(stem);
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifier at the start of `s`.
fn ident(s: &str) -> &str {
    let end = s.find(|c: char| !is_ident(c)).unwrap_or(s.len());
    &s[..end]
}

/// The references of one file to top-level modules. `super::` paths are resolved against the
/// file's module path and the inline modules (`mod tests {`) the line is in; rustfmt's layout
/// makes an inline module end at the `}` with its opening line's indentation.
fn edges_in(root: &Path, file: &Path, tops: &[String]) -> Vec<Edge> {
    let rel = file.strip_prefix(root).unwrap();
    let rel_name = rel.to_string_lossy().replace('\\', "/");
    let path = module_path(rel);
    let from = path.first().cloned().unwrap_or_else(|| "lib".into());
    let from = match rel_name.as_str() {
        "lib.rs" => "lib".to_string(),
        "main.rs" => "main".to_string(),
        _ => from,
    };
    let text = fs::read_to_string(file).unwrap();
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some((open_indent, _)) = inline.last()
            && trimmed == "}"
            && indent == *open_indent
        {
            inline.pop();
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let decl = trimmed.strip_prefix("pub ").unwrap_or(trimmed);
        if let Some(rest) = decl.strip_prefix("mod ")
            && rest.trim_end().ends_with('{')
        {
            inline.push((indent, ident(rest).to_string()));
            continue;
        }
        let mut push = |to: &str, next: &str| {
            if tops.iter().any(|t| t == to) {
                out.push(Edge {
                    file: rel_name.clone(),
                    line: i + 1,
                    from: from.clone(),
                    to: to.to_string(),
                    next: next.to_string(),
                    text: trimmed.to_string(),
                });
            }
        };
        // `crate::x…`, not `$crate::` or `some_crate::`.
        for (at, _) in line.match_indices("crate::") {
            let before = line[..at].chars().next_back();
            if before.is_some_and(|c| is_ident(c) || c == '$') {
                continue;
            }
            let rest = &line[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a::X, b}` on one line: each member.
                let inner = group.split('}').next().unwrap_or("");
                for member in inner.split(',') {
                    let m = member.trim();
                    let head = ident(m);
                    let next = m[head.len()..].strip_prefix("::").map_or("", ident);
                    push(head, next);
                }
                continue;
            }
            let head = ident(rest);
            let after = &rest[head.len()..];
            let next = match after.strip_prefix("::") {
                Some(n) if n.starts_with('{') => "{",
                Some(n) => ident(n),
                None => "",
            };
            push(head, next);
        }
        // `super::…` that climbs to the crate root, then names a top-level module.
        for (at, _) in line.match_indices("super::") {
            let before = line[..at].chars().next_back();
            if before.is_some_and(|c| is_ident(c) || c == ':') {
                continue;
            }
            let mut rest = &line[at..];
            let mut ups = 0;
            while let Some(r) = rest.strip_prefix("super::") {
                ups += 1;
                rest = r;
            }
            let depth = path.len() + inline.len();
            if ups < depth {
                continue;
            }
            let head = ident(rest);
            let next = rest[head.len()..].strip_prefix("::").map_or("", ident);
            push(head, next);
        }
    }
    out
}

/// Why an edge breaks the rules, or `None` when it is allowed.
fn violation(e: &Edge, server_submodules: &[String]) -> Option<String> {
    if e.to == e.from || ROOTS.contains(&e.from.as_str()) {
        return None;
    }
    if e.to == "cli" {
        return Some("only lib.rs and main.rs may refer to cli".into());
    }
    if e.from == "cli" && e.to == "server" && server_submodules.contains(&e.next) {
        return Some(format!(
            "cli may start the server through its root items (server::serve, Api, Options, Log), not server::{}",
            e.next
        ));
    }
    let allowed = RULES
        .iter()
        .find(|(m, _)| *m == e.from)
        .map(|(_, a)| *a)
        .unwrap_or_else(|| panic!("{}: no rule for the module {}", e.file, e.from));
    if allowed.contains(&e.to.as_str()) {
        return None;
    }
    if KNOWN_UNTIL_MERGE
        .iter()
        .any(|(f, to)| *f == e.file && *to == e.to)
    {
        return None;
    }
    Some(format!(
        "{} may refer to {} only, not {}",
        e.from,
        std::iter::once(e.from.as_str())
            .chain(allowed.iter().copied())
            .collect::<Vec<_>>()
            .join(", "),
        e.to
    ))
}

fn all_edges() -> Vec<Edge> {
    let tops = top_modules();
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    files.sort();
    files
        .iter()
        .flat_map(|f| edges_in(&src_dir(), f, &tops))
        .collect()
}

fn server_submodules() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&src_dir().join("server"), &mut files);
    files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|s| s != "mod")
        .collect()
}

#[test]
fn layers_refer_only_to_what_the_rules_allow() {
    let subs = server_submodules();
    let broken: Vec<String> = all_edges()
        .iter()
        .filter_map(|e| {
            violation(e, &subs)
                .map(|why| format!("src/{}:{}: {why}\n    {}", e.file, e.line, e.text))
        })
        .collect();
    assert!(
        broken.is_empty(),
        "{} forbidden reference(s) between layers (rules at the top of tests/architecture.rs):\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// Each exception still matches a reference: one that no longer does is stale and goes.
#[test]
fn known_exceptions_are_still_needed() {
    let edges = all_edges();
    for (file, to) in KNOWN_UNTIL_MERGE {
        assert!(
            edges.iter().any(|e| e.file == *file && e.to == *to),
            "KNOWN_UNTIL_MERGE lists src/{file} -> {to}, which no longer occurs: remove it"
        );
    }
}

/// The scanner itself: it finds each form of reference the rules are about.
#[test]
fn the_scanner_finds_each_form_of_reference() {
    let tops: Vec<String> = ["ops", "output", "model", "store", "error"]
        .map(String::from)
        .to_vec();
    // A file as it would sit at src/ops/probe.rs, written to a temporary tree rather than
    // into src/ (which the other tests read concurrently).
    let text = "use crate::output::{thousands, usd};\n\
                use crate::{model::State, store};\n\
                fn f() { crate::output::usd(1.0); }\n\
                // crate::store::Store in a comment does not count\n\
                #[serde(deserialize_with = \"crate::model::x\")]\n\
                mod tests {\n    use super::*;\n    use super::super::error::Error;\n}\n\
                use super::super::store::Store;\n";
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("ops")).unwrap();
    let file = root.path().join("ops").join("probe.rs");
    fs::write(&file, text).unwrap();
    let found = edges_in(root.path(), &file, &tops);
    let got: Vec<(usize, &str)> = found.iter().map(|e| (e.line, e.to.as_str())).collect();
    assert_eq!(
        got,
        [
            (1, "output"),
            (2, "model"),
            (2, "store"),
            (3, "output"),
            (5, "model"),
            (10, "store"),
        ]
    );
    assert!(
        violation(&found[0], &[])
            .unwrap()
            .contains("ops may refer to")
    );
}
