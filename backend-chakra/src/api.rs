//! `snapshot_core`'s backend traits for ChakraCore: [`Chakra`] is the [`Api`];
//! [`Recorder`] and [`Runtime`] are its builder and runtime.

use snapshot_core::PayloadEncoding;
use snapshot_core::{
    script_error, Api, Capabilities, CapabilityGap, CaptureOptions, Captured, EngineBuild, EngineKind, Fidelity,
    HostValue, Loss, Native, ScriptError, ScriptHost, SharedBytes,
};

use crate::{ChakraError, Library, NativeSpec, Recorder, Runtime, TtdPayload};

/// The ChakraCore engine as a `snapshot_core` [`Api`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Chakra;

/// The ChakraCore line the pinned library belongs to; the exact build is its SHA-256.
pub const CHAKRA_VERSION: &str = "1.11 (pyChakraCore 0.2.0)";

const GAPS: &[CapabilityGap] = &[
    CapabilityGap {
        capability: Capabilities::DATA_VIEW,
        reason: "TTD inflates a DataView as a plain object without its buffer: its methods throw",
        symptom: "capability DATA_VIEW is absent",
    },
    CapabilityGap {
        capability: Capabilities::INTL,
        reason: "TTD inflates Intl objects without their internal state: their methods throw",
        symptom: "capability INTL is absent",
    },
    CapabilityGap {
        capability: Capabilities::WEBASSEMBLY,
        reason: "TTD inflates WebAssembly modules, instances and memories as plain objects: their methods throw",
        symptom: "capability WEBASSEMBLY is absent",
    },
    CapabilityGap {
        capability: Capabilities::LIVE_ITERATORS,
        reason: "TTD inflates Map, Set and String iterators as plain objects: next() throws (Array iterators survive)",
        symptom: "capability LIVE_ITERATORS is absent",
    },
    CapabilityGap {
        capability: Capabilities::ERROR_STACKS,
        reason: "TTD restores Error objects without the stack trace they captured: `stack` reads as an empty string",
        symptom: "capability ERROR_STACKS is absent",
    },
    CapabilityGap {
        capability: Capabilities::NAMED_CONTEXTS,
        reason: "a TTD snapshot holds one context; ChakraCore cannot restore others by name",
        symptom: "capability NAMED_CONTEXTS is absent",
    },
    CapabilityGap {
        capability: Capabilities::WARM_CODE,
        reason: "TTD keeps no compiled code: every function is parsed again when inflated",
        symptom: "capability WARM_CODE is absent",
    },
    CapabilityGap {
        capability: Capabilities::EXACT_NUMBERS,
        reason: "TTD writes numbers as text with %.32f; polysnap carries the exact values of the properties, elements \
                 and Map values a script reaches from the global object, but a number only a closure holds loses \
                 digits when of magnitude up to 1e-14 (make notes how many), becomes 0 below 5e-33 (unnoticed: TTD \
                 writes it as it writes 0), and ends the capture from 1e30 up",
        symptom: "capability EXACT_NUMBERS is absent",
    },
    CapabilityGap {
        capability: Capabilities::SHARED_MEMORY,
        reason:
            "this ChakraCore build has SharedArrayBuffer and Atomics turned off: they are absent in fresh runtimes too",
        symptom: "'SharedArrayBuffer' is not defined",
    },
    CapabilityGap {
        capability: Capabilities::TEMPLATE_IDENTITY,
        reason:
            "TTD does not keep which strings array belongs to which tagged-template call site: after restore a call \
                 site gives a new one (a cache keyed on it misses once)",
        symptom: "capability TEMPLATE_IDENTITY is absent",
    },
    CapabilityGap {
        capability: Capabilities::INTEGRITY_LEVELS,
        reason: "TTD brings some frozen or sealed objects (every WeakMap key, a frozen Object.prototype) back \
                 non-extensible with read-only properties, but Object.isFrozen / isSealed say false; make refuses \
                 such an object by path",
        symptom: "capability INTEGRITY_LEVELS is absent",
    },
    CapabilityGap {
        capability: Capabilities::ES_MODULES.union(Capabilities::MODULE_NAMESPACES),
        reason: "ChakraCore 1.11's time travel neither records module calls (JsInitializeModuleRecord, JsParseModuleSource and JsModuleEvaluation bypass the TTD recorder) nor has a snapshot record for a module or its namespace, and a captured function defined in a module ends the process (TTD assert); 1.11 also lacks import.meta and top-level await",
        symptom: "capability ES_MODULES is absent",
    },
    CapabilityGap {
        capability: Capabilities::ZERO_COPY_PAYLOAD,
        reason: "TTD files are compressed and read through stream callbacks, so they are copied",
        symptom: "capability ZERO_COPY_PAYLOAD is absent",
    },
];

