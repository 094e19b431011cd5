//! The `code-cache` strategy: instead of the heap, the snapshot keeps the setup's sources and
//! the engine's code cache for each, and a restore runs the setup again from the cache.
//!
//! It is only correct when the setup is deterministic, so making one proves it: the setup
//! runs once producing the caches, then again in a second runtime from those caches, and the
//! states the two leave (`verify::observe`: everything reachable from the global object) must match (`Error::NotDeterministic`
//! otherwise). A restore then goes through the same life cycle as a fresh run: snapshot API,
//! setup from the cache, serialize callbacks, rehydrators (records collected and handed back
//! in place), deserialize callbacks; `main()` is the caller's next step, as for the heap.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use snapshot_core::{
    reconcile, Api, DynScriptHost, ExtraPolicy, Native, PayloadEncoding, Registry, Rehydrators, Runtime,
};

use crate::pipeline::options::MakeOptions;
use crate::pipeline::payload::Made;
use crate::pipeline::script::{classic_only, Script};
use crate::pipeline::{jsapi, life_cycle, verify};
use crate::{Error, SnapshotFile};

/// The payload of a `code-cache` snapshot (postcard). A restore borrows the sources and
/// caches straight from the mapped file (`Cow::Borrowed`); `make` owns them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedScripts<'a> {
    /// The setup scripts in order, each with the engine's cache for it.
    #[serde(borrow)]
    pub scripts: Vec<CachedScript<'a>>,
    /// The determinism digest both runs gave.
    pub digest: String,
}

/// One setup script and its code cache.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedScript<'a> {
    /// Its name.
    pub name: String,
    /// Its source.
    #[serde(borrow)]
    pub source: Cow<'a, str>,
    /// The engine's code cache for it.
    #[serde(borrow)]
    pub cache: Cow<'a, [u8]>,
}

fn engine<A: Api>(source: snapshot_core::ScriptError) -> Error {
    Error::Engine { engine: A::KIND, source }
}

/// Makes a `code-cache` snapshot of `scripts`, proving the setup deterministic first.
pub(crate) fn make<A: Api>(registry: &Registry, scripts: &[Script], options: &MakeOptions) -> Result<Made, Error> {
    classic_only(scripts, "the code-cache strategy")?;
    let mut first = life_cycle::fresh_building::<A>(registry)?;
    let mut cached = Vec::with_capacity(scripts.len());
    for script in scripts {
        options.step(&format!("running {} and keeping its code cache", script.name));
        let (_, cache) = first.run_script_producing_cache(&script.name, &script.source).map_err(engine::<A>)?;
        cached.push(CachedScript {
            name: script.name.clone(),
            source: Cow::Borrowed(script.source.as_str()),
            cache: Cow::Owned(cache),
        });
    }
    let observed = verify::observe(&mut first, &snapshot_core::Fidelity::NONE)?;
    drop(first);
    options.step("running the setup again from the code cache, to prove it deterministic");
    let mut second = life_cycle::fresh_building::<A>(registry)?;
    for script in &cached {
        second.run_script_with_cache(&script.name, &script.source, &script.cache).map_err(engine::<A>)?;
    }
    let again = verify::observe(&mut second, &snapshot_core::Fidelity::NONE)?;
    if let Some(difference) = verify::compare(&observed, &again, &snapshot_core::Fidelity::NONE).difference {
        return Err(Error::NotDeterministic { difference });
    }
    let digest = observed.digest();
    // No rehydrator records are stored: the setup runs again at restore and the
    // rehydrators collect and restore in place there, as in a fresh run.
    let payload = postcard::to_stdvec(&CachedScripts { scripts: cached, digest })
        .map_err(|e| Error::engine(A::KIND, std::io::Error::other(e.to_string())))?;
    Ok(Made {
        raw_len: payload.len() as u64,
        payload,
        encoding: PayloadEncoding::Raw,
        warm_code: true,
        contexts: Vec::new(),
        identities: Vec::new(),
        records: Vec::new(),
        before: None,
    })
}

/// Restores a `code-cache` snapshot: checks as for the heap, then runs the setup again from
/// the cache through the fresh life cycle.
pub(crate) fn restore<A: Api>(
    file: &SnapshotFile,
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
) -> Result<A::Runtime, Error> {
    let snapshot = file.snapshot();
    let natives: Vec<&Native> = reconcile(&snapshot.refs, registry, ExtraPolicy::Reject)?;
    let payload = file.payload();
    let cached: CachedScripts = postcard::from_bytes(payload.as_slice()).map_err(|e| {
        Error::Format(snapshot_core::FormatError::Decode {
            section: snapshot_core::format::SectionKind::Payload,
            reason: format!("the code-cache payload does not decode: {e}"),
        })
    })?;
    let mut runtime = A::Runtime::fresh(&natives).map_err(|e| Error::engine(A::KIND, e))?;
    // The sources and caches are borrowed from the mapped file: the runtime may keep using
    // them in place rather than copy them.
    runtime.retain(payload.clone());
    jsapi::install(&mut runtime, registry)?;
    for script in &cached.scripts {
        runtime.run_script_with_cache(&script.name, &script.source, &script.cache).map_err(engine::<A>)?;
    }
    life_cycle::capture_and_restore_in_place(&mut runtime, rehydrators)?;
    Ok(runtime)
}
