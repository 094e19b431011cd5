//! The host's ES module resolver, Node-like for what this host supports: relative and
//! absolute paths and `file://` URLs (no extension added, as Node's ESM resolver adds none),
//! and packages under `node_modules` through their `package.json` (`exports` with the
//! `import` and `default` conditions, then `main`, then `index.js`). Every module is named
//! by the `file://` URL of its real path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;
use snapshot_core::ModuleSource;

/// The content hash of a module's file or source, as the module caches record it (xxh3-64):
/// `require.cache` entries and captured ES modules alike.
pub(crate) fn xxhash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// What the query of a module's URL is when its file changed since the snapshot and the
/// module policy is `reload`: a later `import()` of the file loads it as a new instance,
/// named with this query (the snapshot's modules keep the instance they were linked to).
pub const RELOADED: &str = "polysnap-reload";

/// The ES modules a host loaded (URL → hash of the source compiled), for the module map's
/// rehydrator, and the URLs whose files changed since the snapshot (policy `reload`).
#[derive(Debug, Default)]
pub struct ModuleLedger {
    loaded: Mutex<BTreeMap<String, u64>>,
    stale: Mutex<BTreeSet<String>>,
}

impl ModuleLedger {
    /// Records `module` as loaded, with the hash of its source.
    pub fn note(&self, module: &ModuleSource) {
        lock(&self.loaded).insert(module.url.clone(), xxhash(module.source.as_bytes()));
    }

    /// Every module loaded, by URL, with the hash of its source.
    pub fn loaded(&self) -> BTreeMap<String, u64> {
        lock(&self.loaded).clone()
    }

    /// Marks `url` as changed since the snapshot: later imports load it anew.
    pub fn mark_stale(&self, url: &str) {
        lock(&self.stale).insert(url.to_owned());
    }

    /// `module` as this host hands it out: noted, and renamed when its file changed since
    /// the snapshot (see [`RELOADED`]).
    pub fn hand_out(&self, mut module: ModuleSource) -> ModuleSource {
        if lock(&self.stale).contains(&module.url) {
            module.url = format!("{}?{RELOADED}", module.url);
        }
        self.note(&module);
        module
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The module `specifier` names when `referrer` imports it: a module's `file://` URL, or a
/// classic script's name (its path, relative to the working directory; `[eval]` and other
/// names that are no file resolve from the working directory, as Node's `-p` does).
pub fn resolve(specifier: &str, referrer: &str) -> Result<ModuleSource, String> {
    let from = importer_path(referrer)?;
    let dir = from.parent().unwrap_or(Path::new("/"));
    let path = if let Some(path) = specifier.strip_prefix("file://") {
        PathBuf::from(path)
    } else if specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/') {
        dir.join(specifier)
    } else if specifier.starts_with("node:") {
        return Err("Node's built-in modules are not part of this host (its globals are: console, process, fs…)".into());
    } else {
        package_entry(specifier, dir)?
    };
    load(&path)
}

/// The file `referrer` names: a `file://` URL's path, or a script's path made absolute.
fn importer_path(referrer: &str) -> Result<PathBuf, String> {
    if let Some(url) = referrer.strip_prefix("file://") {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        return Ok(PathBuf::from(path));
    }
    if let Some((scheme, _)) = referrer.split_once("://") {
        return Err(format!("the importer {referrer} is a {scheme}:// URL; this host loads file:// modules only"));
    }
    let cwd = std::env::current_dir().map_err(|e| format!("the working directory is unreadable: {e}"))?;
    Ok(cwd.join(referrer))
}

/// Reads `path` as a module named by the `file://` URL of its real path.
fn load(path: &Path) -> Result<ModuleSource, String> {
    let real = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !real.is_file() {
        return Err(format!("{} is not a file (ES module imports name the file, extension included)", real.display()));
    }
    let source = std::fs::read_to_string(&real).map_err(|e| format!("cannot read {}: {e}", real.display()))?;
    Ok(ModuleSource { url: format!("file://{}", real.display()), source })
}

/// The file a bare specifier (`pkg`, `pkg/sub`, `@scope/pkg/sub`) names, from the nearest
/// `node_modules` folder above `dir` that has the package.
fn package_entry(specifier: &str, dir: &Path) -> Result<PathBuf, String> {
    let parts = if specifier.starts_with('@') { 2 } else { 1 };
    let mut segments = specifier.splitn(parts + 1, '/');
    let name: Vec<&str> = segments.by_ref().take(parts).collect();
    let name = name.join("/");
    let subpath = segments.next().map_or(".".to_owned(), |rest| format!("./{rest}"));
    let package = dir
        .ancestors()
        .map(|d| d.join("node_modules").join(&name))
        .find(|p| p.is_dir())
        .ok_or_else(|| format!("no node_modules folder above {} has the package {name}", dir.display()))?;
    let manifest = package.join("package.json");
    let json: Value = match std::fs::read_to_string(&manifest) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", manifest.display()))?,
        Err(_) => Value::Null,
    };
    if let Some(exports) = json.get("exports") {
        let target = exported(exports, &subpath).ok_or_else(|| {
            format!("{} does not export {subpath} (its \"exports\" has no such entry for import)", manifest.display())
        })?;
        return Ok(package.join(target));
    }
    if subpath != "." {
        return Ok(package.join(&subpath));
    }
    Ok(package.join(json.get("main").and_then(Value::as_str).unwrap_or("index.js")))
}

