//! `snapshot_core`'s backend traits for V8: [`V8`] is the [`Api`]; [`SnapshotBuilder`] and
//! [`Runtime`] are its builder and runtime.

use std::sync::Arc;

use snapshot_core::format::PayloadEncoding;
use snapshot_core::{
    Api, Capabilities, CapabilityGap, CaptureOptions, Captured, EngineBuild, EngineKind, Fidelity, HostValue,
    JsException, Native, ScriptError, ScriptHost, SharedBytes,
};

use crate::{build_identity, v8_version, CodeHandling, NativeSpec, Runtime, SnapshotBuilder, SnapshotBytes, V8Error};

/// The V8 engine as a `snapshot_core` [`Api`].
#[derive(Clone, Copy, Debug, Default)]
pub struct V8;

const GAPS: &[CapabilityGap] = &[
    CapabilityGap {
        capability: Capabilities::INTL,
        reason: "V8 10.2 aborts the process in CreateBlob on a reachable Intl object (ICU data behind Managed<> pointers); backend-v8 makes the Intl constructors throw during setup",
        symptom: "is not available while building a V8 snapshot",
    },
    CapabilityGap {
        capability: Capabilities::WEBASSEMBLY,
        reason: "V8 installs no WebAssembly object in an isolate that builds a snapshot: a setup cannot make modules or memories (they exist again after restore)",
        symptom: "WebAssembly is not defined",
    },
];

impl Api for V8 {
    const KIND: EngineKind = EngineKind::V8;
    type Builder = SnapshotBuilder;
    type Runtime = Runtime;
    type Error = V8Error;

    fn engine_build() -> Result<EngineBuild, V8Error> {
        crate::init()?;
        Ok(EngineBuild { kind: EngineKind::V8, version: v8_version(), identity: build_identity().to_owned() })
    }

    fn capabilities() -> Capabilities {
        Capabilities::WARM_CODE
            | Capabilities::NAMED_CONTEXTS
            | Capabilities::DATA_VIEW
            | Capabilities::OBJECT_WRAP
            | Capabilities::EXACT_NUMBERS
            | Capabilities::CODE_CACHE
            | Capabilities::ZERO_COPY_PAYLOAD
            | Capabilities::CONCURRENT_RUNTIMES
            | Capabilities::LIVE_ITERATORS
            | Capabilities::ERROR_STACKS
    }

    fn gaps() -> &'static [CapabilityGap] {
        GAPS
    }

    fn fidelity() -> &'static Fidelity {
        &FIDELITY
    }
}

/// V8 10.2 installs the builtins of its shipped "harmony" features (`Genesis::
/// InitializeExperimentalGlobal`) only into contexts that are not being serialized: a
/// snapshot-making context lacks them and every restored one gets them, added to the objects
/// they belong to. Where those objects were made non-extensible the restore dies ("Check
/// failed: Object::AddDataProperty"). Intl's constructors and FinalizationRegistry's
/// `register` are also built differently in a snapshot-making context (found by comparing
/// an empty setup before capture and after restore).
const FIDELITY: Fidelity = Fidelity {
    added_after_restore: &[
        "globalThis.SharedArrayBuffer",
        "globalThis.Atomics",
        "globalThis.WebAssembly",
        "%Object%.hasOwn",
        "%Array.prototype%.at",
        "%Array.prototype%.findLast",
        "%Array.prototype%.findLastIndex",
        "%Array.prototype%[Symbol(Symbol.unscopables)].at",
        "%Array.prototype%[Symbol(Symbol.unscopables)].findLast",
        "%Array.prototype%[Symbol(Symbol.unscopables)].findLastIndex",
        "%String.prototype%.at",
        "%TypedArray.prototype%.at",
        "%TypedArray.prototype%.findLast",
        "%TypedArray.prototype%.findLastIndex",
    ],
    lost: &[],
    lost_kinds: &[],
    lexical_globals_become_properties: None,
    not_compared: (
        &["%Intl%", "%FinalizationRegistry.prototype%.register"],
        "V8 builds them differently in a snapshot-making context",
    ),
    must_stay_extensible: (
        &[
            "globalThis",
            "%Object%",
            "%Array.prototype%",
            "%Array.prototype%[Symbol(Symbol.unscopables)]",
            "%String.prototype%",
            "%TypedArray.prototype%",
        ],
        "V8 10.2 adds builtins to this object in every restored context (SharedArrayBuffer, Atomics, Object.hasOwn, \
         Array.prototype.at/findLast/findLastIndex, String.prototype.at, %TypedArray%.prototype.at), and a restore \
         of it made non-extensible (frozen, sealed or preventExtensions) dies (Check failed: Object::AddDataProperty)",
    ),
    max_number_magnitude: None,
    last_index_must_be_number: None,
    regexp_source_escapes_slash: None,
    functions_in_with_blocks: None,
};

fn specs(natives: &[&Native]) -> Result<Vec<NativeSpec>, V8Error> {
    NativeSpec::functions(natives).map_err(|n| V8Error::InvalidInput {
        expected:
            "natives of kind `function` with a host function (backend-v8 supports no accessors or data natives yet)"
                .into(),
        found: format!("`{}` of kind `{}`", n.name, n.kind),
    })
}

/// A script's uncaught exception becomes the engine-neutral [`JsException`] (so hosts can
/// tell it from an engine failure); every other error stays a [`V8Error`].
fn script_error(e: V8Error) -> ScriptError {
    match e {
        V8Error::Js { message, stack, .. } => Box::new(JsException { message, stack }),
        other => Box::new(other),
    }
}

