//! The main job (`cargo xtask demo`): typescript@4.9.5 loaded into each engine, a snapshot
//! made of that heap, restored, and a small file transpiled, against the same work done
//! cold. Prints engine, cold, restored, ratio and snapshot size, and checks that both
//! transpiled the file to the same output.

use std::path::PathBuf;
use std::process::ExitCode;

use polysnap::commands::bench::{bench, BenchArgs};
use polysnap::EngineKind;

const TRANSPILE: &str = r#"ts.transpileModule(
  "interface Point { x: number; y: number }\nexport const norm = (p: Point): number => Math.hypot(p.x, p.y);\nexport class Box<T> { constructor(readonly value: T) {} }\n",
  { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017 } }).outputText"#;

fn main() -> ExitCode {
    let Some(typescript) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: demo PATH/TO/typescript.js   (cargo xtask demo fetches it)");
        return ExitCode::from(2);
    };
    println!("workload: typescript@4.9.5 ({}), then ts.transpileModule on a small file", typescript.display());
    println!();
    println!("{:<8} {:>12} {:>12} {:>7} {:>10}  same output", "engine", "cold", "restored", "ratio", "snapshot");
    let mut ok = true;
    for engine in [EngineKind::V8, EngineKind::ChakraCore] {
        let args = BenchArgs { engine, scripts: vec![typescript.clone()], print: Some(TRANSPILE.into()), runs: 3 };
        match bench(&args) {
            Ok(r) => {
                let same = r.cold_output == r.restored_output && r.cold_output.contains("exports.norm");
                ok &= same;
                println!(
                    "{:<8} {:>9.1} ms {:>9.1} ms {:>7.2} {:>7.1} MB  {}",
                    engine.to_string(),
                    r.cold_ms,
                    r.restored_ms,
                    r.restored_ms / r.cold_ms,
                    r.snapshot_bytes as f64 / 1e6,
                    if same { "yes" } else { "NO" }
                );
            }
            Err(failure) => {
                ok = false;
                println!("{:<8} failed: {failure}", engine.to_string());
            }
        }
    }
    println!();
    println!("cold: fresh runtime + load typescript + transpile; restored: open the snapshot, restore, transpile");
    println!("(in-process medians of 3 runs each; ratio = restored / cold)");
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
