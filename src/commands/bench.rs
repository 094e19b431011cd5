//! `polysnap bench`: cold start against restore, each repeated, medians side by side.
//!
//! Four figures, in one process, each the median of `runs`:
//! * cold: a fresh runtime runs the host runtime and the scripts, then evaluates EXPR;
//! * restored: open the snapshot (mapped, every byte validated), restore through the whole
//!   pipeline (engine check, reconcile, rehydrators, callbacks), evaluate EXPR;
//! * restored, warm: the same from a snapshot made with a warm-up script (compiled code
//!   kept), when one is given and the engine can keep code;
//! * restored, code cache: a `code-cache` snapshot (the setup run again from the engine's
//!   code cache), when the engine has one and the setup is deterministic;
//! * engine floor: the same payload handed straight to the backend (no container checks,
//!   no reconcile, no rehydrators), evaluate EXPR — what the engine itself costs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use snapshot_core::format::Strategy;
use snapshot_core::{Api, Capabilities, HostValue, Native, Runtime, ScriptHost};

use crate::commands::{print_line, read_scripts, Failure};
use polysnap::host::{FilePolicy, Host, ModulePolicy};
use polysnap::{
    fresh, make_snapshot, restore, with_backend, write_snapshot, EngineKind, Error, MakeOptions, Script, SnapshotFile,
};

/// What `bench` needs.
#[derive(Clone, Debug)]
pub struct BenchArgs {
    /// The engine.
    pub engine: EngineKind,
    /// The setup scripts.
    pub scripts: Vec<PathBuf>,
    /// The expression evaluated after setup (cold) or after restore.
    pub print: Option<String>,
    /// A warm-up script for the warm variant.
    pub warmup: Option<PathBuf>,
    /// How many times each side runs.
    pub runs: usize,
}

/// The medians, in milliseconds, and the snapshot's size.
#[derive(Clone, Debug)]
pub struct BenchReport {
    /// Fresh runtime, setup scripts, expression.
    pub cold_ms: f64,
    /// Open the snapshot, restore through the pipeline, expression.
    pub restored_ms: f64,
    /// The same from the warm snapshot, when measured.
    pub warm_ms: Option<f64>,
    /// The same from a `code-cache` snapshot (setup run again from the engine's code cache),
    /// or why there is none (engine without the capability, setup not deterministic).
    pub code_cache_ms: Result<f64, String>,
    /// The payload handed straight to the backend, expression.
    pub floor_ms: f64,
    /// The snapshot file's size.
    pub snapshot_bytes: u64,
    /// `String(EXPR)` from the last cold run.
    pub cold_output: String,
    /// `String(EXPR)` from the last restored run.
    pub restored_output: String,
    /// `String(EXPR)` from the last warm run.
    pub warm_output: Option<String>,
    /// `String(EXPR)` from the last code-cache run.
    pub code_cache_output: Option<String>,
}

/// Runs the benchmark on each of `engines` (`args.engine` is replaced) and prints one table,
/// a row per engine, then each engine's notes. An engine that fails, or whose variants'
/// outputs differ from cold's (so their times are not comparable), fails the command after
/// the other engines have run.
pub fn bench_and_print(engines: &[EngineKind], args: &BenchArgs) -> Result<(), Failure> {
    print_line("engine      cold ms  restored ms  warm ms  code-cache ms  floor ms  restored  warm  code-cache  restored/floor  snapshot");
    let mut notes = Vec::new();
    let mut first_failure = None;
    for &engine in engines {
        let outcome = match bench(&BenchArgs { engine, ..args.clone() }) {
            Ok(report) => {
                print_line(&row(engine, &report));
                if let Err(why) = &report.code_cache_ms {
                    notes.push(format!("{engine}: code-cache not measured ({why})"));
                }
                agreement(&report).map(|()| notes.push(format!("{engine}: every variant's output agrees with cold")))
            }
            Err(failure) => {
                print_line(&format!("{:<8} failed", engine.to_string()));
                Err(failure)
            }
        };
        if let Err(failure) = outcome {
            notes.push(format!("{engine}: {failure}"));
            first_failure.get_or_insert(failure);
        }
    }
    print_line("(the three ratio columns are each variant's time over cold)");
    notes.iter().for_each(|note| print_line(note));
    first_failure.map_or(Ok(()), Err)
}

/// One engine's row of the table.
fn row(engine: EngineKind, r: &BenchReport) -> String {
    let ms = |value: Option<f64>| value.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.1}"));
    let ratio = |value: Option<f64>| value.map_or_else(|| "-".to_owned(), |ms| format!("{:.2}", ms / r.cold_ms));
    let code_cache = r.code_cache_ms.as_ref().ok().copied();
    format!(
        "{:<8} {:>10.1} {:>12.1} {:>8} {:>14} {:>9.1} {:>9.2} {:>5} {:>11} {:>15.2} {:>7.1} MB",
        engine.to_string(),
        r.cold_ms,
        r.restored_ms,
        ms(r.warm_ms),
        ms(code_cache),
        r.floor_ms,
        r.restored_ms / r.cold_ms,
        ratio(r.warm_ms),
        ratio(code_cache),
        r.restored_ms / r.floor_ms,
        r.snapshot_bytes as f64 / 1e6
    )
}

/// Whether every variant printed what cold printed; if not, a failure (exit 1) naming them.
fn agreement(r: &BenchReport) -> Result<(), Failure> {
    let agree = |other: &Option<String>| other.as_ref().is_none_or(|o| *o == r.cold_output);
    if r.cold_output == r.restored_output && agree(&r.warm_output) && agree(&r.code_cache_output) {
        return Ok(());
    }
    let shown = |o: &Option<String>| o.as_deref().unwrap_or("-").to_owned();
    Err(Failure::Js(format!(
        "the variants' outputs differ, so their times are not comparable: cold {:?}, restored {:?}, warm {:?}, \
         code-cache {:?}",
        r.cold_output,
        r.restored_output,
        shown(&r.warm_output),
        shown(&r.code_cache_output)
    )))
}

