//! Restore: a TTD replay runtime fed from memory, inflated from the snapshot and then made
//! live (the recipe behind [`Runtime::inflate`](crate::Runtime::inflate)).

use crate::engine::Engine;
use crate::error::ChakraError;
use crate::library::Library;
use crate::natives::NativeSpec;
use crate::payload::TtdPayload;
use crate::streams::MemoryStore;

/// Deletes the TTD-only globals of a replay runtime (calling `emitTTDLog` there would
/// drive the replay machinery and abort the process).
const DELETE_TTD_GLOBALS: &str =
    "delete this.emitTTDLog; delete this.telemetryLog; delete this.enabledDiagnosticsTrace; undefined";

/// A runtime inflated from a snapshot and made live.
pub(crate) struct Inflated {
    /// The live engine runtime.
    pub(crate) engine: Engine,
    /// Table keys of natives the snapshot references but nobody provided.
    pub(crate) missing_natives: Vec<String>,
    /// The replay runtime's stream location: the engine keeps a pointer to its uri, so it
    /// must stay registered for the runtime's life and be dropped after `engine`.
    pub(crate) store: MemoryStore,
}

/// Inflates `payload` with `natives` and makes the result live (see
/// [`Runtime::inflate`](crate::Runtime::inflate) for the recipe and its conditions).
pub(crate) fn restore(lib: &Library, payload: &TtdPayload, natives: Vec<NativeSpec>) -> Result<Inflated, ChakraError> {
    crate::natives::validate(&natives)?;
    let has_log = payload.file("ttdlog.log").is_some();
    let has_snap = payload.files.iter().any(|(n, _)| n.starts_with("snap_") && n.ends_with(".snp"));
    if !has_log || !has_snap {
        return Err(ChakraError::Ttd {
            step: "inflate",
            detail: format!(
                "expected ttdlog.log and a snap_N.snp in the payload, found {:?}; pass a payload from Recorder::capture",
                payload.files.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>()
            ),
        });
    }
    let jsrt = lib.jsrt().clone();
    let store = MemoryStore::with_files(payload.files.iter().map(|(n, d)| (n.as_str(), d)));
    let rt = jsrt.create_replay_runtime(store.uri(), &crate::streams::CALLBACKS)?;
    let engine = Engine::new(jsrt.clone(), rt);
    let ctx = jsrt.ttd_create_context(rt)?;
    engine.set_context(ctx)?;
    jsrt.ttd_start()?;
    let (snap, _end) = jsrt.ttd_snapshot_bounds(rt, i64::MAX)?;
    jsrt.ttd_pre_execute(rt, snap, snap)?;
    jsrt.ttd_pause()?;
    engine.adopt_current_context()?;
    engine.install_promise_callback()?;
    engine.run_raw("polysnap:ttd-globals.js", DELETE_TTD_GLOBALS)?;
    engine.run_raw("polysnap:exact-numbers.js", crate::exact_numbers::RESTORE)?;
    engine.run_raw("polysnap:integrity.js", crate::integrity::REAPPLY_INTEGRITY)?;
    if let Some(statics) = payload.file(crate::regexp_statics::FILE) {
        let statics = std::str::from_utf8(statics).ok().filter(|s| *s == "null" || s.starts_with('['));
        let statics = statics.ok_or_else(|| ChakraError::Payload {
            reason: format!("{} is not the array literal a capture writes", crate::regexp_statics::FILE),
        })?;
        engine.run_raw("polysnap:regexp-statics.js", &crate::regexp_statics::restore_script(statics))?;
    }
    let missing_natives = engine.install_natives(natives)?;
    store.clear();
    let problems = store.problems();
    if !problems.is_empty() {
        return Err(ChakraError::Ttd { step: "inflate", detail: format!("stream problems: {problems:?}") });
    }
    Ok(Inflated { engine, missing_natives, store })
}
