//! Restore: a TTD replay runtime fed from memory, inflated from the snapshot and then run
//! live; and plain runtimes for cold runs.

use snapshot_core::{HostValue, SharedBytes};

use crate::bytecode;
use crate::error::ChakraError;
use crate::library::Library;
use crate::natives::NativeSpec;
use crate::payload::TtdPayload;
use crate::runtime::Core;
use crate::streams::MemoryStore;

/// Deletes the TTD-only globals of a replay runtime (calling `emitTTDLog` there would
/// drive the replay machinery and abort the process).
const DELETE_TTD_GLOBALS: &str =
    "delete this.emitTTDLog; delete this.telemetryLog; delete this.enabledDiagnosticsTrace; undefined";

/// How a [`Runtime`] was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeKind {
    /// A plain runtime (`JsCreateRuntime`), natives installed, no snapshot.
    Fresh,
    /// Inflated from a TTD snapshot.
    Inflated,
}

/// A live JavaScript runtime: fresh, or inflated from a snapshot.
///
/// Bound to the thread that made it (not `Send`). Dropping it disposes the engine runtime.
pub struct Runtime {
    core: Core,
    kind: RuntimeKind,
    missing_natives: Vec<String>,
    /// The replay runtime's stream location; kept registered for the runtime's life (the
    /// engine keeps a pointer to the uri), dropped after `core`.
    _store: Option<MemoryStore>,
}

impl Runtime {
    /// A plain runtime (`JsCreateRuntime` with background work disabled) with `natives`
    /// installed the same way as in a [`Recorder`](crate::Recorder): for cold runs and
    /// differential tests.
    pub fn fresh(lib: &Library, natives: Vec<NativeSpec>) -> Result<Runtime, ChakraError> {
        let jsrt = lib.jsrt().clone();
        let rt = jsrt.create_runtime()?;
        let core = Core::new(jsrt.clone(), rt);
        let ctx = jsrt.create_context(rt)?;
        core.set_context(ctx)?;
        core.install_promise_callback()?;
        let missing_natives = core.install_natives(natives)?;
        Ok(Runtime { core, kind: RuntimeKind::Fresh, missing_natives, _store: None })
    }

    /// Inflates `payload` and makes the result live.
    ///
    /// Recipe: `JsTTDCreateReplayRuntime` reading from memory, `JsTTDCreateContext`,
    /// `JsTTDStart`, `JsTTDGetSnapShotBoundInterval(rt, i64::MAX)`,
    /// `JsTTDPreExecuteSnapShotInterval(rt, snap, snap)` (inflates, replays nothing),
    /// `JsTTDPauseTimeTravelBeforeRuntimeOperation` (from here scripts run live); then the
    /// context is re-read (inflation makes new ones), the promise callback re-installed,
    /// the TTD-only globals removed, the numbers TTD's text cannot carry set back exactly
    /// (see the `exact_numbers` module), the elements' attributes of objects frozen or sealed
    /// while recording applied again, RegExp's legacy statics made again
    /// (see the `regexp_statics` module), and the trampoline table refilled by
    /// StableId.
    ///
    /// The payload must come from the same library build (compare
    /// [`library_identity`](crate::library_identity) first): a log from another build
    /// fails a TTD assert, which aborts the process.
    pub fn inflate(lib: &Library, payload: &TtdPayload, natives: Vec<NativeSpec>) -> Result<Runtime, ChakraError> {
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
        let core = Core::new(jsrt.clone(), rt);
        let ctx = jsrt.ttd_create_context(rt)?;
        core.set_context(ctx)?;
        jsrt.ttd_start()?;
        let (snap, _end) = jsrt.ttd_snapshot_bounds(rt, i64::MAX)?;
        jsrt.ttd_pre_execute(rt, snap, snap)?;
        jsrt.ttd_pause()?;
        core.adopt_current_context()?;
        core.install_promise_callback()?;
        core.run_raw("polysnap:ttd-globals.js", DELETE_TTD_GLOBALS)?;
        core.run_raw("polysnap:exact-numbers.js", crate::exact_numbers::RESTORE)?;
        core.run_raw("polysnap:integrity.js", crate::record::REAPPLY_INTEGRITY)?;
        if let Some(statics) = payload.file(crate::regexp_statics::FILE) {
            let statics = std::str::from_utf8(statics).ok().filter(|s| *s == "null" || s.starts_with('['));
            let statics = statics.ok_or_else(|| ChakraError::Payload {
                reason: format!("{} is not the array literal a capture writes", crate::regexp_statics::FILE),
            })?;
            core.run_raw("polysnap:regexp-statics.js", &crate::regexp_statics::restore_script(statics))?;
        }
        let missing_natives = core.install_natives(natives)?;
        store.clear();
        let problems = store.problems();
        if !problems.is_empty() {
            return Err(ChakraError::Ttd { step: "inflate", detail: format!("stream problems: {problems:?}") });
        }
        Ok(Runtime { core, kind: RuntimeKind::Inflated, missing_natives, _store: Some(store) })
    }

    /// How this runtime was made.
    pub fn kind(&self) -> RuntimeKind {
        self.kind
    }

