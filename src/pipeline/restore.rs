//! Restoring a snapshot: every check before the engine sees a byte, then native state and
//! the deserialize callbacks.

use snapshot_core::{
    reconcile, Api, DynScriptHost, ExtraPolicy, HostValue, IdentityTable, Native, Registry, Rehydrators, Runtime,
    ScriptHost, StableId,
};

use crate::pipeline::jsapi;
use crate::{Error, SnapshotFile};

/// Restores `file` with engine `A` and `registry`'s natives.
///
/// validate (done by [`SnapshotFile::open`]) → check the engine build and machine →
/// reconcile the natives by id → check every rehydrator record has its rehydrator → hand the
/// engine its payload, mapped, natives in the snapshot's order → rehydrators → deserialize
/// callbacks. `main()` is the caller's next step ([`run_main`]).
pub fn restore<A: Api>(
    file: &SnapshotFile,
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
) -> Result<A::Runtime, Error> {
    let snapshot = file.snapshot();
    if snapshot.header.engine.kind != A::KIND {
        return Err(Error::WrongBackend { expected: A::KIND, found: snapshot.header.engine.kind });
    }
    let engine = A::engine_build().map_err(|e| Error::engine(A::KIND, e))?;
    snapshot.check_compatible(&engine)?;
    if snapshot.header.strategy == snapshot_core::format::Strategy::CodeCache {
        return crate::pipeline::code_cache::restore_code_cache::<A>(file, registry, rehydrators);
    }
    let natives = heap_natives(file, registry)?;
    rehydrators.check(&snapshot.records)?;
    let mut runtime = A::Runtime::restore(file.payload(), &natives).map_err(|e| Error::engine(A::KIND, e))?;
    rehydrators.restore(&mut runtime, &snapshot.records)?;
    jsapi::after_restore(&mut runtime)?;
    Ok(runtime)
}

/// The natives of a heap snapshot, in its table's order, once its identity table is checked:
/// what the engine restore needs.
pub(crate) fn heap_natives<'r>(file: &SnapshotFile, registry: &'r Registry) -> Result<Vec<&'r Native>, Error> {
    let snapshot = file.snapshot();
    let natives = reconcile(&snapshot.refs, registry, ExtraPolicy::Reject)?;
    IdentityTable::from_entries(&snapshot.identities)?;
    Ok(natives)
}

/// The object the setup bound under `id` (`snapshot.bind(name, object)`), found again in a
/// restored runtime through the snapshot's identity section.
pub fn lookup_identity(runtime: &mut dyn ScriptHost, file: &SnapshotFile, id: StableId) -> Result<HostValue, Error> {
    let table = IdentityTable::from_entries(&file.snapshot().identities)?;
    let slot = table.require(id)?.slot;
    jsapi::identity_at(runtime, slot)
}

/// Runs the function the setup gave `snapshot.setMain`, if any; returns whether one ran.
pub fn run_main(runtime: &mut dyn ScriptHost, args: &[String]) -> Result<bool, Error> {
    jsapi::run_main(runtime, args)
}

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
    scripts: &[crate::Script],
) -> Result<A::Runtime, Error> {
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
