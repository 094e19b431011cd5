//! `make --strategy auto`: make the snapshot both ways, time a restore of each, keep the
//! faster correct one and record what was measured in the header (`polysnap inspect` shows
//! it). `code-cache` is a candidate only where the engine has a code cache and the setup
//! proves deterministic.

use std::path::Path;
use std::time::Instant;

use snapshot_core::format::{Snapshot, Strategy, StrategyChoice};
use snapshot_core::{Api, Capabilities, DynScriptHost, Registry, Rehydrators};

use crate::{make_snapshot, restore, write_snapshot, Error, MakeOptions, Script, SnapshotFile};

/// Restores per candidate; the median is compared.
const RUNS: usize = 3;

/// Makes both candidates in `scratch`, times their restores and returns the faster correct
/// one with the measurements in its header. `rehydrators` makes a fresh set for each run.
pub fn make_auto<A: Api>(
    registry: &Registry,
    rehydrators: &dyn Fn() -> Rehydrators<DynScriptHost>,
    scripts: &[Script],
    options: &MakeOptions,
    scratch: &Path,
) -> Result<Snapshot<Vec<u8>>, Error> {
    let heap_options = MakeOptions { strategy: Strategy::Heap, ..options.clone() };
    let mut heap = make_snapshot::<A>(registry, &mut rehydrators(), scripts, &heap_options)?;
    options.step("timing a restore of the heap snapshot");
    let heap_ms = time_restore::<A>(&heap, registry, rehydrators, &scratch.join("auto-heap.psnap"))?;

    let code_cache = if !A::capabilities().contains(Capabilities::CODE_CACHE) {
        Err(format!("{} has no code cache", A::KIND))
    } else if options.warmup.is_some() || !options.contexts.is_empty() {
        Err("warm code and named contexts need the heap".to_owned())
    } else {
        let cc_options = MakeOptions { strategy: Strategy::CodeCache, ..options.clone() };
        match make_snapshot::<A>(registry, &mut rehydrators(), scripts, &cc_options) {
            Ok(snapshot) => Ok(snapshot),
            Err(Error::NotDeterministic { .. }) => Err("the setup is not deterministic".to_owned()),
            Err(other) => return Err(other),
        }
    };
    let (code_cache, code_cache_ms) = match code_cache {
        Ok(snapshot) => {
            options.step("timing a restore of the code-cache snapshot");
            let ms = time_restore::<A>(&snapshot, registry, rehydrators, &scratch.join("auto-code-cache.psnap"))?;
            (Some(snapshot), Ok(ms))
        }
        Err(why) => (None, Err(why)),
    };
    let choice = StrategyChoice { heap_restore_ms: heap_ms, code_cache_restore_ms: code_cache_ms.clone() };
    let mut chosen = match (code_cache, code_cache_ms) {
        (Some(snapshot), Ok(ms)) if ms < heap_ms => snapshot,
        _ => {
            heap.header.choice = None;
            heap
        }
    };
    chosen.header.choice = Some(choice);
    Ok(chosen)
}

/// The median time to open, validate and restore `snapshot` (written to `path`).
fn time_restore<A: Api>(
    snapshot: &Snapshot<Vec<u8>>,
    registry: &Registry,
    rehydrators: &dyn Fn() -> Rehydrators<DynScriptHost>,
    path: &Path,
) -> Result<f64, Error> {
    write_snapshot(path, snapshot)?;
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let file = SnapshotFile::open(path)?;
        let runtime = restore::<A>(&file, registry, &mut rehydrators())?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        drop(runtime);
    }
    std::fs::remove_file(path).ok();
    times.sort_by(f64::total_cmp);
    Ok(times[RUNS / 2])
}
