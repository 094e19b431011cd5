//! A setup script: a name for stack traces and errors, its source, and whether it is a
//! classic script or an ES module.

use std::path::Path;

use snapshot_core::{Api, HostValue, ModuleSource, Runtime};

use crate::Error;

/// How a script runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScriptKind {
    /// A classic script in the global scope (top-level `var` and functions become globals).
    #[default]
    Classic,
    /// An ES module: its name is its URL, its imports are resolved by
    /// [`MakeOptions::module_resolver`](crate::MakeOptions::module_resolver).
    Module,
}

/// A script: a file name for stack traces (a URL for a module), its source and its kind.
#[derive(Clone, Debug)]
pub struct Script {
    /// The name errors and stacks show; a module's URL.
    pub name: String,
    /// The source text.
    pub source: String,
    /// Classic script or ES module.
    pub kind: ScriptKind,
}

impl Script {
    /// A classic script named `name`.
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Script {
        Script { name: name.into(), source: source.into(), kind: ScriptKind::Classic }
    }

    /// An ES module at `url` (`file:///app/main.mjs`).
    pub fn module(url: impl Into<String>, source: impl Into<String>) -> Script {
        Script { name: url.into(), source: source.into(), kind: ScriptKind::Module }
    }

    /// The script in the file at `path` (an error names the file): an ES module, named by
    /// its `file://` URL, when the name ends in `.mjs`; a classic script otherwise.
    pub fn from_file(path: &Path) -> Result<Script, Error> {
        let is_module = path.extension().is_some_and(|e| e == "mjs");
        Script::read(path, if is_module { ScriptKind::Module } else { ScriptKind::Classic })
    }

    /// The file at `path` as an ES module whatever its name (the CLI's `--module`), named by
    /// its `file://` URL.
    pub fn module_from_file(path: &Path) -> Result<Script, Error> {
        Script::read(path, ScriptKind::Module)
    }

    fn read(path: &Path, kind: ScriptKind) -> Result<Script, Error> {
        let io =
            |source| Error::Format(snapshot_core::FormatError::Io { action: "read", path: path.to_owned(), source });
        let source = std::fs::read_to_string(path).map_err(io)?;
        match kind {
            ScriptKind::Module => {
                let absolute = std::fs::canonicalize(path).map_err(io)?;
                Ok(Script::module(format!("file://{}", absolute.display()), source))
            }
            ScriptKind::Classic => Ok(Script::new(path.display().to_string(), source)),
        }
    }

    /// Runs the script in `runtime`'s current context: a classic script for its completion
    /// value; a module graph (imports through the loader set with
    /// [`use_module_resolver`](crate::use_module_resolver)) for `undefined`, its top-level
    /// await settled. Engines without `ES_MODULES` refuse a module naming the capability.
    pub fn run_in<R: Runtime>(&self, runtime: &mut R) -> Result<HostValue, Error> {
        let engine = |source| Error::Engine { engine: <R::A as Api>::KIND, source };
        match self.kind {
            ScriptKind::Classic => runtime.run_script(&self.name, &self.source).map_err(engine),
            ScriptKind::Module => {
                let root = ModuleSource { url: self.name.clone(), source: self.source.clone() };
                runtime.run_module(root).map_err(engine)?;
                Ok(HostValue::Undefined)
            }
        }
    }
}

/// Refuses the first ES module among `scripts`: `step` runs classic scripts only.
pub(crate) fn classic_only(scripts: &[Script], step: &'static str) -> Result<(), Error> {
    match scripts.iter().find(|s| s.kind == ScriptKind::Module) {
        Some(module) => Err(Error::ModuleNotSupported { module: module.name.clone(), step }),
        None => Ok(()),
    }
}
