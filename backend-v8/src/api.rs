//! `snapshot_core`'s backend traits for V8: [`V8`] is the [`Api`]; [`SnapshotBuilder`] and
//! [`Runtime`] are its builder and runtime.

use snapshot_core::PayloadEncoding;
use snapshot_core::{
    script_error, Api, Capabilities, CapabilityGap, CaptureOptions, Captured, EngineBuild, EngineKind, Fidelity,
    HostValue, ModuleLoader, ModuleSource, Native, ScriptError, ScriptHost, SharedBytes,
};

use crate::{build_identity, v8_version, CodeHandling, NativeSpec, Runtime, SnapshotBuilder, V8Error};

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
    CapabilityGap {
        capability: Capabilities::MODULE_NAMESPACES,
        reason: "V8 10.2 ends the process in CreateBlob on a module namespace object (\"Unknown external reference\": the getter of its entries is in no external-reference table, and libnode does not export it): a module that makes one before capture (`import * as`, `export * as`) is refused by line; namespaces made after restore work",
        symptom: "capability MODULE_NAMESPACES is absent",
    },
    CapabilityGap {
        capability: Capabilities::SHARED_MEMORY,
        reason: "V8 10.2 installs SharedArrayBuffer and Atomics only in contexts it restores, never in one that builds a snapshot: while building, a setup sees stand-ins that throw (V8's own are there after restore)",
        symptom: "is not available while building a V8 snapshot",
    },
];

impl Api for V8 {
    const KIND: EngineKind = EngineKind::V8;
    type Builder = SnapshotBuilder;
    type Runtime = Runtime;
    type Error = V8Error;

