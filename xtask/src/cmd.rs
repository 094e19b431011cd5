//! Running other programs, with errors that name the step.

use std::path::Path;
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

/// Runs `program args…` in `dir`, inheriting output; fails naming `step` when it fails.
pub fn run(step: &str, dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .with_context(|| format!("{step}: cannot start `{program}`"))?;
    if !status.success() {
        bail!("{step}: `{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Runs `program args…` in `dir`, capturing its output.
pub fn capture(step: &str, dir: &Path, program: &str, args: &[&str]) -> Result<Output> {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .with_context(|| format!("{step}: cannot start `{program}`"))
}

/// Runs cargo with `args` in the workspace, inheriting output.
pub fn cargo(step: &str, workspace: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(workspace)
        .status()
        .with_context(|| format!("{step}: cannot start cargo"))?;
    if !status.success() {
        bail!("{step}: `cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}
