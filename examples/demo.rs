//! The main job (`cargo xtask demo`): typescript@4.9.5 loaded into each engine, a snapshot
//! made of that heap, restored, and a small file transpiled, against the same work done
//! cold. Prints engine, cold, restored (and warm: compiled code kept, where the engine can),
//! ratio and snapshot size, and checks that every variant transpiled the file the same way.

use std::path::PathBuf;
use std::process::ExitCode;

use polysnap::commands::bench::{bench, BenchArgs};
use polysnap::EngineKind;

const TRANSPILE: &str = r#"ts.transpileModule(
  "interface Point { x: number; y: number }\nexport const norm = (p: Point): number => Math.hypot(p.x, p.y);\nexport class Box<T> { constructor(readonly value: T) {} }\n",
  { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017 } }).outputText"#;

/// What the warm snapshot runs once so that the code it calls is compiled and kept.
const WARMUP: &str = r#"ts.transpileModule("export const warm = (n: number): string => `${n}`;", { compilerOptions: { module: ts.ModuleKind.CommonJS } });"#;

fn main() -> ExitCode {
    let Some(typescript) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: demo PATH/TO/typescript.js   (cargo xtask demo fetches it)");
        return ExitCode::from(2);
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let warmup = dir.path().join("warmup.js");
    std::fs::write(&warmup, WARMUP).expect("the warm-up script is written");
    println!("workload: typescript@4.9.5 ({}), then ts.transpileModule on a small file", typescript.display());
    println!();
    println!(
        "{:<8} {:>10} {:>10} {:>10} {:>11} {:>9} {:>6} {:>11} {:>9}  same output",
        "engine", "cold", "restored", "warm", "code-cache", "restored", "warm", "code-cache", "snapshot"
    );
    let mut ok = true;
    for engine in [EngineKind::V8, EngineKind::ChakraCore] {
        let args = BenchArgs {
            engine,
            scripts: vec![typescript.clone()],
            print: Some(TRANSPILE.into()),
            warmup: Some(warmup.clone()),
            runs: 3,
        };
        match bench(&args) {
            Ok(r) => {
                let same = r.cold_output == r.restored_output
                    && r.warm_output.as_ref().is_none_or(|w| *w == r.cold_output)
                    && r.code_cache_output.as_ref().is_none_or(|c| *c == r.cold_output)
                    && r.cold_output.contains("exports.norm");
                ok &= same;
                let ms = |v: Option<f64>| v.map_or("-".to_owned(), |ms| format!("{ms:.1} ms"));
                let ratio = |v: Option<f64>| v.map_or("-".to_owned(), |ms| format!("{:.2}", ms / r.cold_ms));
                let code_cache = r.code_cache_ms.as_ref().ok().copied();
                println!(
                    "{:<8} {:>7.1} ms {:>7.1} ms {:>10} {:>11} {:>9.2} {:>6} {:>11} {:>6.1} MB  {}",
                    engine.to_string(),
                    r.cold_ms,
                    r.restored_ms,
                    ms(r.warm_ms),
                    ms(code_cache),
                    r.restored_ms / r.cold_ms,
                    ratio(r.warm_ms),
                    ratio(code_cache),
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
    println!("cold: fresh runtime + load typescript + transpile; restored: open the snapshot (mapped, validated),");
    println!("restore, transpile; warm: the same from a snapshot that kept the code a warm-up compiled (V8 only:");
    println!("ChakraCore's time-travel snapshots keep no compiled code); code-cache: the setup run again from the");
    println!("engine's code cache (V8 code cache, ChakraCore bytecode). Ratios are each variant over cold.");
    println!("In-process medians of 3 runs each; snapshot = the heap snapshot's size.");
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