    fn engine_build() -> Result<EngineBuild, V8Error> {
        crate::init()?;
        Ok(EngineBuild { kind: EngineKind::V8, version: v8_version()?, identity: build_identity()?.to_owned() })
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
    tagged_templates_lose_identity: None,
    state_values_limit: None,
    stand_ins: Some(
        "this is polysnap's build-time stand-in for a builtin V8 10.2 leaves out while it builds a snapshot \
         (Object.hasOwn, Array.prototype.at/findLast/findLastIndex, String.prototype.at, \
         %TypedArray%.prototype.at/findLast/findLastIndex, SharedArrayBuffer, Atomics); after a restore V8's own is on the builtin and this \
         reference would still be the stand-in: take the reference after restore (in main() or a deserialize \
         callback), or call the method through the object",
    ),
};

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

/// V8 10.2 leaves out of a snapshot-making context the builtins of its shipped "harmony"
/// features and adds them to every restored one, so a setup would see a world without
/// `Array.prototype.at` that neither a fresh run nor a restore has. Installed in a builder
/// before any setup: stand-ins by the specification's steps for the methods among them
/// (`Object.hasOwn`, `Array.prototype.at/findLast/findLastIndex` and their unscopables,
/// `String.prototype.at`, `%TypedArray%.prototype.at/findLast/findLastIndex`), removed when
/// the setup ends (V8 puts its own there after a restore). A reference to a stand-in the
/// setup kept is refused by path (`Fidelity::stand_ins`). `SharedArrayBuffer`, `Atomics` and
/// `WebAssembly` have no stand-in: a setup does not see them.
const STAND_INS_INSTALL: &str = r#"(function (g, define, describe, getProto, apply, ObjectCtor, NumberCtor, StringCtor, trunc, TypeErr, NativeWeakSet) {
  var weakAdd = NativeWeakSet.prototype.add, weakHas = NativeWeakSet.prototype.has;
  var standIns = new NativeWeakSet(), installed = [];
  var typedArrayProto = getProto(Uint8Array.prototype);
  var typedLength = describe(typedArrayProto, 'length').get;
  function toIntegerOrInfinity(n) { n = NumberCtor(n); return n !== n ? 0 : trunc(n); }
  function toLength(n) { n = toIntegerOrInfinity(n); return n < 0 ? 0 : n > 9007199254740991 ? 9007199254740991 : n; }
  function object(value, what) {
    if (value === null || value === undefined) throw new TypeErr(what + ' called on null or undefined');
    return ObjectCtor(value);
  }
  function lengthOf(o, typed) { return typed ? apply(typedLength, o, []) : toLength(o.length); }
  function at(typed) {
    return function (index) {
      var o = object(this, 'at'), len = lengthOf(o, typed), k = toIntegerOrInfinity(index);
      if (k < 0) k += len;
      return k < 0 || k >= len ? undefined : o[k];
    };
  }
  function findLast(typed, wantIndex) {
    return function (predicate, thisArg) {
      var o = object(this, 'findLast'), len = lengthOf(o, typed);
      if (typeof predicate !== 'function') throw new TypeErr(StringCtor(predicate) + ' is not a function');
      for (var k = len - 1; k >= 0; k--) {
        var value = o[k];
        if (apply(predicate, thisArg, [value, k, o])) return wantIndex ? k : value;
      }
      return wantIndex ? -1 : undefined;
    };
  }
  function stringAt(index) {
    var s = StringCtor(object(this, 'String.prototype.at')), len = s.length, k = toIntegerOrInfinity(index);
    if (k < 0) k += len;
    return k < 0 || k >= len ? undefined : s.charAt(k);
  }
  var hasOwnProperty = ObjectCtor.prototype.hasOwnProperty;
  function hasOwn(o, key) { return apply(hasOwnProperty, object(o, 'Object.hasOwn'), [key]); }
  function add(holder, key, fn, length) {
    if (describe(holder, key)) return;
    define(fn, 'name', { __proto__: null, value: key, configurable: true });
    define(fn, 'length', { __proto__: null, value: length, configurable: true });
    define(holder, key, { __proto__: null, value: fn, writable: true, enumerable: false, configurable: true });
    apply(weakAdd, standIns, [fn]);
    installed[installed.length] = [holder, key, fn];
  }
  add(ObjectCtor, 'hasOwn', hasOwn, 2);
  add(Array.prototype, 'at', at(false), 1);
  add(Array.prototype, 'findLast', findLast(false, false), 1);
  add(Array.prototype, 'findLastIndex', findLast(false, true), 1);
  add(StringCtor.prototype, 'at', stringAt, 1);
  add(typedArrayProto, 'at', at(true), 1);
  add(typedArrayProto, 'findLast', findLast(true, false), 1);
  add(typedArrayProto, 'findLastIndex', findLast(true, true), 1);
  // SharedArrayBuffer and Atomics: no stand-in can share memory, so a setup sees builtins
  // that say why they cannot work here (a fresh run and a restore have V8's own).
  function unavailable(name) {
    return function () {
      throw new TypeErr(name + ' is not available while building a V8 snapshot: V8 10.2 installs it only in ' +
        'restored contexts (capability SHARED_MEMORY is absent); use it after restore (in main() or a ' +
        'deserialize callback)');
    };
  }
  add(g, 'SharedArrayBuffer', unavailable('SharedArrayBuffer'), 1);
  if (!describe(g, 'Atomics')) {
    var atomics = ObjectCtor.create(ObjectCtor.prototype), atomicNames = ['add', 'and', 'compareExchange',
      'exchange', 'isLockFree', 'load', 'notify', 'or', 'store', 'sub', 'wait', 'xor'];
    for (var a = 0; a < atomicNames.length; a++) add(atomics, atomicNames[a], unavailable('Atomics.' + atomicNames[a]), 3);
    define(atomics, Symbol.toStringTag, { __proto__: null, value: 'Atomics', configurable: true });
    define(g, 'Atomics', { __proto__: null, value: atomics, writable: true, enumerable: false, configurable: true });
    apply(weakAdd, standIns, [atomics]);
    installed[installed.length] = [g, 'Atomics', atomics];
  }
  var unscopables = Array.prototype[Symbol.unscopables], unscopableKeys = ['at', 'findLast', 'findLastIndex'], addedUnscopables = [];
  for (var i = 0; i < unscopableKeys.length; i++) {
    if (!describe(unscopables, unscopableKeys[i])) {
      define(unscopables, unscopableKeys[i], { __proto__: null, value: true, writable: true, enumerable: true, configurable: true });
      addedUnscopables[addedUnscopables.length] = unscopableKeys[i];
    }
  }
  define(g, '__polysnap_stand_ins', { __proto__: null, value: {
    // When the setup ends: the stand-ins leave the builtins they sat on (V8 adds its own to
    // every restored context), where they still are.
    remove: function () {
      for (var i = 0; i < installed.length; i++) {
        var d = describe(installed[i][0], installed[i][1]);
        if (d && d.value === installed[i][2] && d.configurable) delete installed[i][0][installed[i][1]];
      }
      for (var j = 0; j < addedUnscopables.length; j++) {
        var u = describe(unscopables, addedUnscopables[j]);
        if (u && u.value === true && u.configurable) delete unscopables[addedUnscopables[j]];
      }
    },
    isStandIn: function (value) { return apply(weakHas, standIns, [value]); }
  } });
})(this, Object.defineProperty, Object.getOwnPropertyDescriptor, Object.getPrototypeOf, Reflect.apply, Object,
   Number, String, Math.trunc, TypeError, WeakSet)"#;

