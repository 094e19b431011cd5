//! A setup script: a name for stack traces and errors, its source, and whether it is a
//! classic script or an ES module.

use std::path::Path;

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
        let io =
            |source| Error::Format(snapshot_core::FormatError::Io { action: "read", path: path.to_owned(), source });
        let source = std::fs::read_to_string(path).map_err(io)?;
        if path.extension().is_some_and(|e| e == "mjs") {
            let absolute = std::fs::canonicalize(path).map_err(io)?;
            return Ok(Script::module(format!("file://{}", absolute.display()), source));
        }
        Ok(Script::new(path.display().to_string(), source))
    }
}

/// Refuses the first ES module among `scripts`: `step` runs classic scripts only.
pub(crate) fn classic_only(scripts: &[Script], step: &'static str) -> Result<(), Error> {
    match scripts.iter().find(|s| s.kind == ScriptKind::Module) {
        Some(module) => Err(Error::ModuleNotSupported { module: module.name.clone(), step }),
        None => Ok(()),
    }
}