/// Runs the benchmark and returns its medians.
pub fn bench(args: &BenchArgs) -> Result<BenchReport, Failure> {
    let host = Host::new(Vec::new(), FilePolicy::Close, ModulePolicy::Reload);
    let mut scripts = vec![host.runtime_script()];
    scripts.extend(read_scripts(&args.scripts, false)?);
    let warmup = match &args.warmup {
        Some(path) => Some(read_scripts(std::slice::from_ref(path), false)?.remove(0)),
        None => None,
    };
    let expr = format!("String(({}))", args.print.as_deref().unwrap_or("undefined"));
    let dir = tempfile::tempdir().map_err(|e| Failure::Unusable(format!("cannot create a temporary folder: {e}")))?;
    let result: Result<BenchReport, Error> = with_backend!(args.engine, |A| {
        measure::<A>(
            &Plan { host: &host, scripts: &scripts, warmup: warmup.as_ref(), expr: &expr, runs: args.runs },
            dir.path(),
        )
    });
    result.map_err(|e| Failure::from_error(e, &host))
}

struct Plan<'a> {
    host: &'a Host,
    scripts: &'a [Script],
    warmup: Option<&'a Script>,
    expr: &'a str,
    runs: usize,
}

fn measure<A: Api>(plan: &Plan<'_>, dir: &Path) -> Result<BenchReport, Error> {
    let registry = plan.host.registry()?;
    let mut cold_output = String::new();
    let cold = repeat(plan.runs, || {
        let mut runtime = fresh::<A>(&registry)?;
        for script in plan.scripts {
            eval(&mut runtime, &script.name, &script.source)?;
        }
        cold_output = text(eval(&mut runtime, "[eval]", plan.expr)?);
        Ok(())
    })?;

    let path = dir.join("bench.psnap");
    let snapshot = make_snapshot::<A>(&registry, &mut plan.host.rehydrators(), plan.scripts, &MakeOptions::default())?;
    write_snapshot(&path, &snapshot)?;
    let (restored, restored_output) = time_restores::<A>(plan, &registry, &path)?;

    let (warm, warm_output) = match plan.warmup {
        Some(warmup) if A::capabilities().contains(Capabilities::WARM_CODE) => {
            let warm_path = dir.join("bench-warm.psnap");
            let options = MakeOptions { warmup: Some(warmup.clone()), ..MakeOptions::default() };
            let warm = make_snapshot::<A>(&registry, &mut plan.host.rehydrators(), plan.scripts, &options)?;
            write_snapshot(&warm_path, &warm)?;
            let (times, output) = time_restores::<A>(plan, &registry, &warm_path)?;
            (Some(median_ms(times)), Some(output))
        }
        _ => (None, None),
    };

    let (code_cache_ms, code_cache_output) = if A::capabilities().contains(Capabilities::CODE_CACHE) {
        let cc_path = dir.join("bench-code-cache.psnap");
        let options = MakeOptions { strategy: Strategy::CodeCache, ..MakeOptions::default() };
        match make_snapshot::<A>(&registry, &mut plan.host.rehydrators(), plan.scripts, &options) {
            Ok(snapshot) => {
                write_snapshot(&cc_path, &snapshot)?;
                let (times, output) = time_restores::<A>(plan, &registry, &cc_path)?;
                (Ok(median_ms(times)), Some(output))
            }
            Err(Error::NotDeterministic { .. }) => (Err("setup not deterministic".to_owned()), None),
            Err(other) => return Err(other),
        }
    } else {
        (Err("engine has no code cache".to_owned()), None)
    };

    let natives: Vec<&Native> = registry.natives().iter().collect();
    let file = SnapshotFile::open(&path)?;
    let floor = repeat(plan.runs, || {
        let mut runtime = A::Runtime::restore(file.payload(), &natives).map_err(|e| Error::engine(A::KIND, e))?;
        eval(&mut runtime, "[eval]", plan.expr).map(drop)
    })?;

    Ok(BenchReport {
        cold_ms: median_ms(cold),
        restored_ms: median_ms(restored),
        warm_ms: warm,
        code_cache_ms,
        floor_ms: median_ms(floor),
        snapshot_bytes: std::fs::metadata(&path).map_or(0, |m| m.len()),
        cold_output,
        restored_output,
        warm_output,
        code_cache_output,
    })
}

fn time_restores<A: Api>(
    plan: &Plan<'_>,
    registry: &polysnap::Registry,
    path: &Path,
) -> Result<(Vec<Duration>, String), Error> {
    let mut output = String::new();
    let times = repeat(plan.runs, || {
        let file = SnapshotFile::open(path)?;
        let mut runtime = restore::<A>(&file, registry, &mut plan.host.rehydrators())?;
        output = text(eval(&mut runtime, "[eval]", plan.expr)?);
        Ok(())
    })?;
    Ok((times, output))
}

fn eval(runtime: &mut dyn ScriptHost, name: &str, source: &str) -> Result<HostValue, Error> {
    let engine = runtime.engine();
    runtime.run_script(name, source).map_err(|source| Error::Engine { engine, source })
}

fn text(value: HostValue) -> String {
    match value {
        HostValue::String(s) => s,
        other => format!("{other:?}"),
    }
}

fn repeat(runs: usize, mut once: impl FnMut() -> Result<(), Error>) -> Result<Vec<Duration>, Error> {
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            once().map(|()| start.elapsed())
        })
        .collect()
}

fn median_ms(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}
