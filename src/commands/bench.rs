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

use crate::commands::{read_scripts, Failure};
use crate::host::{FilePolicy, Host, ModulePolicy};
use crate::{
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

/// Runs the benchmark and returns its medians.
pub fn bench(args: &BenchArgs) -> Result<BenchReport, Failure> {
    let host = Host::new(Vec::new(), FilePolicy::Close, ModulePolicy::Reload);
    let mut scripts = vec![host.runtime_script()];
    scripts.extend(read_scripts(&args.scripts)?);
    let warmup = match &args.warmup {
        Some(path) => Some(read_scripts(std::slice::from_ref(path))?.remove(0)),
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
    registry: &crate::Registry,
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
