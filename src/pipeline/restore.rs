//! Restoring a snapshot: every check before the engine sees a byte.

use snapshot_core::{reconcile, Api, ExtraPolicy, Native, Registry, Runtime};

use crate::{Error, SnapshotFile};

/// Restores `file` with engine `A` and `registry`'s natives.
///
/// validate (done by [`SnapshotFile::open`]) → check the engine build and machine →
/// reconcile the natives by id → hand the engine its payload, mapped, in the snapshot's order.
pub fn restore<A: Api>(file: &SnapshotFile, registry: &Registry) -> Result<A::Runtime, Error> {
    let snapshot = file.snapshot();
    if snapshot.header.engine.kind != A::KIND {
        return Err(Error::WrongBackend { expected: A::KIND, found: snapshot.header.engine.kind });
    }
    let engine = A::engine_build().map_err(|e| Error::engine(A::KIND, e))?;
    snapshot.check_compatible(&engine)?;
    let natives: Vec<&Native> = reconcile(&snapshot.refs, registry, ExtraPolicy::Reject)?;
    A::Runtime::restore(file.payload(), &natives).map_err(|e| Error::engine(A::KIND, e))
}

/// A fresh runtime of engine `A` with `registry`'s natives and no snapshot (cold runs and
/// the "fresh" side of differential tests).
pub fn fresh<A: Api>(registry: &Registry) -> Result<A::Runtime, Error> {
    let natives: Vec<&Native> = registry.natives().iter().collect();
    A::Runtime::fresh(&natives).map_err(|e| Error::engine(A::KIND, e))
}
