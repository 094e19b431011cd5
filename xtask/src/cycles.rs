//! `cargo xtask cycles`: no module-level import cycle inside any crate of the workspace.
//!
//! Steps: find each crate's modules from its roots (`mod name;` followed to `name.rs` or
//! `name/mod.rs`, inline `mod name { … }` kept) → read every path that starts with `crate`,
//! `super` or `self` in each module's tokens (comments and strings are not tokens; macro
//! bodies are) and resolve it to the longest module it names → at every level, among the
//! children of one module, draw an edge from child A to child B when anything inside A
//! names anything inside B → report each strongly connected set of siblings with one
//! reference behind each edge.
//!
//! A path is followed through the `use` declarations of the modules it passes, so
//! `crate::Error`, re-exported by `lib.rs` from `error`, is a use of `error`. What is not an
//! edge: a module naming its own ancestors' own items (`super::helper`: a parent owns its
//! children), and a parent naming its children. Glob imports are not followed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Each crate checked: its folder (from the workspace) and its root files.
const CRATES: &[(&str, &[&str])] = &[
    ("snapshot-core", &["src/lib.rs"]),
    ("backend-v8", &["src/lib.rs"]),
    ("backend-chakra", &["src/lib.rs"]),
    ("conformance", &["src/lib.rs"]),
    (".", &["src/lib.rs"]),
    (".", &["src/main.rs"]),
    ("xtask", &["src/main.rs"]),
    ("examples/runtime", &["src/main.rs"]),
];

/// A module path below its crate's root, as segments (`[]` is the root).
type ModulePath = Vec<String>;

/// One path a module names, and where.
#[derive(Clone, Debug)]
struct Reference {
    from: ModulePath,
    to: ModulePath,
    file: PathBuf,
    line: usize,
    written: String,
}

/// Checks every crate; fails naming each cycle found.
pub fn run(workspace: &Path) -> Result<()> {
    let mut report = Vec::new();
    let mut modules_seen = 0;
    for (folder, roots) in CRATES {
        for root in *roots {
            let root_file = if *folder == "." { workspace.join(root) } else { workspace.join(folder).join(root) };
            let modules = collect_modules(&root_file)?;
            modules_seen += modules.modules.len();
            let known: BTreeSet<ModulePath> = modules.modules.keys().cloned().collect();
            let references = modules.references(&known);
            for cycle in sibling_cycles(&known, &references) {
                report.push(format!("{}: {cycle}", root_file.strip_prefix(workspace).unwrap_or(&root_file).display()));
            }
        }
    }
    if !report.is_empty() {
        let report = report.join("\n").replace(&format!("{}/", workspace.display()), "");
        bail!("module import cycles (cargo xtask cycles):\n{report}");
    }
    eprintln!("cycles: {} crate roots, {modules_seen} modules, no module-level import cycle", CRATES.len());
    Ok(())
}

/// A crate's modules and the tokens of each (inline modules' tokens are their own).
struct Modules {
    modules: BTreeMap<ModulePath, Vec<(PathBuf, TokenStream)>>,
}

/// What each module's `use` declarations bind: name → the path as written.
type Uses = BTreeMap<ModulePath, BTreeMap<String, Vec<String>>>;

fn collect_modules(root: &Path) -> Result<Modules> {
    let mut modules = Modules { modules: BTreeMap::new() };
    let dir = root.parent().context("a crate root has a folder")?.to_owned();
    load_file(&mut modules, root, Vec::new(), &dir)?;
    Ok(modules)
}

/// Reads `file` as module `path`; its out-of-line children live in `children_dir`.
fn load_file(modules: &mut Modules, file: &Path, path: ModulePath, children_dir: &Path) -> Result<()> {
    let source = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let tokens =
        TokenStream::from_str(&source).map_err(|e| anyhow::anyhow!("cannot tokenize {}: {e}", file.display()))?;
    load_tokens(modules, file, path, children_dir, tokens)
}

