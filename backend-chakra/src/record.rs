//! Capture: a TTD record runtime whose heap, after the setup scripts ran, is written as a
//! snapshot into memory.

use snapshot_core::HostValue;

use crate::engine::Engine;
use crate::error::ChakraError;
use crate::integrity::ARRAY_INTEGRITY;
use crate::jsrt::Value;
use crate::library::Library;
use crate::natives::NativeSpec;
use crate::payload::TtdPayload;
use crate::streams::MemoryStore;
use crate::sys::JsValueType;

/// Removes the TTD-only globals (`emitTTDLog`, `telemetryLog`, `enabledDiagnosticsTrace`)
/// so scripts see the same global object as in a plain runtime, and hands `emitTTDLog`
/// to the host.
pub(crate) const HIDE_TTD_GLOBALS: &str = r#"(function (g) {
  var emit = g.emitTTDLog;
  delete g.emitTTDLog;
  delete g.telemetryLog;
  delete g.enabledDiagnosticsTrace;
  return emit;
})(this)"#;

/// Installs `__polysnap_stand_ins` (`add(f)`, `isStandIn(value)`): the functions that stand
/// in for builtins while a setup is recorded (see [`ARRAY_INTEGRITY`], [`PROMISE_FINALLY`]).
/// The builtins are the engine's own again before capture, so a reference a setup kept to a
/// stand-in would not be `===` to the builtin after restore: `make` refuses it by path.
pub(crate) const STAND_INS: &str = r#"(function (g, define) {
  var standIns = Object.create(null), count = 0;
  define(g, '__polysnap_stand_ins', { __proto__: null, value: {
    add: function (f) { standIns[count++] = f; },
    isStandIn: function (value) {
      for (var i = 0; i < count; i++) if (standIns[i] === value) return true;
      return false;
    }
  } });
})(this, Object.defineProperty)"#;

/// TTD cannot inflate the reaction jobs the engine's own `Promise.prototype.finally` leaves
/// on a promise still pending at capture (the restore dies: "We probably forgot to update
/// the vtable with a tag we added. Tag is [5]"). So while a setup is recorded, `finally` is
/// the specification's own steps in JavaScript (SpeciesConstructor, then `then` with
/// thenFinally/catchFinally closures, which TTD keeps); the engine's function is put back
/// before the snapshot, where ours still is. Returns the function that puts it back.
pub(crate) const PROMISE_FINALLY: &str = r#"(function (P, R) {
  var nativeFinally = P.prototype['finally'], species = Symbol.species, defineProperty = R.defineProperty;
  function isConstructor(f) {
    if (typeof f !== 'function') return false;
    try { R.construct(String, [], f); return true; } catch (e) { return false; }
  }
  function speciesConstructor(o) {
    var C = o.constructor;
    if (C === undefined) return P;
    if (typeof C !== 'object' && typeof C !== 'function') throw new TypeError("The promise's constructor is not an object");
    var S = C[species];
    if (S === undefined || S === null) return P;
    if (isConstructor(S)) return S;
    throw new TypeError("The promise's constructor[Symbol.species] is not a constructor");
  }
  function promiseResolve(C, x) {
    if (x instanceof P && x.constructor === C) return x;
    return new C(function (resolve) { resolve(x); });
  }
  // ChakraCore 1.11 does not parse `finally` as a method name: named by hand.
  var finallyFn = function (onFinally) {
    var promise = this;
    if (typeof promise !== 'object' && typeof promise !== 'function' || promise === null) {
      throw new TypeError("Promise.prototype.finally: 'this' is not an Object");
    }
    var C = speciesConstructor(promise), thenFinally = onFinally, catchFinally = onFinally;
    if (typeof onFinally === 'function') {
      thenFinally = function (value) { return promiseResolve(C, onFinally()).then(function () { return value; }); };
      catchFinally = function (reason) { return promiseResolve(C, onFinally()).then(function () { throw reason; }); };
    }
    return promise.then(thenFinally, catchFinally);
  };
  defineProperty(finallyFn, 'name', { __proto__: null, value: 'finally', configurable: true });
  if (typeof nativeFinally !== 'function') return function () {};
  defineProperty(P.prototype, 'finally', { __proto__: null, value: finallyFn });
  __polysnap_stand_ins.add(finallyFn);
  return function () {
    if (P.prototype['finally'] === finallyFn) defineProperty(P.prototype, 'finally', { __proto__: null, value: nativeFinally });
  };
})(Promise, Reflect)"#;