/// The target `exports` gives `subpath` (`.` or `./sub`), under the `import` or `default`
/// condition.
fn exported<'a>(exports: &'a Value, subpath: &str) -> Option<&'a str> {
    let is_map = exports.as_object().is_some_and(|m| m.keys().all(|k| k.starts_with('.')));
    let entry = if is_map {
        exports.get(subpath)?
    } else if subpath == "." {
        exports
    } else {
        return None;
    };
    conditional(entry)
}

/// A target, or the first of its `import` / `default` conditions that resolves.
fn conditional(entry: &Value) -> Option<&str> {
    match entry {
        Value::String(target) => Some(target),
        Value::Object(conditions) => {
            ["import", "default"].iter().find_map(|c| conditions.get(*c).and_then(conditional))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn relative_absolute_and_package_imports_resolve_like_node() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        write(&root, "app/main.mjs", "");
        write(&root, "app/lib/util.mjs", "export const u = 1;");
        write(
            &root,
            "node_modules/pkg/package.json",
            r#"{"exports": {".": {"import": "./esm/index.mjs", "require": "./cjs.js"}, "./extra": "./extra.mjs"}}"#,
        );
        write(&root, "node_modules/pkg/esm/index.mjs", "export default 1;");
        write(&root, "node_modules/pkg/extra.mjs", "");
        write(&root, "node_modules/@s/old/package.json", r#"{"main": "lib/main.mjs"}"#);
        write(&root, "node_modules/@s/old/lib/main.mjs", "");
        let referrer = format!("file://{}/app/main.mjs", root.display());
        let url = |spec: &str| resolve(spec, &referrer).map(|m| m.url.replace(&root.display().to_string(), ""));
        assert_eq!(url("./lib/util.mjs").unwrap(), "file:///app/lib/util.mjs");
        assert_eq!(url(&format!("{}/app/lib/util.mjs", root.display())).unwrap(), "file:///app/lib/util.mjs");
        assert_eq!(url("pkg").unwrap(), "file:///node_modules/pkg/esm/index.mjs");
        assert_eq!(url("pkg/extra").unwrap(), "file:///node_modules/pkg/extra.mjs");
        assert_eq!(url("@s/old").unwrap(), "file:///node_modules/@s/old/lib/main.mjs");
        assert!(url("./lib/util").unwrap_err().contains("util"), "no extension is guessed");
        assert!(url("pkg/secret").unwrap_err().contains("does not export ./secret"));
        assert!(url("absent").unwrap_err().contains("package absent"));
        assert!(url("node:fs").unwrap_err().contains("built-in"));
        // A classic script imports relative to its own path; a name that is no file
        // (`[eval]`) from the working directory, like Node's -p.
        let script = format!("{}/app/run.js", root.display());
        assert!(resolve("./lib/util.mjs", &script).unwrap().url.ends_with("/app/lib/util.mjs"));
        let cwd = std::env::current_dir().unwrap();
        let eval_dir = importer_path("[eval]").unwrap();
        assert_eq!(eval_dir.parent().unwrap(), cwd);
        assert!(resolve("./x.mjs", "https://example.org/a.mjs").unwrap_err().contains("file:// modules only"));
    }
}