fn load_tokens(
    modules: &mut Modules,
    file: &Path,
    path: ModulePath,
    children_dir: &Path,
    tokens: TokenStream,
) -> Result<()> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    modules.modules.entry(path.clone()).or_default().push((file.to_owned(), tokens));
    for i in 0..trees.len() {
        let (TokenTree::Ident(keyword), Some(TokenTree::Ident(name))) = (&trees[i], trees.get(i + 1)) else { continue };
        if keyword != "mod" {
            continue;
        }
        let child: ModulePath = path.iter().cloned().chain([name.to_string()]).collect();
        match trees.get(i + 2) {
            Some(TokenTree::Punct(p)) if p.as_char() == ';' => {
                let flat = children_dir.join(format!("{name}.rs"));
                let nested = children_dir.join(name.to_string()).join("mod.rs");
                let (child_file, grandchildren_dir) = if flat.exists() {
                    (flat, children_dir.join(name.to_string()))
                } else if nested.exists() {
                    (nested, children_dir.join(name.to_string()))
                } else {
                    bail!("{}: `mod {name};` has neither {} nor {}", file.display(), flat.display(), nested.display());
                };
                load_file(modules, &child_file, child, &grandchildren_dir)?;
            }
            Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => {
                let inline_dir = children_dir.join(name.to_string());
                load_tokens(modules, file, child, &inline_dir, body.stream())?;
            }
            _ => {}
        }
    }
    Ok(())
}

impl Modules {
    /// Every `crate::`, `super::` and `self::` path of every module, resolved to a module
    /// (through the `use` declarations of the modules it passes: `crate::Error` is the
    /// module `lib.rs` re-exports `Error` from).
    fn references(&self, known: &BTreeSet<ModulePath>) -> Vec<Reference> {
        let uses = self.uses();
        let mut found = Vec::new();
        for (module, parts) in &self.modules {
            for (file, tokens) in parts {
                let mut raw = Vec::new();
                paths_in(tokens.clone(), &mut raw);
                for (segments, line) in raw {
                    if let Some(to) = resolve(module, &segments, known, &uses, 0) {
                        found.push(Reference {
                            from: module.clone(),
                            to,
                            file: file.clone(),
                            line,
                            written: segments.join("::"),
                        });
                    }
                }
            }
        }
        found
    }

    /// The names each module's `use` declarations bind.
    fn uses(&self) -> Uses {
        let mut uses = Uses::new();
        for (module, parts) in &self.modules {
            let bound = uses.entry(module.clone()).or_default();
            for (_, tokens) in parts {
                let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
                for (i, tree) in trees.iter().enumerate() {
                    if matches!(tree, TokenTree::Ident(ident) if ident == "use") {
                        let end =
                            trees[i..].iter().position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'));
                        let statement = &trees[i + 1..i + end.unwrap_or(trees.len() - i)];
                        bind_use_tree(statement, Vec::new(), bound);
                    }
                }
            }
        }
        uses
    }
}

/// Records what one `use` tree binds: `a::b::C` binds `C`, `a::b as D` binds `D`,
/// `a::{self, E}` binds `a` and `E`; globs bind nothing known.
fn bind_use_tree(trees: &[TokenTree], mut prefix: Vec<String>, bound: &mut BTreeMap<String, Vec<String>>) {
    let mut i = 0;
    while let Some(tree) = trees.get(i) {
        match tree {
            TokenTree::Ident(ident) if ident == "as" => {
                if let (Some(TokenTree::Ident(alias)), false) = (trees.get(i + 1), prefix.is_empty()) {
                    bound.insert(alias.to_string(), prefix);
                }
                return;
            }
            TokenTree::Ident(ident) if ident == "self" && !prefix.is_empty() => {}
            TokenTree::Ident(ident) => prefix.push(ident.to_string()),
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                for branch in inner.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) {
                    bind_use_tree(branch, prefix.clone(), bound);
                }
                return;
            }
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            _ => return,
        }
        i += 1;
    }
    if let Some(name) = prefix.last().filter(|name| !["crate", "super", "self"].contains(&name.as_str())) {
        bound.insert(name.clone(), prefix.clone());
    }
}

/// Collects each path starting with `crate`, `super` or `self`, with `use` groups expanded,
/// skipping the bodies of inline modules (they are modules of their own).
fn paths_in(tokens: TokenStream, out: &mut Vec<(Vec<String>, usize)>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Ident(ident) if ident == "mod" => {
                // `mod name { … }` belongs to the inline module; skip it.
                if matches!(trees.get(i + 2), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace) {
                    i += 3;
                    continue;
                }
            }
            TokenTree::Ident(ident) if ["crate", "super", "self"].contains(&ident.to_string().as_str()) => {
                let colon = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == ':');
                let preceded_by_colons = i >= 2 && colon(&trees[i - 1]) && colon(&trees[i - 2]);
                if !preceded_by_colons {
                    let line = ident.span().start().line;
                    i = read_path(&trees, i, Vec::new(), line, out);
                    continue;
                }
            }
            TokenTree::Group(group) => paths_in(group.stream(), out),
            _ => {}
        }
        i += 1;
    }
}

