//! A setup script: a name for stack traces and errors, and its source.

use std::path::Path;

use crate::Error;

/// A script: a file name for stack traces, and its source.
#[derive(Clone, Debug)]
pub struct Script {
    /// The name errors and stacks show.
    pub name: String,
    /// The source text.
    pub source: String,
}

impl Script {
    /// A script named `name`.
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Script {
        Script { name: name.into(), source: source.into() }
    }

    /// The script in the file at `path` (an error names the file).
    pub fn from_file(path: &Path) -> Result<Script, Error> {
        let source = std::fs::read_to_string(path).map_err(|source| {
            Error::Format(snapshot_core::FormatError::Io { action: "read", path: path.to_owned(), source })
        })?;
        Ok(Script::new(path.display().to_string(), source))
    }
}
