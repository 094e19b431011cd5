//! Runtimes without a snapshot that go through the same steps as one: cold runs, and the
//! fresh side of every differential check (what a restore must equal).

use snapshot_core::{Api, DynScriptHost, Native, Registry, Rehydrators, Runtime, ScriptHost};

use crate::pipeline::jsapi;
use crate::pipeline::script::{classic_only, Script};
use crate::Error;

/// A fresh runtime of engine `A` with `registry`'s natives and no snapshot (cold runs and
/// the "fresh" side of differential tests); `snapshot.isBuilding()` is false in it.
pub fn fresh<A: Api>(registry: &Registry) -> Result<A::Runtime, Error> {
    let natives: Vec<&Native> = registry.natives().iter().collect();
    let mut runtime = A::Runtime::fresh(&natives).map_err(|e| Error::engine(A::KIND, e))?;
    jsapi::install_fresh(&mut runtime, registry)?;
    Ok(runtime)
}

/// A fresh runtime of engine `A` with `registry`'s natives and the `snapshot` API as `make`
/// sets it up (`snapshot.isBuilding()` is true): run a setup in it, then
/// [`capture_and_restore_in_place`], for the fresh side of a differential check.
pub fn fresh_building<A: Api>(registry: &Registry) -> Result<A::Runtime, Error> {
    let natives: Vec<&Native> = registry.natives().iter().collect();
    let mut runtime = A::Runtime::fresh(&natives).map_err(|e| Error::engine(A::KIND, e))?;
    jsapi::install(&mut runtime, registry)?;
    Ok(runtime)
}

/// A runtime of engine `A` taken through the whole life cycle of a snapshot without one:
/// the `snapshot` API (building), `scripts`, then [`capture_and_restore_in_place`]. What a
/// restore of a snapshot of `scripts` must equal (`polysnap exec`, differential checks).
pub fn fresh_life_cycle<A: Api>(
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
    scripts: &[Script],
) -> Result<A::Runtime, Error> {
    classic_only(scripts, "a runtime without a snapshot")?;
    let mut runtime = fresh_building::<A>(registry)?;
    for script in scripts {
        runtime.run_script(&script.name, &script.source).map_err(|source| Error::Engine { engine: A::KIND, source })?;
    }
    capture_and_restore_in_place(&mut runtime, rehydrators)?;
    Ok(runtime)
}

/// The steps around a capture, done in place on a live runtime: serialize callbacks →
/// rehydrators' records → (no capture) → rehydrators restore them → deserialize callbacks.
pub fn capture_and_restore_in_place(
    runtime: &mut (dyn ScriptHost + 'static),
    rehydrators: &mut Rehydrators<DynScriptHost>,
) -> Result<(), Error> {
    jsapi::before_capture(runtime)?;
    let records = rehydrators.collect(runtime)?;
    rehydrators.restore(runtime, &records)?;
    jsapi::after_restore(runtime)
}