impl ScriptHost for SnapshotBuilder {
    fn engine(&self) -> EngineKind {
        EngineKind::V8
    }

    fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, ScriptError> {
        SnapshotBuilder::run_script(self, name, source).map_err(script_error)
    }
}

/// V8 10.2 sets `Error.stackTraceLimit` back to 10 in every context it restores, whatever
/// the setup made it, and adds it after the properties the setup gave `Error` (their order
/// changes). Installed in a builder before any setup: keeps the intrinsic `Error` and, when
/// the setup ends, its own properties from `stackTraceLimit` on; a restore defines them
/// again in that order (those it may delete first).
const ERROR_LIMIT_INSTALL: &str = r#"(function (g, E, describe, define, ownKeys) {
  var kept = [];
  define(g, '__polysnap_v8_error_limit', { value: {
    keep: function () {
      var keys = ownKeys(E), from = -1;
      kept = [];
      for (var i = 0; i < keys.length; i++) {
        if (keys[i] === 'stackTraceLimit') from = i;
        if (from >= 0) kept[kept.length] = [keys[i], describe(E, keys[i])];
      }
    },
    put: function () {
      var i, now;
      for (i = 1; i < kept.length; i++) {
        now = describe(E, kept[i][0]);
        if (now && now.configurable) delete E[kept[i][0]];
      }
      for (i = 0; i < kept.length; i++) { try { define(E, kept[i][0], kept[i][1]); } catch (e) {} }
    }
  } });
})(this, Error, Object.getOwnPropertyDescriptor, Object.defineProperty, Reflect.ownKeys)"#;

/// Run when the setup has ended (see [`ERROR_LIMIT_INSTALL`]).
const ERROR_LIMIT_KEEP: &str = "__polysnap_v8_error_limit.keep()";

/// Run in a restored context (see [`ERROR_LIMIT_INSTALL`]); nothing in a snapshot made
/// without it.
const ERROR_LIMIT_PUT: &str =
    "typeof __polysnap_v8_error_limit === 'object' && (__polysnap_v8_error_limit.put(), true)";

impl snapshot_core::Builder for SnapshotBuilder {
    type A = V8;

    fn new(natives: &[&Native]) -> Result<Self, V8Error> {
        let mut builder = SnapshotBuilder::new(specs(natives)?)?;
        builder.run_script("polysnap:v8-error-limit.js", ERROR_LIMIT_INSTALL)?;
        Ok(builder)
    }

    fn finish_setup(&mut self) -> Result<(), ScriptError> {
        SnapshotBuilder::run_script(self, "polysnap:v8-error-limit", ERROR_LIMIT_KEEP).map(drop).map_err(script_error)
    }

    fn capture(mut self, options: &CaptureOptions) -> Result<Captured, V8Error> {
        self.run_script("polysnap:v8-error-limit", ERROR_LIMIT_KEEP)?;
        let contexts = self.context_names().to_vec();
        let (payload, warm_code) = match &options.warmup {
            Some((name, source)) => (self.build_warm(name, source)?, true),
            None => (self.build(CodeHandling::Clear)?, false),
        };
        let raw_len = payload.len() as u64;
        Ok(Captured { payload, encoding: PayloadEncoding::Raw, raw_len, warm_code, contexts })
    }

    fn add_context(&mut self, name: &str, scripts: &[(String, String)]) -> Result<(), ScriptError> {
        SnapshotBuilder::add_context(self, name, scripts).map_err(script_error)
    }
}

impl ScriptHost for Runtime {
    fn engine(&self) -> EngineKind {
        EngineKind::V8
    }

    fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, ScriptError> {
        Runtime::run_script(self, name, source).map_err(script_error)
    }

    fn release_handles(&mut self) -> Result<(), ScriptError> {
        Runtime::release_handles(self);
        Ok(())
    }
}

impl snapshot_core::Runtime for Runtime {
    type A = V8;

    fn fresh(natives: &[&Native]) -> Result<Self, V8Error> {
        Runtime::fresh(specs(natives)?)
    }

    fn run_script_producing_cache(&mut self, name: &str, source: &str) -> Result<(HostValue, Vec<u8>), ScriptError> {
        Runtime::run_script_producing_cache(self, name, source).map_err(script_error)
    }

    fn run_script_with_cache(
        &mut self,
        name: &str,
        source: &str,
        cache: &[u8],
    ) -> Result<(HostValue, bool), ScriptError> {
        let (value, outcome) = Runtime::run_script_with_cache(self, name, source, cache).map_err(script_error)?;
        Ok((value, outcome == crate::CacheOutcome::Accepted))
    }

    fn restore(payload: SharedBytes, natives: &[&Native]) -> Result<Self, V8Error> {
        // The envelope's checksum runs even though the container checked every byte: a
        // container whose checksums were recomputed over damaged bytes would otherwise reach
        // V8, whose own checksum is off and whose deserializer would crash on them
        // (tests/refusals.rs).
        let mut runtime = Runtime::from_blob(SnapshotBytes::from_owner(Arc::new(payload)), specs(natives)?)?;
        runtime.run_script("polysnap:v8-error-limit", ERROR_LIMIT_PUT)?;
        Ok(runtime)
    }

    fn enter_context(&mut self, name: Option<&str>) -> Result<(), ScriptError> {
        Runtime::enter_context(self, name).map_err(|e| Box::new(e) as ScriptError)
    }
}