/// A runtime recording setup scripts, to be captured as a snapshot.
///
/// Recipe (verified on the pyChakraCore 0.2.0 build): `JsTTDCreateRecordRuntime(0x1,
/// false, 0, 2, ...)`, `JsTTDCreateContext(rt, true)`, natives installed as trampolines,
/// setup run with `JsRun` from source; [`Recorder::capture`] then calls `JsTTDStart()`
/// (which takes the snapshot) and `emitTTDLog(uri)`, which writes the log, the sources
/// and the snapshot through the in-memory stream callbacks.
pub struct Recorder {
    engine: Engine,
    emit: Option<Value>,
    /// Puts the engine's own `Object.freeze`/`Object.seal` back (see [`ARRAY_INTEGRITY`]).
    restore_integrity: Option<Value>,
    /// Puts the engine's own `Promise.prototype.finally` back (see [`PROMISE_FINALLY`]).
    restore_finally: Option<Value>,
    captured: bool,
}

impl Recorder {
    /// Creates the record runtime and installs `natives` (as trampolines only).
    pub fn new(lib: &Library, natives: Vec<NativeSpec>) -> Result<Recorder, ChakraError> {
        let jsrt = lib.jsrt().clone();
        let rt = jsrt.create_record_runtime(&crate::streams::CALLBACKS)?;
        let mut recorder = Recorder {
            engine: Engine::new(jsrt.clone(), rt),
            emit: None,
            restore_integrity: None,
            restore_finally: None,
            captured: false,
        };
        let ctx = jsrt.ttd_create_context(rt)?;
        recorder.engine.set_context(ctx)?;
        recorder.engine.install_promise_callback()?;
        let emit = recorder.engine.run_raw("polysnap:ttd-globals.js", HIDE_TTD_GLOBALS)?;
        if jsrt.value_type(emit)? != JsValueType::FUNCTION {
            return Err(ChakraError::Ttd {
                step: "record",
                detail: "expected the TTD global `emitTTDLog` in a record runtime, found none; \
                         the library was built without TTD"
                    .into(),
            });
        }
        jsrt.add_ref(emit)?;
        recorder.emit = Some(emit);
        recorder.engine.run_raw("polysnap:stand-ins.js", STAND_INS)?;
        let restore_integrity = recorder.engine.run_raw("polysnap:array-integrity.js", ARRAY_INTEGRITY)?;
        jsrt.add_ref(restore_integrity)?;
        recorder.restore_integrity = Some(restore_integrity);
        let restore_finally = recorder.engine.run_raw("polysnap:promise-finally.js", PROMISE_FINALLY)?;
        jsrt.add_ref(restore_finally)?;
        recorder.restore_finally = Some(restore_finally);
        recorder.engine.run_raw("polysnap:regexp-statics.js", crate::regexp_statics::INSTALL)?;
        recorder.engine.run_raw("polysnap:exact-numbers.js", crate::exact_numbers::INSTALL)?;
        recorder.engine.install_natives(natives)?;
        Ok(recorder)
    }

    /// Runs a setup script from source, drains promise jobs, returns the completion value.
    pub fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, ChakraError> {
        self.engine.run(name, source)
    }

    /// Evaluates `source` as a script named `polysnap:eval` (see [`Recorder::run_script`]).
    pub fn eval(&mut self, source: &str) -> Result<HostValue, ChakraError> {
        self.engine.run("polysnap:eval", source)
    }

    /// The engine's heap size in bytes.
    pub fn memory_usage(&self) -> Result<usize, ChakraError> {
        self.engine.memory_usage()
    }

