//! Restoring a snapshot: every check before the engine sees a byte, then native state and
//! the deserialize callbacks.

use snapshot_core::format::Strategy;
use snapshot_core::{Api, DynScriptHost, HostValue, IdentityTable, Registry, Rehydrators, ScriptHost, StableId};

use crate::pipeline::{code_cache, heap, jsapi};
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
    match snapshot.header.strategy {
        Strategy::Heap => heap::restore::<A>(file, registry, rehydrators),
        Strategy::CodeCache => code_cache::restore::<A>(file, registry, rehydrators),
    }
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
