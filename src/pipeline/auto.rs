//! `make --strategy auto`: make the snapshot each way, drop any candidate that fails (refused,
//! not deterministic, a restore that differs from what was captured or that dies), time a
//! restore of each one left and a cold start of the same setup, keep the fastest and record
//! every figure and every reason in the header (`polysnap inspect` shows them). It fails only
//! when no candidate is usable; when none beats a cold start it says so.

use std::path::Path;
use std::time::Instant;

use snapshot_core::format::{Candidate, Snapshot, Strategy, StrategyChoice};
use snapshot_core::{Api, Capabilities, DynScriptHost, Registry, Rehydrators};

use crate::{make_snapshot, restore, write_snapshot, Error, MakeOptions, ModuleResolver, Script, SnapshotFile};

/// Restores (and cold starts) per candidate; the median is compared.
const RUNS: usize = 3;

/// Makes every candidate, times the usable ones and a cold start, and returns the fastest
/// with the measurements in its header. `rehydrators` makes a fresh set for each run.
pub fn make_auto<A: Api>(
    registry: &Registry,
    rehydrators: &dyn Fn() -> Rehydrators<DynScriptHost>,
    scripts: &[Script],
    options: &MakeOptions,
    scratch: &Path,
) -> Result<Snapshot<Vec<u8>>, Error> {
    let mut made = Vec::new();
    let mut candidates = Vec::new();
    for strategy in [Strategy::Heap, Strategy::CodeCache] {
        let restore_ms = match candidate::<A>(strategy, registry, rehydrators, scripts, options)? {
            Ok(snapshot) => {
                options.step(&format!("timing a restore of the {} snapshot", name(strategy)));
                let path = scratch.join(format!("auto-{}.psnap", name(strategy)));
                let timed = time_restore::<A>(&snapshot, registry, rehydrators, &path);
                made.push((strategy, snapshot));
                timed.map_err(|e| format!("its restore failed: {e}"))
            }
            Err(why) => Err(why),
        };
        candidates.push(Candidate { strategy, restore_ms });
    }
    options.step("timing a cold start of the setup");
    let cold_ms = time_cold::<A>(registry, rehydrators, scripts, options.module_resolver.as_ref())?;
    let choice = StrategyChoice { candidates, cold_ms };
    let Some((fastest, fastest_ms)) = choice.fastest() else {
        return Err(Error::NoUsableStrategy { engine: A::KIND, reasons: reasons(&choice) });
    };
    if cold_ms <= fastest_ms {
        options.note(&format!(
            "{}: no strategy beats a cold start for this setup (cold start {cold_ms:.1} ms, the fastest restore, {}, \
             {fastest_ms:.1} ms); the {} snapshot is written, but running the setup without one is faster",
            A::KIND,
            name(fastest),
            name(fastest)
        ));
    }
    let (_, mut chosen) = made.into_iter().find(|(s, _)| *s == fastest).expect("the fastest candidate was made");
    chosen.header.choice = Some(choice);
    Ok(chosen)
}

fn name(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Heap => "heap",
        Strategy::CodeCache => "code-cache",
    }
}

fn reasons(choice: &StrategyChoice) -> String {
    let dropped = choice.candidates.iter().filter_map(|c| c.restore_ms.as_ref().err().map(|why| (c.strategy, why)));
    dropped.map(|(s, why)| format!("{}: {why}", name(s))).collect::<Vec<_>>().join("; ")
}

/// One candidate: its snapshot, or why it is not usable. A setup that throws fails `make`
/// as a whole (`Err`): it would fail fresh too.
fn candidate<A: Api>(
    strategy: Strategy,
    registry: &Registry,
    rehydrators: &dyn Fn() -> Rehydrators<DynScriptHost>,
    scripts: &[Script],
    options: &MakeOptions,
) -> Result<Result<Snapshot<Vec<u8>>, String>, Error> {
    if strategy == Strategy::CodeCache {
        if !A::capabilities().contains(Capabilities::CODE_CACHE) {
            return Ok(Err(format!("{} has no code cache", A::KIND)));
        }
        if options.warmup.is_some() || !options.contexts.is_empty() {
            return Ok(Err("warm code and named contexts need the heap".to_owned()));
        }
    }
    let candidate_options = MakeOptions { strategy, ..options.clone() };
    match make_snapshot::<A>(registry, &mut rehydrators(), scripts, &candidate_options) {
        Ok(snapshot) => Ok(Ok(snapshot)),
        Err(e) if e.js_exception().is_some() => Err(e),
        Err(e) => Ok(Err(e.to_string())),
    }
}

/// The median time to open, validate and restore `snapshot` (written to `path`).
fn time_restore<A: Api>(
    snapshot: &Snapshot<Vec<u8>>,
    registry: &Registry,
    rehydrators: &dyn Fn() -> Rehydrators<DynScriptHost>,
    path: &Path,
) -> Result<f64, Error> {
    write_snapshot(path, snapshot)?;
    let timed = median(|| {
        let start = Instant::now();
        let file = SnapshotFile::open(path)?;
        let runtime = restore::<A>(&file, registry, &mut rehydrators())?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        drop(runtime);
        Ok(ms)
    });
    std::fs::remove_file(path).ok();
    timed
}

/// The median time of the setup run fresh, through the same life cycle as a restore.
fn time_cold<A: Api>(
    registry: &Registry,
    rehydrators: &dyn Fn() -> Rehydrators<DynScriptHost>,
    scripts: &[Script],
    resolver: Option<&ModuleResolver>,
) -> Result<f64, Error> {
    median(|| {
        let start = Instant::now();
        let runtime =
            crate::pipeline::life_cycle::fresh_life_cycle::<A>(registry, &mut rehydrators(), scripts, resolver)?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        drop(runtime);
        Ok(ms)
    })
}

fn median(mut once: impl FnMut() -> Result<f64, Error>) -> Result<f64, Error> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        times.push(once()?);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[RUNS / 2])
}