/// Reads `a::b::{c, d::e}` starting at `trees[i]` onto `prefix`; returns the index after it.
fn read_path(
    trees: &[TokenTree],
    mut i: usize,
    mut prefix: Vec<String>,
    line: usize,
    out: &mut Vec<(Vec<String>, usize)>,
) -> usize {
    loop {
        match trees.get(i) {
            Some(TokenTree::Ident(ident)) => prefix.push(ident.to_string()),
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                for branch in inner.split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) {
                    if !branch.is_empty() {
                        read_path(branch, 0, prefix.clone(), line, out);
                    }
                }
                return i + 1;
            }
            _ => break,
        }
        let colons = matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
            && matches!(trees.get(i + 2), Some(TokenTree::Punct(p)) if p.as_char() == ':');
        if !colons {
            i += 1;
            break;
        }
        i += 3;
    }
    out.push((prefix, line));
    i
}

/// The module that `segments`, written in `module`, names: the longest run of known
/// modules, followed through a `use` that binds the next segment where there is one.
fn resolve(
    module: &ModulePath,
    segments: &[String],
    known: &BTreeSet<ModulePath>,
    uses: &Uses,
    depth: usize,
) -> Option<ModulePath> {
    let mut base: ModulePath = match segments.first()?.as_str() {
        "crate" => Vec::new(),
        "self" | "super" => module.clone(),
        // A 2018 path from a module to its own child.
        first if known.contains(&[&module[..], &[first.to_owned()]].concat()) => {
            return resolve(module, &[&["self".to_owned()][..], segments].concat(), known, uses, depth);
        }
        _ => return None,
    };
    let mut rest = &segments[1..];
    if segments[0] == "super" {
        base.pop()?;
    }
    while rest.first().is_some_and(|s| s == "super") {
        base.pop()?;
        rest = &rest[1..];
    }
    let mut target = base;
    for (i, segment) in rest.iter().enumerate() {
        let mut longer = target.clone();
        longer.push(segment.clone());
        if known.contains(&longer) {
            target = longer;
            continue;
        }
        let bound = uses.get(&target).and_then(|names| names.get(segment));
        if let (Some(path), true) = (bound, depth < 8) {
            let followed = [&path[..], &rest[i + 1..]].concat();
            if let Some(through) = resolve(&target, &followed, known, uses, depth + 1) {
                return Some(through);
            }
        }
        break;
    }
    Some(target)
}

/// Every cycle among siblings, as `a → b → a (a/x.rs:3 crate::b::Y; …)`.
fn sibling_cycles(known: &BTreeSet<ModulePath>, references: &[Reference]) -> Vec<String> {
    let mut cycles = Vec::new();
    for parent in known {
        let children: Vec<&ModulePath> =
            known.iter().filter(|m| m.len() == parent.len() + 1 && m.starts_with(parent)).collect();
        if children.len() < 2 {
            continue;
        }
        let child_of = |m: &ModulePath| children.iter().position(|c| m.starts_with(c));
        let mut edges: BTreeMap<(usize, usize), &Reference> = BTreeMap::new();
        for reference in references {
            if let (Some(a), Some(b)) = (child_of(&reference.from), child_of(&reference.to)) {
                if a != b {
                    edges.entry((a, b)).or_insert(reference);
                }
            }
        }
        for component in strongly_connected(children.len(), &edges) {
            let names: Vec<String> = component.iter().map(|&c| children[c].join("::")).collect();
            let evidence: Vec<String> = edges
                .iter()
                .filter(|((a, b), _)| component.contains(a) && component.contains(b))
                .map(|((a, b), r)| {
                    format!(
                        "{} → {} ({}:{} {})",
                        children[*a].join("::"),
                        children[*b].join("::"),
                        r.file.display(),
                        r.line,
                        r.written
                    )
                })
                .collect();
            cycles.push(format!("cycle among {{{}}}: {}", names.join(", "), evidence.join("; ")));
        }
    }
    cycles
}

