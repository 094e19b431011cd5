//! `polysnap bench`: cold start against restore, each repeated, medians side by side.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use snapshot_core::{Api, ScriptHost};

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
    /// How many times each side runs.
    pub runs: usize,
}

/// The medians, in milliseconds, and the snapshot's size.
#[derive(Clone, Debug)]
pub struct BenchReport {
    /// Fresh runtime, setup scripts, expression.
    pub cold_ms: f64,
    /// Open the snapshot, restore, expression.
    pub restored_ms: f64,
    /// The snapshot file's size.
    pub snapshot_bytes: u64,
    /// `String(EXPR)` from the last cold run.
    pub cold_output: String,
    /// `String(EXPR)` from the last restored run.
    pub restored_output: String,
}

/// Runs the benchmark and returns its medians.
pub fn bench(args: &BenchArgs) -> Result<BenchReport, Failure> {
    let host = Host::new(Vec::new(), FilePolicy::Close, ModulePolicy::Reload);
    let mut scripts = vec![host.runtime_script()];
    scripts.extend(read_scripts(&args.scripts)?);
    let expr = args.print.clone().unwrap_or_else(|| "undefined".into());
    let result: Result<BenchReport, Error> =
        with_backend!(args.engine, |A| measure::<A>(&host, &scripts, &expr, args.runs));
    result.map_err(|e| Failure::from_error(e, &host))
}

fn measure<A: Api>(host: &Host, scripts: &[Script], expr: &str, runs: usize) -> Result<BenchReport, Error> {
    let registry = host.registry()?;
    let expr = format!("String(({expr}))");
    let mut cold_output = String::new();
    let cold = repeat(runs, || {
        let mut runtime = fresh::<A>(&registry)?;
        for script in scripts {
            eval(&mut runtime, &script.name, &script.source)?;
        }
        cold_output = text(eval(&mut runtime, "[eval]", &expr)?);
        Ok(())
    })?;
    let dir = tempfile::tempdir().map_err(|source| {
        Error::Format(snapshot_core::FormatError::Io { action: "create", path: std::env::temp_dir(), source })
    })?;
    let path = dir.path().join("bench.psnap");
    let snapshot = make_snapshot::<A>(&registry, &mut host.rehydrators(), scripts, &MakeOptions::default())?;
    write_snapshot(&path, &snapshot)?;
    let mut restored_output = String::new();
    let restored = repeat(runs, || {
        let file = SnapshotFile::open(&path)?;
        let mut runtime = restore::<A>(&file, &registry, &mut host.rehydrators())?;
        restored_output = text(eval(&mut runtime, "[eval]", &expr)?);
        Ok(())
    })?;
    Ok(BenchReport {
        cold_ms: median_ms(cold),
        restored_ms: median_ms(restored),
        snapshot_bytes: std::fs::metadata(&path).map_or(0, |m| m.len()),
        cold_output,
        restored_output,
    })
}

fn eval(runtime: &mut dyn ScriptHost, name: &str, source: &str) -> Result<snapshot_core::HostValue, Error> {
    let engine = runtime.engine();
    runtime.run_script(name, source).map_err(|source| Error::Engine { engine, source })
}

fn text(value: snapshot_core::HostValue) -> String {
    match value {
        snapshot_core::HostValue::String(s) => s,
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
