//! In-process rows through criterion (`benches/typescript.rs`): the bench run once per round,
//! each row's median read from criterion's estimates after every round.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::stats::Samples;
use crate::cmd;

/// The rows `benches/typescript.rs` defines, in its order (an engine lacks some).
pub const ROWS: &[&str] = &["cold", "heap", "warm", "code-cache", "floor"];

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// Runs the criterion bench for `engine` `rounds` times; the rows it measured, with their samples.
pub fn measure(
    workspace: &Path,
    env: &[(&str, &str)],
    engine: &str,
    rounds: usize,
) -> Result<Vec<(&'static str, Samples)>> {
    let group = format!("typescript/{engine}");
    let results = workspace.join("target/criterion").join(group.replace('/', "_"));
    let mut rows: Vec<(&'static str, Samples)> = Vec::new();
    for round in 0..rounds {
        // Last round's estimates must not pass for this round's.
        if results.exists() {
            std::fs::remove_dir_all(&results).with_context(|| format!("cannot clear {}", results.display()))?;
        }
        cmd::cargo(
            &format!("criterion, {group}, round {} of {rounds}", round + 1),
            workspace,
            &["bench", "--quiet", "--bench", "typescript", "--", "--quiet", &group],
            env,
        )?;
        for &row in ROWS {
            let file = results.join(row).join("new/estimates.json");
            let Ok(json) = std::fs::read_to_string(&file) else { continue };
            let estimates: Estimates =
                serde_json::from_str(&json).with_context(|| format!("{} does not parse", file.display()))?;
            let ms = estimates.median.point_estimate / 1e6;
            match rows.iter_mut().find(|(name, _)| *name == row) {
                Some((_, samples)) => samples.round_medians.push(ms),
                None => rows.push((row, Samples { round_medians: vec![ms], ..Samples::default() })),
            }
        }
    }
    if rows.first().map(|(name, _)| *name) != Some("cold") {
        anyhow::bail!("criterion left no estimate for {group}/cold in {}", results.display());
    }
    Ok(rows)
}

/// Runs every criterion row of `engine` once (criterion's `--test`): the rows' outputs are
/// checked against cold's before that, as in a measured run.
pub fn smoke(workspace: &Path, env: &[(&str, &str)], engine: &str) -> Result<()> {
    let group = format!("typescript/{engine}");
    cmd::cargo(
        &format!("criterion, {group}, each row once"),
        workspace,
        &["bench", "--quiet", "--bench", "typescript", "--", "--test", &group],
        env,
    )
}