impl Api for Chakra {
    const KIND: EngineKind = EngineKind::ChakraCore;
    type Builder = Recorder;
    type Runtime = Runtime;
    type Error = ChakraError;

    fn engine_build() -> Result<EngineBuild, ChakraError> {
        let library = Library::open_default()?;
        Ok(EngineBuild { kind: EngineKind::ChakraCore, version: CHAKRA_VERSION.into(), identity: library.identity()? })
    }

    fn gaps() -> &'static [CapabilityGap] {
        GAPS
    }

    fn fidelity() -> &'static Fidelity {
        &FIDELITY
    }
}

/// What ChakraCore 1.11's TTD dies on (found by a differential battery; each ends the
/// process with a TTD assert, nothing to catch).
const FIDELITY: Fidelity = Fidelity {
    added_after_restore: &[],
    lost: &[Loss {
        paths: &[
            "%RegExp%.$1",
            "%RegExp%.$2",
            "%RegExp%.$3",
            "%RegExp%.$4",
            "%RegExp%.$5",
            "%RegExp%.$6",
            "%RegExp%.$7",
            "%RegExp%.$8",
            "%RegExp%.$9",
            "%RegExp%.input",
            "%RegExp%.$_",
            "%RegExp%.lastMatch",
            "%RegExp%[\"$&\"]",
            "%RegExp%.lastParen",
            "%RegExp%[\"$+\"]",
            "%RegExp%.leftContext",
            "%RegExp%[\"$`\"]",
            "%RegExp%.rightContext",
            "%RegExp%[\"$'\"]",
            "%RegExp%.index",
        ],
        what: "ChakraCore's TTD does not keep RegExp's legacy statics (RegExp.$1, RegExp.lastMatch, ...), and \
               polysnap could not make them again with one match (a group's text is not in the input after the \
               match): they read otherwise until the next match (capability REGEXP_STATICS is absent)",
    }],
    lost_kinds: &[
        (
            "Map Iterator",
            "TTD inflates Map iterators as plain objects: next() throws (capability LIVE_ITERATORS is absent)",
        ),
        (
            "Set Iterator",
            "TTD inflates Set iterators as plain objects: next() throws (capability LIVE_ITERATORS is absent)",
        ),
        (
            "String Iterator",
            "TTD inflates String iterators as plain objects: next() throws (capability LIVE_ITERATORS is absent)",
        ),
        (
            "Intl",
            "TTD inflates Intl objects without their internal state: their methods throw (capability INTL is absent)",
        ),
        (
            "WebAssembly",
            "TTD inflates WebAssembly modules, instances and memories as plain objects: their methods throw \
             (capability WEBASSEMBLY is absent)",
        ),
        (
            "DataView",
            "TTD inflates a DataView as a plain object without its buffer: its methods throw (capability DATA_VIEW is \
             absent)",
        ),
        ("ErrorStack", "TTD restores errors with an empty stack (capability ERROR_STACKS is absent)"),
    ],
    lexical_globals_become_properties: Some(
        "ChakraCore's TTD brings top-level let, const and class bindings back as properties of the global object \
         (capability LEXICAL_GLOBALS is absent)",
    ),
    not_compared: (&[], ""),
    must_stay_extensible: (
        &["%Array.prototype%"],
        "ChakraCore's TTD cannot restore a non-extensible Array.prototype (frozen, sealed or preventExtensions): \
         the restore dies in inflation",
    ),
    max_number_magnitude: None,
    last_index_must_be_number: Some(
        "ChakraCore's TTD cannot restore a RegExp whose lastIndex is not a number (the restore dies: \"The key is \
         not here\"); set lastIndex to a number before capture",
    ),
    regexp_source_escapes_slash: Some(
        "ChakraCore's TTD writes a RegExp's source back with every `/` escaped: `source` reads `\\/` where the \
         setup wrote `/` (the same pattern; it matches the same strings)",
    ),
    functions_in_with_blocks: Some(
        "this `with` block creates functions, and ChakraCore's TTD ends the process when it captures a function \
         created inside a `with` block that is still alive (polysnap cannot tell before capture whether one is, so \
         it refuses every `with` that creates one); create the functions outside the `with`",
    ),
    stand_ins: Some(
        "this is polysnap's recording-time stand-in for Object.freeze, Object.seal or Promise.prototype.finally \
         (ChakraCore's TTD cannot restore what the engine's own leave behind); the builtin is the engine's own again \
         before capture, so after a restore this reference would not be === to it: take the reference after \
         restore, or call the method through the object",
    ),
    tagged_templates_lose_identity: Some(
        "ChakraCore's TTD does not keep which strings array belongs to which tagged-template call site: after a \
         restore the call site gives a new array, so a cache keyed on it (lit-html's, for one) misses once, and \
         `===` with an array kept from the setup is false (capability TEMPLATE_IDENTITY is absent)",
    ),
    // Measured: a setup of 200,000 small objects was read whole in 1.3 GB; 300,000 (about two
    // million values) ended the process in Reflect.ownKeys with ChakraCore's fatal
    // out-of-memory error, where the make without the check took 3.6 s.
    state_values_limit: Some((
        400_000,
        "ChakraCore ends the process with a fatal out-of-memory error when the state reader walks much more of \
         a heap in a runtime that is recording for time travel",
    )),
};

