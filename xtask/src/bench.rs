//! `cargo xtask bench [v8|chakra]`: the benchmarks, printed side by side in one run per
//! engine (release build): typescript (load + one transpile) cold, restored, warm (where the
//! engine keeps code) and the engine floor; a compute-heavy setup that leaves a small heap;
//! and the snapshot's payload stored against decoded.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{cmd, setup, workloads};

const TRANSPILE: &str = r#"ts.transpileModule("interface P { x: number }\nexport const f = (p: P): number => p.x * 2;\nexport class C<T> { constructor(readonly v: T) {} }\n", { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText"#;
const WARMUP: &str = r#"ts.transpileModule("export const warm = (n: number): string => `${n}`;", { compilerOptions: { module: ts.ModuleKind.CommonJS } });"#;
const HEAVY: &str = "var acc = 0; for (var i = 0; i < 30000000; i++) { acc = (acc + i * i) % 1000003; } var table = []; for (var j = 0; j < 1000; j++) { table.push(acc + j); }";

/// Builds polysnap in release and runs every benchmark for the engines asked for.
pub fn run(workspace: &Path, only: Option<&str>) -> Result<()> {
    let engines = setup::run(workspace)?;
    let typescript = workloads::typescript(workspace)?;
    cmd::cargo(
        "build polysnap (release)",
        workspace,
        &["build", "--release", "--quiet", "--bin", "polysnap"],
        &engines.env(),
    )?;
    let polysnap = workspace.join("target/release/polysnap");
    let scratch = tempfile::tempdir()?;
    std::fs::write(scratch.path().join("warmup.js"), WARMUP)?;
    std::fs::write(scratch.path().join("heavy.js"), HEAVY)?;
    let ts = typescript.to_str().context("a UTF-8 path")?;
    for engine in ["v8", "chakra"] {
        if only.is_some_and(|o| o != engine) {
            continue;
        }
        println!("== {engine}: typescript@4.9.5, load + one transpile (medians of 5) ==");
        polysnap_bench(
            &polysnap,
            scratch.path(),
            &["--engine", engine, "--runs", "5", "--warmup", "warmup.js", ts, "-p", TRANSPILE],
        )?;
        println!();
        println!("== {engine}: compute-heavy setup (30M iterations), small heap (medians of 3) ==");
        polysnap_bench(&polysnap, scratch.path(), &["--engine", engine, "--runs", "3", "heavy.js", "-p", "acc"])?;
        println!();
        println!("== {engine}: typescript snapshot, payload stored vs decoded ==");
        sizes(&polysnap, scratch.path(), engine, ts)?;
        println!();
    }
    Ok(())
}

fn polysnap_bench(polysnap: &Path, dir: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(polysnap).arg("bench").args(args).current_dir(dir).status()?;
    if !status.success() {
        bail!("polysnap bench {} failed ({status})", args.join(" "));
    }
    Ok(())
}

fn sizes(polysnap: &Path, dir: &Path, engine: &str, ts: &str) -> Result<()> {
    let file = format!("ts-{engine}.psnap");
    let made = Command::new(polysnap).args(["make", "--engine", engine, "-o", &file, ts]).current_dir(dir).output()?;
    if !made.status.success() {
        bail!("polysnap make failed: {}", String::from_utf8_lossy(&made.stderr));
    }
    let inspect = Command::new(polysnap).args(["inspect", "--json", &file]).current_dir(dir).output()?;
    let json = String::from_utf8_lossy(&inspect.stdout);
    let field = |name: &str| -> Option<f64> {
        let at = json.find(&format!("\"{name}\""))?;
        let rest = &json[at + name.len() + 3..];
        rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    };
    let (stored, decoded) = (field("stored_bytes").unwrap_or(0.0), field("decoded_bytes").unwrap_or(0.0));
    let file_len = std::fs::metadata(dir.join(&file)).map_or(0, |m| m.len());
    println!(
        "file {:.1} MB; payload stored {:.1} MB, decoded {:.1} MB (stored = {:.3} x decoded)",
        file_len as f64 / 1e6,
        stored / 1e6,
        decoded / 1e6,
        if decoded > 0.0 { stored / decoded } else { 0.0 }
    );
    Ok(())
}
