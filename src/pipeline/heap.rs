//! The heap strategy: the engine's heap itself, captured after the setup ran, proved by a
//! restore before it is kept.
//!
//! make: refuse what the engine cannot capture → natives → `snapshot` API → setup scripts →
//! contexts → serialize callbacks → identities → rehydrators' records → read the state
//! (refusing known hazards by path) → capture. The caller wraps the payload, then [`prove`]
//! restores it (here or where [`MakeOptions::restore_check`] says) and compares.
//! restore: reconcile the natives → check the identities and records → hand the engine its
//! payload → rehydrators → deserialize callbacks.

use snapshot_core::format::Snapshot;
use snapshot_core::{
    reconcile, Api, Builder, CaptureOptions, DynScriptHost, ExtraPolicy, IdentityTable, ModuleSource, Native, Registry,
    Rehydrators, Runtime, ScriptHost,
};

use crate::pipeline::jsapi;
use crate::pipeline::options::{MakeOptions, VERIFY_STEP};
use crate::pipeline::payload::Made;
use crate::pipeline::script::{Script, ScriptKind};
use crate::pipeline::verify::{self, Observed};
use crate::{Error, SnapshotFile};

/// Runs `scripts` in a snapshot-making runtime of engine `A` and captures its heap.
pub(crate) fn make<A: Api>(
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
    scripts: &[Script],
    options: &MakeOptions,
) -> Result<Made, Error> {
    refuse_with_blocks::<A>(scripts)?;
    let mut builder = set_up::<A>(registry, scripts, options)?;
    options.step("running the serialize callbacks and rehydrators");
    jsapi::before_capture(&mut builder)?;
    let identities = jsapi::identities(&mut builder)?;
    IdentityTable::from_entries(&identities)?;
    let records = rehydrators.collect(&mut builder)?;
    let before = if options.skip_verification {
        None
    } else {
        options.step("reading the state to capture");
        builder.finish_setup().map_err(|source| Error::Engine { engine: A::KIND, source })?;
        Some(verify::before_capture::<A>(&mut builder)?)
    };
    let capture = CaptureOptions { warmup: options.warmup.as_ref().map(|w| (w.name.clone(), w.source.clone())) };
    options.step(if capture.warmup.is_some() {
        "capturing the heap, then warming up its code"
    } else {
        "capturing the heap"
    });
    let captured = builder.capture(&capture).map_err(|e| Error::engine(A::KIND, e))?;
    for note in captured.notes.iter().cloned().chain(tagged_template_note::<A>(scripts)) {
        options.note(&format!("{}: {note}", A::KIND));
    }
    Ok(Made {
        payload: captured.payload,
        encoding: captured.encoding,
        raw_len: captured.raw_len,
        warm_code: captured.warm_code,
        contexts: captured.contexts,
        identities,
        records,
        before,
    })
}

/// A builder with the natives and the `snapshot` API, the setup scripts run in it, and its
/// named contexts set up (those of the options, then those the setup asked for).
fn set_up<A: Api>(registry: &Registry, scripts: &[Script], options: &MakeOptions) -> Result<A::Builder, Error> {
    let script_error = |source| Error::Engine { engine: A::KIND, source };
    let natives: Vec<&Native> = registry.natives().iter().collect();
    let mut builder = A::Builder::new(&natives).map_err(|e| Error::engine(A::KIND, e))?;
    jsapi::install(&mut builder, registry)?;
    for script in scripts {
        options.step(&format!("running {}", script.name));
        match script.kind {
            ScriptKind::Classic => builder.run_script(&script.name, &script.source).map(drop),
            ScriptKind::Module => {
                let root = ModuleSource { url: script.name.clone(), source: script.source.clone() };
                builder.run_module(root, &mut |specifier: &str, referrer: &str| resolve(options, specifier, referrer))
            }
        }
        .map_err(script_error)?;
    }
    let mut contexts: Vec<(String, Vec<(String, String)>)> = options
        .contexts
        .iter()
        .map(|(name, scripts)| (name.clone(), scripts.iter().map(|s| (s.name.clone(), s.source.clone())).collect()))
        .collect();
    for (name, source) in jsapi::pending_contexts(&mut builder)? {
        contexts.push((name.clone(), vec![(format!("polysnap:context {name}"), source)]));
    }
    for (name, scripts) in &contexts {
        options.step(&format!("setting up context {name}"));
        builder.add_context(name, scripts).map_err(script_error)?;
    }
    Ok(builder)
}

