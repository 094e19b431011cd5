//! What V8's code cache buys on a real workload (TypeScript 4.9.5's `typescript.js`):
//!
//! ```text
//! cargo run --release -p backend-v8 --example code_cache [-- path/to/typescript.js]
//! ```
//!
//! Prints, median of 5 runs each: a fresh runtime + run typescript.js + one
//! `ts.transpileModule(...)` cold; the same with a code cache made after a first run that
//! also transpiled (so transpile's functions are in it); and, for comparison, with a cache
//! made right after the script ran (top level only). Plus the caches' sizes.
use std::path::PathBuf;
use std::time::Instant;

use backend_v8::{check_code_cache, CacheOutcome, Runtime};
use snapshot_core::HostValue;

const TRANSPILE: &str = r#"ts.transpileModule("let x: number = 1", {}).outputText"#;
const RUNS: usize = 5;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Times of one run: runtime, script, transpile, total (ms).
#[derive(Clone, Copy)]
struct Run {
    runtime: f64,
    script: f64,
    transpile: f64,
    total: f64,
}

fn one_run(source: &str, cache: Option<&[u8]>) -> (Run, HostValue) {
    let t = Instant::now();
    let mut rt = Runtime::fresh(vec![]).expect("a fresh runtime");
    let runtime = ms(t);
    let t1 = Instant::now();
    match cache {
        None => {
            rt.run_script("typescript.js", source).expect("typescript.js runs");
        }
        Some(cache) => {
            let (_, outcome) = rt.run_script_with_cache("typescript.js", source, cache).expect("typescript.js runs");
            assert_eq!(outcome, CacheOutcome::Accepted, "V8 rejected the cache");
        }
    }
    let script = ms(t1);
    let t2 = Instant::now();
    let out = rt.eval(TRANSPILE).expect("transpileModule runs");
    let transpile = ms(t2);
    let total = ms(t);
    (Run { runtime, script, transpile, total }, out)
}

fn median(runs: &[Run], f: impl Fn(&Run) -> f64) -> f64 {
    let mut v: Vec<f64> = runs.iter().map(f).collect();
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

fn report(label: &str, runs: &[Run]) {
    println!(
        "{label:<40} total {:6.1} ms  (runtime {:4.1} + typescript.js {:6.1} + transpile {:5.1})  [totals: {}]",
        median(runs, |r| r.total),
        median(runs, |r| r.runtime),
        median(runs, |r| r.script),
        median(runs, |r| r.transpile),
        runs.iter().map(|r| format!("{:.1}", r.total)).collect::<Vec<_>>().join(", ")
    );
}

fn main() {
    let path = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/workloads/typescript-4.9.5/typescript.js")
    });
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("expected the TypeScript workload at {} ({e}); pass its path as the first argument", path.display())
    });
    backend_v8::init().expect("V8 platform");
    println!(
        "V8 {}; {} ({} bytes); median of {RUNS} runs each",
        backend_v8::v8_version().unwrap(),
        path.display(),
        source.len()
    );

    // Warm up the process (platform, allocator), not V8's caches: every run has its own isolate.
    let (_, expected) = one_run(&source, None);
    println!("transpile output: {expected:?}");

    // Cache made after the run and a transpile (the function bodies transpile compiled).
    let t = Instant::now();
    let mut rt = Runtime::fresh(vec![]).expect("a fresh runtime");
    let (_, kept) = rt.run_script_keeping("typescript.js", &source).expect("typescript.js runs");
    assert_eq!(rt.eval(TRANSPILE).expect("transpile"), expected);
    let t_cache = Instant::now();
    let after_transpile = rt.code_cache(&kept).expect("a code cache");
    let cache_ms = ms(t_cache);
    let produce_ms = ms(t);
    drop(rt);

    // Cache made right after the script ran (run_script_producing_cache).
    let mut rt = Runtime::fresh(vec![]).expect("a fresh runtime");
    let t = Instant::now();
    let (_, after_script) = rt.run_script_producing_cache("typescript.js", &source).expect("typescript.js runs");
    let produce_script_ms = ms(t);
    drop(rt);

    let t = Instant::now();
    check_code_cache(&source, &after_transpile).expect("a good cache");
    let check_ms = ms(t);
    println!(
        "cache after run + transpile: {} bytes ({:.1} MB), made in {cache_ms:.1} ms (run + transpile + cache {produce_ms:.1} ms)",
        after_transpile.len(),
        after_transpile.len() as f64 / 1e6
    );
    println!(
        "cache after run only:        {} bytes ({:.1} MB), run + cache {produce_script_ms:.1} ms",
        after_script.len(),
        after_script.len() as f64 / 1e6
    );
    println!("envelope check (checksums of source + cache): {check_ms:.1} ms per consume");

    // Interleaved (one run of each kind per round) so that machine load hits all alike.
    let kinds: [(&str, Option<&[u8]>); 3] = [
        ("cold (no cache)", None),
        ("code cache made after run + transpile", Some(&after_transpile)),
        ("code cache made after run only", Some(&after_script)),
    ];
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); kinds.len()];
    for _ in 0..RUNS {
        for (i, (label, cache)) in kinds.iter().enumerate() {
            let (run, out) = one_run(&source, *cache);
            assert_eq!(out, expected, "{label}: transpile output differs");
            runs[i].push(run);
        }
    }
    for ((label, _), runs) in kinds.iter().zip(&runs) {
        report(label, runs);
    }
}
