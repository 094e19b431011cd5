//! `cargo xtask demo`: the main job on both engines.

use std::path::Path;

use anyhow::Result;

use crate::{cmd, setup, workloads};

/// Sets up the engines and the typescript workload, then runs the demo example on both engines.
pub fn run(workspace: &Path) -> Result<()> {
    let engines = setup::run(workspace)?;
    let typescript = workloads::typescript(workspace)?;
    let typescript = typescript.to_str().expect("a UTF-8 path");
    cmd::cargo(
        "demo",
        workspace,
        &["run", "--release", "--quiet", "--example", "demo", "--", typescript],
        &engines.env(),
    )
}