/// An import resolved by the options' resolver, or refused when there is none.
fn resolve(options: &MakeOptions, specifier: &str, referrer: &str) -> Result<ModuleSource, String> {
    match &options.module_resolver {
        Some(resolver) => resolver(specifier, referrer),
        None => Err("no module resolver was given (MakeOptions::module_resolver)".into()),
    }
}

/// Proves `snapshot` gives back `before` when restored: here, or where
/// [`MakeOptions::restore_check`] says. Tells the options' notes what the engine declared lost.
pub(crate) fn prove<A: Api>(
    snapshot: &Snapshot<Vec<u8>>,
    registry: &Registry,
    before: &Observed,
    options: &MakeOptions,
) -> Result<(), Error> {
    options.step(VERIFY_STEP);
    let mut notes = verify::lost_notes(before, A::fidelity());
    notes.extend(before.uncovered.iter().map(|u| format!("not checked: {}: {}", u.path, u.why)));
    notes.extend(match &options.restore_check {
        Some(check) => check(snapshot, before)?,
        None => check_restores::<A>(snapshot, registry, before)?,
    });
    for note in notes {
        options.note(&format!("{}: {note}", A::KIND));
    }
    Ok(())
}

/// Restores a heap snapshot whose engine and build are already checked.
pub(crate) fn restore<A: Api>(
    file: &SnapshotFile,
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
) -> Result<A::Runtime, Error> {
    let snapshot = file.snapshot();
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

/// Restores the snapshot in `file` with engine `A` and the natives of `registry`, reads the
/// state and compares it with `before` (what a separate checking process does).
pub fn check_file<A: Api>(file: &SnapshotFile, registry: &Registry, before: &Observed) -> Result<Vec<String>, Error> {
    let natives = heap_natives(file, registry)?;
    verify::after_restore::<A>(file.payload(), &natives, before)
}

/// Restores `snapshot` (encoded and validated as a file would be) and compares the state it
/// gives back with `before`.
fn check_restores<A: Api>(
    snapshot: &Snapshot<Vec<u8>>,
    registry: &Registry,
    before: &Observed,
) -> Result<Vec<String>, Error> {
    let bytes = snapshot_core::format::encode::encode(snapshot);
    let file = SnapshotFile::from_bytes("(the snapshot being made)".into(), bytes)?;
    let natives = heap_natives(&file, registry)?;
    verify::after_restore::<A>(file.payload(), &natives, before)
}

/// Refuses, before anything runs, setup scripts with a construct engine `A` cannot capture
/// (ChakraCore: a `with` block that creates functions), naming the script and line.
fn refuse_with_blocks<A: Api>(scripts: &[Script]) -> Result<(), Error> {
    let Some(reason) = A::fidelity().functions_in_with_blocks else { return Ok(()) };
    for script in scripts {
        if let Some(line) = snapshot_core::scan::functions_in_with_blocks(&script.source).first() {
            let path = format!("{}:{line}", script.name);
            return Err(Error::Refused { engine: A::KIND, path, reason: reason.to_owned() });
        }
    }
    Ok(())
}

/// A note when setup scripts use tagged templates on an engine that gives their call sites
/// new strings arrays after restore, naming the first.
fn tagged_template_note<A: Api>(scripts: &[Script]) -> Option<String> {
    let what = A::fidelity().tagged_templates_lose_identity?;
    let mut sites = scripts.iter().flat_map(|s| {
        snapshot_core::scan::tagged_templates(&s.source).into_iter().map(move |line| format!("{}:{line}", s.name))
    });
    let first = sites.next()?;
    let more = sites.count();
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    Some(format!("{what}: {first}{more}"))
}
