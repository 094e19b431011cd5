//! `cargo xtask demo`: the main job on both engines.

use std::path::Path;

use anyhow::Result;

use crate::{cmd, setup};

/// Sets up the engines, then runs the demo binary.
pub fn run(workspace: &Path) -> Result<()> {
    let engines = setup::run(workspace)?;
    cmd::cargo("demo", workspace, &["run", "--release", "--quiet", "--example", "demo"], &engines.env())
}
