//! `cargo xtask demo`: the main job on both engines, through the `polysnap` command alone.
//!
//! Steps: set up the engines and the typescript workload → build `polysnap` (release) →
//! on each engine, `polysnap make` a snapshot of typescript loaded and `polysnap run` it to
//! transpile a small file (the two engines must print the same text) → `polysnap bench` on
//! both engines in one table: cold against restored, warm and code cache, each variant's
//! output checked against cold's.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::bench::TRANSPILE;
use crate::{cmd, setup, workloads};

/// What the warm snapshot runs once so that the code it calls is compiled and kept.
const WARMUP: &str = r#"ts.transpileModule("export const warm = (n: number): string => `${n}`;", { compilerOptions: { module: ts.ModuleKind.CommonJS } });"#;

/// Sets up the engines and the workload, then makes, restores and measures on both engines.
pub fn run(workspace: &Path) -> Result<()> {
    let engines = setup::run(workspace)?;
    let typescript = workloads::typescript(workspace)?;
    let typescript = typescript.to_str().context("the workload's path is not UTF-8")?;
    cmd::cargo("demo: build", workspace, &["build", "--release", "--quiet", "--bin", "polysnap"], &engines.env())?;
    let polysnap = workspace.join("target/release/polysnap");
    let polysnap = polysnap.to_str().context("the target folder's path is not UTF-8")?;
    let dir = tempfile::tempdir().context("demo: a temporary folder")?;

    println!("workload: typescript@4.9.5 ({typescript}), then ts.transpileModule on a small file");
    let mut texts = Vec::new();
    for engine in ["v8", "chakra"] {
        let snapshot = dir.path().join(format!("typescript-{engine}.psnap"));
        let snapshot = snapshot.to_str().context("the temporary folder's path is not UTF-8")?;
        println!("\n$ polysnap make --engine {engine} -o {snapshot} typescript.js");
        cmd::run("demo: make", dir.path(), polysnap, &["make", "--engine", engine, "-o", snapshot, typescript])?;
        println!("$ polysnap run {snapshot} -p 'ts.transpileModule(…).outputText'");
        let output = cmd::capture("demo: run", dir.path(), polysnap, &["run", snapshot, "-p", TRANSPILE])?;
        if !output.status.success() {
            bail!("demo: the {engine} snapshot did not run: {}", String::from_utf8_lossy(&output.stderr));
        }
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        print!("{text}");
        texts.push(text);
    }
    if texts[0] != texts[1] || !texts[0].contains("exports.f") {
        bail!("demo: the two engines' restored snapshots transpiled differently (or not at all)");
    }
    println!("\nboth engines' restored snapshots printed the same text\n");

    let warmup = dir.path().join("warmup.js");
    std::fs::write(&warmup, WARMUP).context("demo: writing the warm-up script")?;
    let warmup = warmup.to_str().context("the temporary folder's path is not UTF-8")?;
    let bench = ["bench", "--engine", "v8", "--engine", "chakra", "--runs", "3", "-p", TRANSPILE, "--warmup", warmup];
    println!("$ polysnap bench --engine v8 --engine chakra --runs 3 -p '…' --warmup warmup.js typescript.js");
    cmd::run("demo: bench", dir.path(), polysnap, &[&bench[..], &[typescript]].concat())?;
    println!();
    println!("cold: fresh runtime + load typescript + transpile; restored: open the snapshot (mapped, validated),");
    println!("restore, transpile; warm: the same from a snapshot that kept the code a warm-up compiled (V8 only:");
    println!("ChakraCore's time-travel snapshots keep no compiled code); code-cache: the setup run again from the");
    println!("engine's code cache (V8 code cache, ChakraCore bytecode); floor: the payload handed straight to the");
    println!("engine. In-process medians of 3 runs each; snapshot = the heap snapshot's size. Whole-process");
    println!("figures with spreads: cargo xtask bench (docs/benchmarks.md).");
    Ok(())
}