/// Tarjan's algorithm; only components of two or more nodes.
fn strongly_connected(nodes: usize, edges: &BTreeMap<(usize, usize), &Reference>) -> Vec<Vec<usize>> {
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    fn visit(v: usize, adjacency: &[Vec<usize>], s: &mut State) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &adjacency[v] {
            match s.index[w] {
                None => {
                    visit(w, adjacency, s);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(index) if s.on_stack[w] => s.low[v] = s.low[v].min(index),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort_unstable();
                s.found.push(component);
            }
        }
    }
    let mut adjacency = vec![Vec::new(); nodes];
    for &(a, b) in edges.keys() {
        adjacency[a].push(b);
    }
    let mut state = State {
        index: vec![None; nodes],
        low: vec![0; nodes],
        on_stack: vec![false; nodes],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in 0..nodes {
        if state.index[v].is_none() {
            visit(v, &adjacency, &mut state);
        }
    }
    state.found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(source: &str) -> Vec<String> {
        let mut out = Vec::new();
        paths_in(TokenStream::from_str(source).unwrap(), &mut out);
        out.into_iter().map(|(segments, _)| segments.join("::")).collect()
    }

    #[test]
    fn use_groups_and_inline_paths_are_read() {
        let found = paths("use crate::{a::X, b::{c::Y, Z}}; fn f(x: crate::t::T) { super::g(); let _ = self::h::K; }");
        assert_eq!(found, ["crate::a::X", "crate::b::c::Y", "crate::b::Z", "crate::t::T", "super::g", "self::h::K"]);
    }

    #[test]
    fn comments_strings_and_inline_modules_are_not_read() {
        let found = paths("// crate::a::X\nconst S: &str = \"crate::b\"; mod t { use crate::c::D; } use crate::e;");
        assert_eq!(found, ["crate::e"]);
    }

    #[test]
    fn use_trees_bind_their_last_names_and_aliases() {
        let trees: Vec<TokenTree> =
            TokenStream::from_str("crate::{a::{self, B}, c::D as E, f::*}").unwrap().into_iter().collect();
        let mut bound = BTreeMap::new();
        bind_use_tree(&trees, Vec::new(), &mut bound);
        let shown: Vec<String> = bound.iter().map(|(k, v)| format!("{k}={}", v.join("::"))).collect();
        assert_eq!(shown, ["B=crate::a::B", "E=crate::c::D", "a=crate::a"]);
    }

    #[test]
    fn paths_resolve_to_the_longest_known_module() {
        let known: BTreeSet<ModulePath> =
            [vec![], vec!["a".into()], vec!["a".into(), "b".into()], vec!["c".into()]].into_iter().collect();
        let here: ModulePath = vec!["a".into(), "b".into()];
        let uses: Uses = [(vec![], [("E".to_owned(), vec!["c".to_owned(), "E".to_owned()])].into_iter().collect())]
            .into_iter()
            .collect();
        let of = |p: &str| resolve(&here, &p.split("::").map(str::to_owned).collect::<Vec<_>>(), &known, &uses, 0);
        assert_eq!(of("crate::a::b::X"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(of("super::super::c::Y"), Some(vec!["c".into()]));
        assert_eq!(of("self::Z"), Some(here.clone()));
        assert_eq!(of("std::fmt"), None);
        // `crate::E` is what the root's `use c::E` binds: module c.
        assert_eq!(of("crate::E"), Some(vec!["c".into()]));
    }

    #[test]
    fn a_cycle_between_siblings_is_found_and_a_parent_child_pair_is_not() {
        let known: BTreeSet<ModulePath> =
            [vec![], vec!["a".into()], vec!["b".into()], vec!["c".into()]].into_iter().collect();
        let reference = |from: &str, to: &[&str]| Reference {
            from: vec![from.into()],
            to: to.iter().map(|s| s.to_string()).collect(),
            file: PathBuf::from(format!("{from}.rs")),
            line: 1,
            written: String::new(),
        };
        let acyclic = [reference("a", &["b"]), reference("b", &[]), reference("c", &["a"])];
        assert!(sibling_cycles(&known, &acyclic).is_empty());
        let cyclic = [reference("a", &["b"]), reference("b", &["c"]), reference("c", &["a"])];
        let found = sibling_cycles(&known, &cyclic);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("cycle among {a, b, c}"), "{found:?}");
    }
}