    /// Drains promise jobs and puts the engine's own `Object.freeze`/`Object.seal` and
    /// `Promise.prototype.finally` back (see `ARRAY_INTEGRITY` and `PROMISE_FINALLY`): the
    /// heap is now as it will be captured.
    pub fn finish_setup(&mut self) -> Result<(), ChakraError> {
        self.engine.drain_jobs()?;
        for restore in [self.restore_integrity, self.restore_finally].into_iter().flatten() {
            let undefined = self.engine.jsrt.undefined()?;
            self.engine.jsrt.call(restore, undefined, &[])?;
        }
        Ok(())
    }

    /// Takes the snapshot: `JsTTDStart()` then `emitTTDLog(uri)` into memory. Just before
    /// `JsTTDStart` the wrap door is reopened so that the inflated heap's host can connect
    /// (see [`natives`](crate::natives)); it is closed again right after.
    ///
    /// Can be called once; the recorder should be dropped afterwards (scripts run after
    /// the capture are recorded as TTD events that the snapshot does not contain).
    pub fn capture(&mut self) -> Result<TtdPayload, ChakraError> {
        if self.captured {
            return Err(ChakraError::Usage(
                "Recorder::capture was already called; a recorder captures once — create a new \
                 Recorder for another snapshot"
                    .into(),
            ));
        }
        let emit = self.emit.ok_or_else(|| ChakraError::Usage("recorder has no emitTTDLog".into()))?;
        self.finish_setup()?;
        let statics = match self.engine.run("polysnap:regexp-statics", crate::regexp_statics::CAPTURE)? {
            HostValue::String(statics) => statics,
            _ => "null".to_owned(),
        };
        match self.engine.run("polysnap:exact-numbers", crate::exact_numbers::PREPARE)? {
            HostValue::String(refused) if refused.is_empty() => {}
            HostValue::String(refused) => return Err(ChakraError::HugeNumbers { paths: refused }),
            other => {
                return Err(ChakraError::Ttd {
                    step: "capture",
                    detail: format!("the exact-numbers table completed with {other:?}, expected a string"),
                })
            }
        }
        let jsrt = &self.engine.jsrt;
        let store = MemoryStore::new();
        // The snapshot must hold the wrap door open for the inflated heap's host; no
        // script runs between this and `JsTTDStart`.
        self.engine.reopen_wrap_door()?;
        if let Err(e) = jsrt.ttd_start() {
            // No snapshot was taken: scripts may run again, so the door must not stay open.
            let _ = self.engine.close_wrap_door();
            return Err(e);
        }
        self.captured = true;
        let undefined = jsrt.undefined()?;
        let uri = jsrt.string(store.uri_str())?;
        let written = jsrt.call(emit, undefined, &[uri]);
        // Closed again at once, whatever `emitTTDLog` did: scripts may still run here.
        self.engine.close_wrap_door()?;
        let written = written?;
        self.engine.run("polysnap:exact-numbers", crate::exact_numbers::PUT_BACK)?;
        let ok = jsrt.value_type(written)? == JsValueType::BOOLEAN && jsrt.to_bool(written)?;
        let mut files = store.take_files();
        files.push((crate::regexp_statics::FILE.to_owned(), statics.into_bytes().into()));
        let problems = store.problems();
        if !ok {
            return Err(ChakraError::Ttd {
                step: "capture",
                detail: "emitTTDLog returned false: the runtime is not recording".into(),
            });
        }
        let has_log = files.iter().any(|(n, _)| n == "ttdlog.log");
        let has_snap = files.iter().any(|(n, _)| n.starts_with("snap_") && n.ends_with(".snp"));
        if !has_log || !has_snap || !problems.is_empty() {
            return Err(ChakraError::Ttd {
                step: "capture",
                detail: format!(
                    "expected ttdlog.log and a snap_N.snp, found {:?}; stream problems: {:?}",
                    files.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
                    problems
                ),
            });
        }
        Ok(TtdPayload { files })
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        for held in [self.emit.take(), self.restore_integrity.take(), self.restore_finally.take()].into_iter().flatten()
        {
            if self.engine.enter().is_ok() {
                let _ = self.engine.jsrt.release(held);
            }
        }
    }
}
