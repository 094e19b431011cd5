//! Cold start vs ChakraCore's bytecode cache on typescript@4.9.5.
//!
//! ```text
//! cargo run --release -p backend-chakra --example bytecode [-- path/to/typescript.js]
//! ```
//!
//! Cold: fresh runtime + `typescript.js` from source + one `ts.transpileModule`. From
//! bytecode: fresh runtime + `Runtime::run_serialized` + the same transpile. Both run the
//! one-line [`PRELUDE`] from source first. Five runs of each, interleaved; prints every
//! run, the medians and the bytecode's size.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use backend_chakra::{Library, Runtime};
use snapshot_core::HostValue;

const RUNS: usize = 5;
/// What the CLI's host gives every script (`src/js/runtime.js`) and a bare runtime lacks:
/// typescript finds `Map` through `globalThis`, `global` or `self` (ChakraCore 1.11 has no
/// `globalThis`). Run from source before typescript, in both variants.
const PRELUDE: &str = "var global = this;";
const TRANSPILE: &str = r#"ts.transpileModule("let x: number = 1", {}).outputText"#;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.cache/workloads/typescript-4.9.5/typescript.js")
    });
    let source = std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let lib = Library::open_default()?;
    println!("library {} ({})", lib.path().display(), lib.identity()?);
    println!("source  {} ({} bytes)", path.display(), source.len());

    let t = Instant::now();
    let bytecode = Runtime::fresh(&lib, vec![])?.serialize_script("typescript.js", &source)?;
    println!(
        "serialize_script: {} (fresh runtime + parse + serialize), {} bytes of bytecode",
        ms(t.elapsed()),
        bytecode.len()
    );

    // Without a `ts.sys` (no Node host) typescript ends lines with CRLF.
    let expected = HostValue::String("var x = 1;\r\n".into());
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    let (mut warm_run, mut warm_transpile) = (Vec::new(), Vec::new());
    for i in 0..RUNS {
        let t = Instant::now();
        let mut rt = Runtime::fresh(&lib, vec![])?;
        rt.run_script("prelude.js", PRELUDE)?;
        rt.run_script("typescript.js", &source)?;
        let cold_ran = t.elapsed();
        let out = rt.eval(TRANSPILE)?;
        let c = t.elapsed();
        drop(rt);
        assert_eq!(out, expected, "cold transpile output");

        let t = Instant::now();
        let mut rt = Runtime::fresh(&lib, vec![])?;
        rt.run_script("prelude.js", PRELUDE)?;
        rt.run_serialized("typescript.js", &source, &bytecode)?;
        let ran = t.elapsed();
        let out = rt.eval(TRANSPILE)?;
        let w = t.elapsed();
        drop(rt);
        assert_eq!(out, expected, "transpile output from bytecode");

        println!(
            "run {}: cold {:>9} (run_script {}, transpile {})   from bytecode {:>9} (run_serialized {}, transpile {})",
            i + 1,
            ms(c),
            ms(cold_ran),
            ms(c - cold_ran),
            ms(w),
            ms(ran),
            ms(w - ran)
        );
        cold.push(c);
        warm.push(w);
        warm_run.push(ran);
        warm_transpile.push(w - ran);
    }
    let (c, w) = (median(cold), median(warm));
    println!(
        "median of {RUNS}: cold {}, from bytecode {} (run_serialized {}, transpile {}): {:.2}x faster; bytecode {} bytes ({:.2}x the source)",
        ms(c),
        ms(w),
        ms(median(warm_run)),
        ms(median(warm_transpile)),
        c.as_secs_f64() / w.as_secs_f64(),
        bytecode.len(),
        bytecode.len() as f64 / source.len() as f64
    );
    Ok(())
}