/// Run when the setup has ended: the stand-ins leave (see [`STAND_INS_INSTALL`]).
const STAND_INS_REMOVE: &str = "__polysnap_stand_ins.remove()";

/// Run when the setup has ended (see [`ERROR_LIMIT_INSTALL`]).
const ERROR_LIMIT_KEEP: &str = "__polysnap_v8_error_limit.keep()";

/// Run in a restored context (see [`ERROR_LIMIT_INSTALL`]); nothing in a snapshot made
/// without it.
const ERROR_LIMIT_PUT: &str =
    "typeof __polysnap_v8_error_limit === 'object' && (__polysnap_v8_error_limit.put(), true)";

impl snapshot_core::Builder for SnapshotBuilder {
    type A = V8;

    fn new(natives: &[&Native]) -> Result<Self, V8Error> {
        let mut builder = SnapshotBuilder::new(NativeSpec::functions(natives)?)?;
        builder.run_script("polysnap:v8-error-limit.js", ERROR_LIMIT_INSTALL)?;
        builder.run_script("polysnap:v8-stand-ins.js", STAND_INS_INSTALL)?;
        Ok(builder)
    }

    fn finish_setup(&mut self) -> Result<(), ScriptError> {
        SnapshotBuilder::run_script(self, "polysnap:v8-stand-ins", STAND_INS_REMOVE).map_err(script_error)?;
        SnapshotBuilder::run_script(self, "polysnap:v8-error-limit", ERROR_LIMIT_KEEP).map(drop).map_err(script_error)
    }

    fn capture(mut self, options: &CaptureOptions) -> Result<Captured, V8Error> {
        self.run_script("polysnap:v8-stand-ins", STAND_INS_REMOVE)?;
        self.run_script("polysnap:v8-error-limit", ERROR_LIMIT_KEEP)?;
        let contexts = self.context_names().to_vec();
        let (payload, warm_code) = match &options.warmup {
            Some((name, source)) => (self.build_warm(name, source)?, true),
            None => (self.build(CodeHandling::Clear)?, false),
        };
        let raw_len = payload.len() as u64;
        Ok(Captured { payload, encoding: PayloadEncoding::Raw, raw_len, warm_code, contexts, notes: Vec::new() })
    }

    fn add_context(&mut self, name: &str, scripts: &[(String, String)]) -> Result<(), ScriptError> {
        SnapshotBuilder::add_context(self, name, scripts).map_err(script_error)
    }

    fn run_module(&mut self, root: ModuleSource, loader: &mut dyn ModuleLoader) -> Result<(), ScriptError> {
        SnapshotBuilder::run_module(self, root, loader).map_err(script_error)
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
        Runtime::fresh(NativeSpec::functions(natives)?)
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
        let mut runtime = Runtime::from_blob(payload, NativeSpec::functions(natives)?)?;
        runtime.run_script("polysnap:v8-error-limit", ERROR_LIMIT_PUT)?;
        Ok(runtime)
    }

    fn enter_context(&mut self, name: Option<&str>) -> Result<(), ScriptError> {
        Runtime::enter_context(self, name).map_err(|e| Box::new(e) as ScriptError)
    }

    fn set_module_loader(&mut self, loader: Box<dyn ModuleLoader>) -> Result<(), ScriptError> {
        Runtime::set_module_loader(self, loader);
        Ok(())
    }

    fn run_module(&mut self, root: ModuleSource) -> Result<(), ScriptError> {
        Runtime::run_module(self, root).map_err(script_error)
    }

    fn module_namespace(&mut self, url: &str) -> Result<HostValue, ScriptError> {
        Runtime::module_namespace(self, url).map_err(script_error)
    }
}
