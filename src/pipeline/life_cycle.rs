//! Runtimes without a snapshot that go through the same steps as one: cold runs, and the
//! fresh side of every differential check (what a restore must equal).

use snapshot_core::{Api, Capabilities, DynScriptHost, Native, Registry, Rehydrators, Runtime, ScriptHost};

use crate::pipeline::jsapi;
use crate::pipeline::options::ModuleResolver;
use crate::pipeline::script::Script;
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
/// the `snapshot` API (building), `scripts` (ES modules' imports through `resolver`), then
/// [`capture_and_restore_in_place`]. What a restore of a snapshot of `scripts` must equal
/// (`polysnap exec`, differential checks, cold timings).
pub fn fresh_life_cycle<A: Api>(
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
    scripts: &[Script],
    resolver: Option<&ModuleResolver>,
) -> Result<A::Runtime, Error> {
    let mut runtime = fresh_building::<A>(registry)?;
    if let Some(resolver) = resolver {
        use_module_resolver(&mut runtime, resolver)?;
    }
    for script in scripts {
        script.run_in(&mut runtime)?;
    }
    capture_and_restore_in_place(&mut runtime, rehydrators)?;
    Ok(runtime)
}

/// Makes `resolver` answer `runtime`'s imports: of [`Script::run_in`] with a module, and of
/// every `import()` after it. Nothing to do on an engine without `ES_MODULES` (which refuses
/// modules by name when one is run).
pub fn use_module_resolver<R: Runtime>(runtime: &mut R, resolver: &ModuleResolver) -> Result<(), Error> {
    if !<R::A as Api>::capabilities().contains(Capabilities::ES_MODULES) {
        return Ok(());
    }
    let resolver = resolver.clone();
    runtime
        .set_module_loader(Box::new(move |specifier: &str, referrer: &str| resolver(specifier, referrer)))
        .map_err(|source| Error::Engine { engine: <R::A as Api>::KIND, source })
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