    /// Table keys (16 hex digits) of natives the snapshot references but nobody provided;
    /// calling them throws an `Error` naming them.
    pub fn missing_natives(&self) -> &[String] {
        &self.missing_natives
    }

    /// Runs a script from source, drains promise jobs, returns the completion value.
    pub fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, ChakraError> {
        self.core.run(name, source)
    }

    /// Parses `source` (without running it) and returns ChakraCore's bytecode for it,
    /// sealed in polysnap's envelope (see [`bytecode`]): the input of
    /// [`Runtime::run_serialized`], on this library build, for this exact source.
    ///
    /// Fresh runtimes only. `name` only appears in messages (`JsSerialize` takes no URL; the
    /// name given to `run_serialized` is the one stack traces show). The runtime keeps a copy
    /// of `source` until it is dropped (the engine reads the parsed script's text from it).
    /// A syntax error is a [`ChakraError::Script`] with `compile` set.
    pub fn serialize_script(&mut self, name: &str, source: &str) -> Result<Vec<u8>, ChakraError> {
        self.require_fresh("serialize_script", name)?;
        let identity = self.library_identity()?;
        let code = self.core.serialize(source)?;
        Ok(bytecode::seal(&identity, source, &code))
    }

    /// Runs the script `source` named `name` from `bytecode` (from
    /// [`Runtime::serialize_script`] of the same source on the same library build), drains
    /// promise jobs and returns the completion value, as [`Runtime::run_script`] does.
    ///
    /// Every field of the envelope is checked before ChakraCore sees a byte: a damaged,
    /// truncated or foreign buffer, or one made from another source, is a
    /// [`ChakraError::Bytecode`], never a crash. Fresh runtimes only. The runtime keeps a
    /// copy of `source` until it is dropped: the engine asks for it whenever it first needs
    /// the text (`Function.prototype.toString`, ...).
    pub fn run_serialized(&mut self, name: &str, source: &str, bytecode: &[u8]) -> Result<HostValue, ChakraError> {
        self.require_fresh("run_serialized", name)?;
        let identity = self.library_identity()?;
        let verified = bytecode::open(&identity, source, bytecode)?;
        self.core.run_serialized(name, source, &verified)
    }

    /// Keeps `bytes` alive as long as this runtime: sources and bytecode later passed to
    /// [`run_serialized`](Self::run_serialized) that lie inside them are used in place
    /// instead of copied (the engine reads both lazily, for the runtime's whole life).
    pub fn retain(&mut self, bytes: SharedBytes) {
        self.core.retain(bytes);
    }

    /// Runs `bytecode` without the envelope's checks (child-process tests only: shows what
    /// ChakraCore does with bad bytecode).
    #[cfg(test)]
    pub(crate) fn run_serialized_unchecked_for_test(
        &mut self,
        source: &str,
        bytecode: &[u8],
    ) -> Result<HostValue, ChakraError> {
        self.core.run_serialized("polysnap:unchecked.js", source, &bytecode::Verified::unchecked_for_test(bytecode))
    }

    /// The loaded library's identity as bytes.
    fn library_identity(&self) -> Result<[u8; 32], ChakraError> {
        bytecode::identity_bytes(&crate::library::library_identity(self.core.jsrt.path())?)
    }

    fn require_fresh(&self, call: &str, name: &str) -> Result<(), ChakraError> {
        match self.kind {
            RuntimeKind::Fresh => Ok(()),
            RuntimeKind::Inflated => Err(ChakraError::Usage(format!(
                "Runtime::{call}({name:?}): expected a fresh runtime (Runtime::fresh), found one inflated from a \
                 TTD snapshot; bytecode is not supported in TTD runtimes (run from bytecode inside a TTD record \
                 runtime, ChakraCore aborts the process). Run the script from source with run_script, or use a \
                 fresh runtime"
            ))),
        }
    }

    /// Evaluates `source` as a script named `polysnap:eval` (see [`Runtime::run_script`]).
    pub fn eval(&mut self, source: &str) -> Result<HostValue, ChakraError> {
        self.core.run("polysnap:eval", source)
    }

    /// Calls the global function `name` with `args`, drains jobs, returns the result.
    pub fn call_global(&mut self, name: &str, args: &[HostValue]) -> Result<HostValue, ChakraError> {
        self.core.call_global(name, args)
    }

    /// Runs queued promise jobs until none is left.
    pub fn run_jobs(&mut self) -> Result<(), ChakraError> {
        self.core.drain_jobs()
    }

    /// Number of queued promise jobs.
    pub fn pending_jobs(&self) -> usize {
        self.core.pending_jobs()
    }

    /// Number of [`HostValue::Handle`]s this runtime holds for the host (values returned
    /// by [`Runtime::run_script`] and friends that are not plain data).
    pub fn handle_count(&self) -> usize {
        self.core.handle_count()
    }

    /// Releases every handle given out so far; using one afterwards is a conversion error.
    pub fn release_handles(&mut self) -> Result<(), ChakraError> {
        self.core.release_handles()
    }

    /// The engine's heap size in bytes.
    pub fn memory_usage(&self) -> Result<usize, ChakraError> {
        self.core.memory_usage()
    }

    /// Runs a full garbage collection.
    pub fn collect_garbage(&mut self) -> Result<(), ChakraError> {
        self.core.collect_garbage()
    }
}