impl ScriptHost for Recorder {
    fn engine(&self) -> EngineKind {
        EngineKind::ChakraCore
    }

    fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, ScriptError> {
        Recorder::run_script(self, name, source).map_err(script_error)
    }
}

impl snapshot_core::Builder for Recorder {
    type A = Chakra;

    fn new(natives: &[&Native]) -> Result<Self, ChakraError> {
        Recorder::new(&Library::open_default()?, NativeSpec::functions(natives)?)
    }

    fn finish_setup(&mut self) -> Result<(), ScriptError> {
        Recorder::finish_setup(self).map_err(script_error)
    }

    fn capture(mut self, options: &CaptureOptions) -> Result<Captured, ChakraError> {
        if options.warmup.is_some() {
            return Err(ChakraError::Usage(
                "ChakraCore keeps no compiled code in a snapshot (capability WARM_CODE is absent): make it without a \
                 warm-up script"
                    .into(),
            ));
        }
        let payload = Recorder::capture(&mut self)?;
        let raw_len = payload.raw_len() as u64;
        Ok(Captured {
            payload: payload.encode(),
            encoding: PayloadEncoding::Zstd,
            raw_len,
            warm_code: false,
            contexts: Vec::new(),
            notes: uncarried_numbers_note(&payload).into_iter().collect(),
        })
    }
}

/// The note for tiny numbers the capture left in TTD's text, where they lose digits.
fn uncarried_numbers_note(payload: &TtdPayload) -> Option<String> {
    let snapshots = payload.files.iter().filter(|(name, _)| name.starts_with("snap_") && name.ends_with(".snp"));
    let count: usize = snapshots.map(|(_, bytes)| crate::exact_numbers::uncarried(bytes.as_ref())).sum();
    (count > 0).then(|| {
        format!(
            "{count} number(s) of magnitude up to 1e-14 that no script reaches from the global object (a closure's \
             variables) or in read-only properties come back with fewer digits or as 0 (TTD writes numbers with 32 \
             decimals; capability EXACT_NUMBERS is absent); keep such numbers in a property, a Float64Array, or as \
             strings"
        )
    })
}

impl ScriptHost for Runtime {
    fn engine(&self) -> EngineKind {
        EngineKind::ChakraCore
    }

    fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, ScriptError> {
        Runtime::run_script(self, name, source).map_err(script_error)
    }

    fn release_handles(&mut self) -> Result<(), ScriptError> {
        Runtime::release_handles(self).map_err(script_error)
    }
}

impl snapshot_core::Runtime for Runtime {
    type A = Chakra;

    fn fresh(natives: &[&Native]) -> Result<Self, ChakraError> {
        Runtime::fresh(&Library::open_default()?, NativeSpec::functions(natives)?)
    }

    fn restore(payload: SharedBytes, natives: &[&Native]) -> Result<Self, ChakraError> {
        let payload = TtdPayload::decode_reseeded(payload.as_slice())?;
        Runtime::inflate(&Library::open_default()?, &payload, NativeSpec::functions(natives)?)
    }

    /// Serializes the script to bytecode (`JsSerialize`, which parses every function in
    /// full), then runs it from that bytecode; returns the enveloped bytecode.
    fn run_script_producing_cache(&mut self, name: &str, source: &str) -> Result<(HostValue, Vec<u8>), ScriptError> {
        let bytecode = self.serialize_script(name, source).map_err(script_error)?;
        let value = self.run_serialized(name, source, &bytecode).map_err(script_error)?;
        Ok((value, bytecode))
    }

    /// Keeps `bytes` for the runtime's life; bytecode and sources inside them are then read
    /// in place (see [`Runtime::retain`]).
    fn retain(&mut self, bytes: SharedBytes) {
        Runtime::retain(self, bytes);
    }

    /// Runs from the bytecode; bytecode whose envelope does not match this library and this
    /// source (ChakraCore itself does not validate bytecode) is set aside and the script runs
    /// from source.
    fn run_script_with_cache(
        &mut self,
        name: &str,
        source: &str,
        cache: &[u8],
    ) -> Result<(HostValue, bool), ScriptError> {
        match self.run_serialized(name, source, cache) {
            Ok(value) => Ok((value, true)),
            Err(ChakraError::Bytecode { .. }) => {
                Ok((Runtime::run_script(self, name, source).map_err(script_error)?, false))
            }
            Err(other) => Err(script_error(other)),
        }
    }
}
