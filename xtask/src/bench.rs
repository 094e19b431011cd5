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

/// Builds polysnap in release and runs every benchmark for the engines asked for; `curve`
/// runs the cost curve instead (heaps of 10^3…10^6 objects, a code-heavy setup, 10^7
/// globals) and redraws docs/cost-curve.svg.
pub fn run(workspace: &Path, only: Option<&str>) -> Result<()> {
    let engines = setup::run(workspace)?;
    if only == Some("curve") {
        let svg = workspace.join("docs/cost-curve.svg");
        let svg = svg.to_str().context("a UTF-8 path")?;
        return cmd::cargo(
            "cost curve",
            workspace,
            &["run", "--release", "--quiet", "--example", "curve", "--", svg],
            &engines.env(),
        );
    }
    let typescript = workloads::typescript(workspace)?;
    // Everything timed below is built here, from these sources: polysnap and the `cold`
    // example (the cold and engine-floor rows).
    cmd::cargo(
        "build polysnap and the cold example (release)",
        workspace,
        &["build", "--release", "--quiet", "--bin", "polysnap", "--example", "cold"],
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
        println!("== {engine}: typescript, whole process (wall time and peak RSS, median of 7) ==");
        whole_process(workspace, &polysnap, scratch.path(), engine, ts)?;
        println!();
    }
    Ok(())
}

/// Whole processes: cold (the `cold` example: fresh runtime, host runtime, typescript,
/// transpile) against `polysnap run` from a heap, a warm and a code-cache snapshot.
fn whole_process(workspace: &Path, polysnap: &Path, dir: &Path, engine: &str, ts: &str) -> Result<()> {
    let cold = workspace.join("target/release/examples/cold");
    let mut variants: Vec<(String, Vec<String>)> = Vec::new();
    let make = |file: &str, extra: &[&str]| -> Result<bool> {
        let mut args = vec!["make", "--engine", engine, "-o", file];
        args.extend_from_slice(extra);
        args.push(ts);
        Ok(Command::new(polysnap).args(&args).current_dir(dir).output()?.status.success())
    };
    let run =
        |file: &str| vec![polysnap.display().to_string(), "run".into(), file.into(), "-p".into(), TRANSPILE.into()];
    variants.push((
        "cold".into(),
        vec![cold.display().to_string(), "--engine".into(), engine.into(), ts.into(), "-p".into(), TRANSPILE.into()],
    ));
    if make("wp-heap.psnap", &[])? {
        variants.push(("run, heap".into(), run("wp-heap.psnap")));
        variants.push((
            "engine floor, heap".into(),
            vec![
                cold.display().to_string(),
                "--engine".into(),
                engine.into(),
                "--raw".into(),
                "wp-heap.psnap".into(),
                "-p".into(),
                TRANSPILE.into(),
            ],
        ));
    }
    if make("wp-warm.psnap", &["--warmup", "warmup.js"])? {
        variants.push(("run, warm heap".into(), run("wp-warm.psnap")));
    }
    if make("wp-cc.psnap", &["--strategy", "code-cache"])? {
        variants.push(("run, code-cache".into(), run("wp-cc.psnap")));
    }
    let mut cold_ms = None;
    let mut cold_output: Option<String> = None;
    println!("{:<18} {:>10} {:>10} {:>12}", "variant", "wall ms", "/ cold", "peak RSS");
    for (name, argv) in variants {
        let mut runs: Vec<(f64, u64)> = Vec::new();
        for _ in 0..7 {
            // Wall time measured here (microseconds), peak RSS reported by /usr/bin/time.
            let start = std::time::Instant::now();
            let out = Command::new("/usr/bin/time").arg("-f").arg("%M").args(&argv).current_dir(dir).output()?;
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            if !out.status.success() {
                bail!("{name}: {}", String::from_utf8_lossy(&out.stderr));
            }
            // Every run of every variant must print what cold printed: else its time is not
            // a time for the same work.
            let printed = String::from_utf8_lossy(&out.stdout).into_owned();
            let expected = cold_output.get_or_insert_with(|| printed.clone());
            if printed != *expected {
                bail!(
                    "{name} printed {printed:?}, cold printed {expected:?}: the rows would not compare the same work"
                );
            }
            let stderr = String::from_utf8_lossy(&out.stderr);
            let kib: u64 = stderr.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
            runs.push((ms, kib));
        }
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (ms, kib) = runs[runs.len() / 2];
        let base = *cold_ms.get_or_insert(ms);
        println!("{name:<18} {ms:>10.1} {:>10.2} {:>9.1} MB", ms / base, kib as f64 / 1024.0);
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
