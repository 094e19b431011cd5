//! The safe layer over [`crate::sys`]: [`Value`], [`ContextHandle`], [`RuntimeHandle`] and
//! the methods of [`Jsrt`], each a checked JSRT call (a status other than `JsNoError`
//! becomes a [`ChakraError`], a pending script exception is taken and described).
//!
//! This module knows only `sys` and `error`. Where a JSRT call takes a host callback, the
//! method here takes the callback and its state as they are, as an `unsafe fn` whose
//! caller vouches for them (or, for the TTD stream callbacks, a [`TtdStreamCallbacks`]
//! whose maker did): each callback lives beside the concept it serves (`natives`, `jobs`,
//! `bytecode`, `streams`).
#![allow(unsafe_code)]

use std::ffi::c_void;

use crate::error::ChakraError;
use crate::sys::{
    JsContextRef, JsErrorCode, JsNativeFunction, JsPromiseContinuationCallback, JsPropertyIdRef, JsRuntimeHandle,
    JsSerializedLoadScriptCallback, JsSourceContext, JsTTDFlushAndCloseStreamCallback,
    JsTTDReadBytesFromStreamCallback, JsTTDWriteBytesToStreamCallback, JsValueRef, JsValueType, Jsrt,
    TTDOpenResourceStreamCallback, JS_PARSE_SCRIPT_ATTRIBUTE_NONE, JS_RUNTIME_ATTRIBUTE_DISABLE_BACKGROUND_WORK,
    JS_TTD_MOVE_NONE,
};

// ---------------------------------------------------------------------------------------
// Checked wrappers.
//
// Crate invariant (the reason the wrappers below can be safe functions):
// a `Value`, `ContextHandle` or `RuntimeHandle` is only ever made in this module from an
// engine output (or by `Value::from_raw` from a value the engine passed to a callback); it
// is used only on the thread that created its runtime, while that
// runtime is alive and one of its contexts is current; and a `Value` is either on the
// native stack (ChakraCore's recycler scans the stack and registers conservatively) or
// held with `JsAddRef`. `engine.rs` upholds this: values never leave the crate, every
// operation first makes its runtime's context current, and values kept on the heap
// (jobs, handles) are `JsAddRef`ed and released before the runtime is disposed.
// ---------------------------------------------------------------------------------------

/// A JavaScript value reference (crate-private; see the invariant above).
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Value(JsValueRef);

impl Value {
    /// The reference as a number (object identity within one runtime; the recycler does
    /// not move objects).
    pub(crate) fn addr(self) -> usize {
        self.0 as usize
    }

    /// The engine reference, to hand back to the engine from a callback.
    pub(crate) fn raw(self) -> JsValueRef {
        self.0
    }

    /// A value the engine passed to a callback.
    ///
    /// # Safety
    /// `raw` must be a live value of the runtime whose context is current, handed over by
    /// the engine during the callback that makes it, and kept as the invariant above says
    /// (on the stack, or with [`Jsrt::add_ref`]) once the callback returns.
    pub(crate) unsafe fn from_raw(raw: JsValueRef) -> Value {
        Value(raw)
    }

    /// The `count` values the engine passed to a callback at `values` (`&[]` when null or 0).
    ///
    /// # Safety
    /// `values` must be null or point to `count` live values, as [`Value::from_raw`] asks of
    /// one, that stay where they are for `'a`.
    pub(crate) unsafe fn slice_from_raw<'a>(values: *const JsValueRef, count: usize) -> &'a [Value] {
        if values.is_null() || count == 0 {
            &[]
        } else {
            // SAFETY: `count` live values at `values` (the caller's promise); `Value` is
            // `repr(transparent)` over `JsValueRef`.
            unsafe { std::slice::from_raw_parts(values.cast::<Value>(), count) }
        }
    }
}

/// A script context.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ContextHandle(JsContextRef);

/// A runtime.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct RuntimeHandle(JsRuntimeHandle);

/// The stream callbacks of a TTD record or replay runtime (`ChakraDebug.h`): where the
/// engine writes and reads its log, sources and snapshots.
#[derive(Clone, Copy)]
pub(crate) struct TtdStreamCallbacks {
    open: TTDOpenResourceStreamCallback,
    read: JsTTDReadBytesFromStreamCallback,
    write: JsTTDWriteBytesToStreamCallback,
    close: JsTTDFlushAndCloseStreamCallback,
}

impl TtdStreamCallbacks {
    /// The four callbacks of one stream implementation.
    ///
    /// # Safety
    /// Together they must keep the header's contract, from any thread that runs a runtime,
    /// for the rest of the process: `open` returns null or a handle that `read`, `write`
    /// and `close` accept until `close` is called with it (once); each reads and writes
    /// only the (pointer, length) pairs and out pointers the engine passes; none unwinds.
    pub(crate) const unsafe fn new(
        open: TTDOpenResourceStreamCallback,
        read: JsTTDReadBytesFromStreamCallback,
        write: JsTTDWriteBytesToStreamCallback,
        close: JsTTDFlushAndCloseStreamCallback,
    ) -> TtdStreamCallbacks {
        TtdStreamCallbacks { open, read, write, close }
    }
}

/// The thrown value, described for a [`ChakraError::Script`].
struct ExceptionText {
    message: String,
    stack: Option<String>,
}

impl Jsrt {
    /// Maps a status to a result; on a script exception, takes the pending exception.
    fn check(&self, call: &'static str, code: JsErrorCode) -> Result<(), ChakraError> {
        match code {
            JsErrorCode::NO_ERROR => Ok(()),
            JsErrorCode::SCRIPT_EXCEPTION | JsErrorCode::SCRIPT_COMPILE | JsErrorCode::IN_EXCEPTION_STATE => {
                let text = self.take_exception_text().unwrap_or_else(|| ExceptionText {
                    message: format!("(no exception value was pending; the engine returned {code})"),
                    stack: None,
                });
                Err(ChakraError::Script {
                    call,
                    compile: code == JsErrorCode::SCRIPT_COMPILE,
                    message: text.message,
                    stack: text.stack,
                })
            }
            code => Err(ChakraError::Engine { call, code }),
        }
    }

    /// Takes and clears the pending exception and describes it without letting a second
    /// exception (from a throwing `message` getter, say) escape.
    fn take_exception_text(&self) -> Option<ExceptionText> {
        let mut exception: JsValueRef = std::ptr::null_mut();
        // SAFETY: the out pointer is a valid local; the call needs only a current context.
        let code = unsafe { (self.JsGetAndClearException)(&mut exception) };
        if !code.is_ok() || exception.is_null() {
            return None;
        }
        let exception = Value(exception);
        let text = |v: Value| -> Option<String> {
            let r = self.to_display_string(v);
            if r.is_err() {
                self.clear_exception();
            }
            r.ok()
        };
        let field = |name: &str| -> Option<Value> {
            match self.get(exception, name) {
                Ok(v) if !matches!(self.value_type(v), Ok(JsValueType::UNDEFINED)) => Some(v),
                Ok(_) => None,
                Err(_) => {
                    self.clear_exception();
                    None
                }
            }
        };
        let is_object =
            matches!(self.value_type(exception), Ok(JsValueType::ERROR | JsValueType::OBJECT | JsValueType::FUNCTION));
        if is_object {
            let name = field("name").and_then(text);
            let message = field("message").and_then(text);
            let stack = field("stack").and_then(text);
            let message = match (name, message) {
                (Some(n), Some(m)) => format!("{n}: {m}"),
                (None, Some(m)) => m,
                _ => text(exception).unwrap_or_else(|| "(exception could not be converted to a string)".into()),
            };
            Some(ExceptionText { message, stack })
        } else {
            let message = text(exception).unwrap_or_else(|| "(exception could not be converted to a string)".into());
            Some(ExceptionText { message: format!("Uncaught {message}"), stack: None })
        }
    }

    /// Clears a pending exception, if any (used on error paths only).
    fn clear_exception(&self) {
        let mut exception: JsValueRef = std::ptr::null_mut();
        // SAFETY: valid out pointer; clearing a pending exception has no other effect.
        let _ = unsafe { (self.JsGetAndClearException)(&mut exception) };
    }

    // ----- runtimes and contexts -------------------------------------------------------

    /// `JsCreateRuntime` with background work disabled.
    pub(crate) fn create_runtime(&self) -> Result<RuntimeHandle, ChakraError> {
        let mut rt: JsRuntimeHandle = std::ptr::null_mut();
        // SAFETY: valid out pointer; no thread service callback.
        let code = unsafe { (self.JsCreateRuntime)(JS_RUNTIME_ATTRIBUTE_DISABLE_BACKGROUND_WORK, None, &mut rt) };
        self.check("JsCreateRuntime", code)?;
        Ok(RuntimeHandle(rt))
    }

    /// `JsTTDCreateRecordRuntime` per the proven recipe (snapshot interval 0, history 2),
    /// writing through `streams`.
    pub(crate) fn create_record_runtime(&self, streams: &TtdStreamCallbacks) -> Result<RuntimeHandle, ChakraError> {
        let mut rt: JsRuntimeHandle = std::ptr::null_mut();
        // SAFETY: the callbacks have the header's signatures and keep its contract for the
        // rest of the process (the promise of `TtdStreamCallbacks::new`); valid out pointer.
        let code = unsafe {
            (self.JsTTDCreateRecordRuntime)(
                JS_RUNTIME_ATTRIBUTE_DISABLE_BACKGROUND_WORK,
                false,
                0,
                2,
                streams.open,
                streams.write,
                streams.close,
                None,
                &mut rt,
            )
        };
        self.check("JsTTDCreateRecordRuntime", code)?;
        Ok(RuntimeHandle(rt))
    }

    /// `JsTTDCreateReplayRuntime` reading the log named by `uri` through `streams`.
    pub(crate) fn create_replay_runtime(
        &self,
        uri: &std::ffi::CStr,
        streams: &TtdStreamCallbacks,
    ) -> Result<RuntimeHandle, ChakraError> {
        let mut rt: JsRuntimeHandle = std::ptr::null_mut();
        let bytes = uri.to_bytes();
        // SAFETY: `uri` points to `bytes.len()` readable bytes (NUL-terminated as well);
        // the engine copies what it needs during the call (the caller also keeps `uri`
        // alive for the runtime's life). Callbacks as in `create_record_runtime`.
        let code = unsafe {
            (self.JsTTDCreateReplayRuntime)(
                JS_RUNTIME_ATTRIBUTE_DISABLE_BACKGROUND_WORK,
                uri.as_ptr(),
                bytes.len(),
                false,
                streams.open,
                streams.read,
                streams.close,
                None,
                &mut rt,
            )
        };
        self.check("JsTTDCreateReplayRuntime", code)?;
        Ok(RuntimeHandle(rt))
    }

    /// `JsDisposeRuntime`. The handle must not be used again.
    pub(crate) fn dispose_runtime(&self, rt: RuntimeHandle) -> Result<(), ChakraError> {
        // SAFETY: `rt` came from a create call and is disposed once (the owner forgets it).
        let code = unsafe { (self.JsDisposeRuntime)(rt.0) };
        self.check("JsDisposeRuntime", code)
    }

    /// `JsCollectGarbage`.
    pub(crate) fn collect_garbage(&self, rt: RuntimeHandle) -> Result<(), ChakraError> {
        // SAFETY: live runtime handle (crate invariant).
        let code = unsafe { (self.JsCollectGarbage)(rt.0) };
        self.check("JsCollectGarbage", code)
    }

    /// `JsGetRuntimeMemoryUsage`.
    pub(crate) fn memory_usage(&self, rt: RuntimeHandle) -> Result<usize, ChakraError> {
        let mut usage = 0usize;
        // SAFETY: live runtime handle, valid out pointer.
        let code = unsafe { (self.JsGetRuntimeMemoryUsage)(rt.0, &mut usage) };
        self.check("JsGetRuntimeMemoryUsage", code)?;
        Ok(usage)
    }

    /// `JsCreateContext`.
    pub(crate) fn create_context(&self, rt: RuntimeHandle) -> Result<ContextHandle, ChakraError> {
        let mut ctx: JsContextRef = std::ptr::null_mut();
        // SAFETY: live runtime handle, valid out pointer.
        let code = unsafe { (self.JsCreateContext)(rt.0, &mut ctx) };
        self.check("JsCreateContext", code)?;
        Ok(ContextHandle(ctx))
    }

    /// `JsTTDCreateContext(rt, true, ..)`.
    pub(crate) fn ttd_create_context(&self, rt: RuntimeHandle) -> Result<ContextHandle, ChakraError> {
        let mut ctx: JsContextRef = std::ptr::null_mut();
        // SAFETY: live TTD runtime handle, valid out pointer.
        let code = unsafe { (self.JsTTDCreateContext)(rt.0, true, &mut ctx) };
        self.check("JsTTDCreateContext", code)?;
        Ok(ContextHandle(ctx))
    }

    /// `JsSetCurrentContext`; `None` clears the thread's current context.
    pub(crate) fn set_current_context(&self, ctx: Option<ContextHandle>) -> Result<(), ChakraError> {
        let raw = ctx.map_or(std::ptr::null_mut(), |c| c.0);
        // SAFETY: `raw` is null or a live context of a live runtime (crate invariant).
        let code = unsafe { (self.JsSetCurrentContext)(raw) };
        self.check("JsSetCurrentContext", code)
    }

    /// `JsGetCurrentContext`.
    pub(crate) fn current_context(&self) -> Result<Option<ContextHandle>, ChakraError> {
        let mut ctx: JsContextRef = std::ptr::null_mut();
        // SAFETY: valid out pointer.
        let code = unsafe { (self.JsGetCurrentContext)(&mut ctx) };
        self.check("JsGetCurrentContext", code)?;
        Ok((!ctx.is_null()).then_some(ContextHandle(ctx)))
    }

    /// `JsTTDStart()`.
    pub(crate) fn ttd_start(&self) -> Result<(), ChakraError> {
        // SAFETY: no arguments; needs a current TTD context, which the engine checks.
        let code = unsafe { (self.JsTTDStart)() };
        self.check("JsTTDStart", code)
    }

    /// `JsTTDPauseTimeTravelBeforeRuntimeOperation()`.
    pub(crate) fn ttd_pause(&self) -> Result<(), ChakraError> {
        // SAFETY: no arguments; needs a current context, which the engine checks.
        let code = unsafe { (self.JsTTDPauseTimeTravelBeforeRuntimeOperation)() };
        self.check("JsTTDPauseTimeTravelBeforeRuntimeOperation", code)
    }

    /// `JsTTDGetSnapShotBoundInterval(rt, target, ..)` → `(start, end)`.
    pub(crate) fn ttd_snapshot_bounds(&self, rt: RuntimeHandle, target: i64) -> Result<(i64, i64), ChakraError> {
        let (mut start, mut end) = (0i64, 0i64);
        // SAFETY: live replay runtime, valid out pointers.
        let code = unsafe { (self.JsTTDGetSnapShotBoundInterval)(rt.0, target, &mut start, &mut end) };
        self.check("JsTTDGetSnapShotBoundInterval", code)?;
        Ok((start, end))
    }

    /// `JsTTDPreExecuteSnapShotInterval(rt, start, end, JsTTDMoveNone, ..)`: inflates.
    pub(crate) fn ttd_pre_execute(&self, rt: RuntimeHandle, start: i64, end: i64) -> Result<i64, ChakraError> {
        let mut target = 0i64;
        // SAFETY: live replay runtime, valid out pointer.
        let code = unsafe { (self.JsTTDPreExecuteSnapShotInterval)(rt.0, start, end, JS_TTD_MOVE_NONE, &mut target) };
        self.check("JsTTDPreExecuteSnapShotInterval", code)?;
        Ok(target)
    }

    /// `JsSetPromiseContinuationCallback(callback, state)` for the current context's runtime.
    ///
    /// # Safety
    /// `callback` must keep the header's contract and not unwind, and `state` must stay
    /// valid for every use `callback` makes of it until the runtime is disposed or the
    /// callback replaced.
    pub(crate) unsafe fn set_promise_continuation(
        &self,
        callback: JsPromiseContinuationCallback,
        state: *mut c_void,
    ) -> Result<(), ChakraError> {
        // SAFETY: a callback and state the engine may use until disposal (the caller's
        // promise).
        let code = unsafe { (self.JsSetPromiseContinuationCallback)(Some(callback), state) };
        self.check("JsSetPromiseContinuationCallback", code)
    }

    // ----- values ------------------------------------------------------------------------

    /// `JsAddRef`: keeps `v` alive while it is held off the stack.
    pub(crate) fn add_ref(&self, v: Value) -> Result<(), ChakraError> {
        // SAFETY: live value (crate invariant); null count pointer is allowed.
        let code = unsafe { (self.JsAddRef)(v.0, std::ptr::null_mut()) };
        self.check("JsAddRef", code)
    }

    /// `JsRelease`: undoes one [`Jsrt::add_ref`].
    pub(crate) fn release(&self, v: Value) -> Result<(), ChakraError> {
        // SAFETY: `v` was add_ref'd by the caller and is released once.
        let code = unsafe { (self.JsRelease)(v.0, std::ptr::null_mut()) };
        self.check("JsRelease", code)
    }

    /// Calls `call` with a null out pointer for a value, checks its code as `api`'s and
    /// returns the value it wrote.
    fn out_value(
        &self,
        api: &'static str,
        call: impl FnOnce(*mut JsValueRef) -> JsErrorCode,
    ) -> Result<Value, ChakraError> {
        let mut v: JsValueRef = std::ptr::null_mut();
        let code = call(&mut v);
        self.check(api, code)?;
        Ok(Value(v))
    }

    /// The current context's global object.
    pub(crate) fn global(&self) -> Result<Value, ChakraError> {
        // SAFETY: valid out pointer.
        self.out_value("JsGetGlobalObject", |out| unsafe { (self.JsGetGlobalObject)(out) })
    }

    /// `undefined`.
    pub(crate) fn undefined(&self) -> Result<Value, ChakraError> {
        // SAFETY: valid out pointer.
        self.out_value("JsGetUndefinedValue", |out| unsafe { (self.JsGetUndefinedValue)(out) })
    }

    /// `null`.
    pub(crate) fn null(&self) -> Result<Value, ChakraError> {
        // SAFETY: valid out pointer.
        self.out_value("JsGetNullValue", |out| unsafe { (self.JsGetNullValue)(out) })
    }

    /// A boolean.
    pub(crate) fn boolean(&self, b: bool) -> Result<Value, ChakraError> {
        // SAFETY: valid out pointer.
        self.out_value("JsBoolToBoolean", |out| unsafe { (self.JsBoolToBoolean)(b, out) })
    }

    /// A number.
    pub(crate) fn number(&self, d: f64) -> Result<Value, ChakraError> {
        // SAFETY: valid out pointer.
        self.out_value("JsDoubleToNumber", |out| unsafe { (self.JsDoubleToNumber)(d, out) })
    }

    /// A string from UTF-8.
    pub(crate) fn string(&self, s: &str) -> Result<Value, ChakraError> {
        // SAFETY: `s` is `s.len()` readable bytes of UTF-8; valid out pointer.
        self.out_value("JsCreateString", |out| unsafe { (self.JsCreateString)(s.as_ptr().cast(), s.len(), out) })
    }

    /// `JsGetValueType`.
    pub(crate) fn value_type(&self, v: Value) -> Result<JsValueType, ChakraError> {
        let mut t = JsValueType::default();
        // SAFETY: live value, valid out pointer.
        let code = unsafe { (self.JsGetValueType)(v.0, &mut t) };
        self.check("JsGetValueType", code)?;
        Ok(t)
    }

    /// A JS boolean's value.
    pub(crate) fn to_bool(&self, v: Value) -> Result<bool, ChakraError> {
        let mut b = false;
        // SAFETY: live value, valid out pointer; the engine checks the type.
        let code = unsafe { (self.JsBooleanToBool)(v.0, &mut b) };
        self.check("JsBooleanToBool", code)?;
        Ok(b)
    }

    /// A JS number's value.
    pub(crate) fn to_f64(&self, v: Value) -> Result<f64, ChakraError> {
        let mut d = 0f64;
        // SAFETY: live value, valid out pointer; the engine checks the type.
        let code = unsafe { (self.JsNumberToDouble)(v.0, &mut d) };
        self.check("JsNumberToDouble", code)?;
        Ok(d)
    }

    /// A JS string's contents (lone surrogates become U+FFFD).
    pub(crate) fn read_string(&self, v: Value) -> Result<String, ChakraError> {
        let mut len = 0i32;
        // SAFETY: live value, valid out pointer; the engine checks it is a string.
        let code = unsafe { (self.JsGetStringLength)(v.0, &mut len) };
        self.check("JsGetStringLength", code)?;
        let mut buf = vec![0u16; usize::try_from(len).unwrap_or(0)];
        let mut written = 0usize;
        // SAFETY: `buf` has room for `len` UTF-16 units; valid out pointer.
        let code = unsafe { (self.JsCopyStringUtf16)(v.0, 0, len, buf.as_mut_ptr(), &mut written) };
        self.check("JsCopyStringUtf16", code)?;
        buf.truncate(written.min(buf.len()));
        Ok(String::from_utf16_lossy(&buf))
    }

    /// `String(v)` (may run `toString` and throw).
    pub(crate) fn to_display_string(&self, v: Value) -> Result<String, ChakraError> {
        if self.value_type(v)? == JsValueType::STRING {
            return self.read_string(v);
        }
        if self.value_type(v)? == JsValueType::SYMBOL {
            return Ok("Symbol()".into());
        }
        let mut s: JsValueRef = std::ptr::null_mut();
        // SAFETY: live value, valid out pointer.
        let code = unsafe { (self.JsConvertValueToString)(v.0, &mut s) };
        self.check("JsConvertValueToString", code)?;
        self.read_string(Value(s))
    }

    fn property_id(&self, name: &str) -> Result<JsPropertyIdRef, ChakraError> {
        let mut id: JsPropertyIdRef = std::ptr::null_mut();
        // SAFETY: `name` is `name.len()` readable UTF-8 bytes; valid out pointer.
        let code = unsafe { (self.JsCreatePropertyId)(name.as_ptr().cast(), name.len(), &mut id) };
        self.check("JsCreatePropertyId", code)?;
        Ok(id)
    }

    /// `object[name]` (runs getters).
    pub(crate) fn get(&self, object: Value, name: &str) -> Result<Value, ChakraError> {
        let id = self.property_id(name)?;
        // SAFETY: live object and property id, valid out pointer.
        self.out_value("JsGetProperty", |out| unsafe { (self.JsGetProperty)(object.0, id, out) })
    }

    /// `object[name] = value` (strict: fails on a read-only property).
    pub(crate) fn set(&self, object: Value, name: &str, value: Value) -> Result<(), ChakraError> {
        let id = self.property_id(name)?;
        // SAFETY: live object, id and value.
        let code = unsafe { (self.JsSetProperty)(object.0, id, value.0, true) };
        self.check("JsSetProperty", code)
    }

    /// `object[index]`.
    pub(crate) fn get_index(&self, object: Value, index: u32) -> Result<Value, ChakraError> {
        let i = self.number(f64::from(index))?;
        // SAFETY: live object and index value, valid out pointer.
        self.out_value("JsGetIndexedProperty", |out| unsafe { (self.JsGetIndexedProperty)(object.0, i.0, out) })
    }

    /// `object[index] = value`.
    pub(crate) fn set_index(&self, object: Value, index: u32, value: Value) -> Result<(), ChakraError> {
        let i = self.number(f64::from(index))?;
        // SAFETY: live object, index and value.
        let code = unsafe { (self.JsSetIndexedProperty)(object.0, i.0, value.0) };
        self.check("JsSetIndexedProperty", code)
    }

    /// The own string-keyed property names of `object`, enumerable or not.
    pub(crate) fn own_property_names(&self, object: Value) -> Result<Vec<String>, ChakraError> {
        let mut names: JsValueRef = std::ptr::null_mut();
        // SAFETY: live object, valid out pointer.
        let code = unsafe { (self.JsGetOwnPropertyNames)(object.0, &mut names) };
        self.check("JsGetOwnPropertyNames", code)?;
        let names = Value(names);
        let len = self.to_f64(self.get(names, "length")?)? as u32;
        (0..len).map(|i| self.get_index(names, i).and_then(|n| self.to_display_string(n))).collect()
    }

    /// Whether `object` has an own enumerable property `name`.
    pub(crate) fn is_own_enumerable(&self, object: Value, name: &str) -> Result<bool, ChakraError> {
        let id = self.property_id(name)?;
        let mut d: JsValueRef = std::ptr::null_mut();
        // SAFETY: live object and id, valid out pointer.
        let code = unsafe { (self.JsGetOwnPropertyDescriptor)(object.0, id, &mut d) };
        self.check("JsGetOwnPropertyDescriptor", code)?;
        let d = Value(d);
        if self.value_type(d)? != JsValueType::OBJECT {
            return Ok(false);
        }
        let e = self.get(d, "enumerable")?;
        Ok(self.value_type(e)? == JsValueType::BOOLEAN && self.to_bool(e)?)
    }

    /// `Object.getPrototypeOf(object)`.
    pub(crate) fn prototype(&self, object: Value) -> Result<Value, ChakraError> {
        // SAFETY: live object, valid out pointer.
        self.out_value("JsGetPrototype", |out| unsafe { (self.JsGetPrototype)(object.0, out) })
    }

    /// `a === b`.
    pub(crate) fn strict_equals(&self, a: Value, b: Value) -> Result<bool, ChakraError> {
        let mut r = false;
        // SAFETY: live values, valid out pointer.
        let code = unsafe { (self.JsStrictEquals)(a.0, b.0, &mut r) };
        self.check("JsStrictEquals", code)?;
        Ok(r)
    }

    /// `{}`.
    pub(crate) fn create_object(&self) -> Result<Value, ChakraError> {
        // SAFETY: valid out pointer.
        self.out_value("JsCreateObject", |out| unsafe { (self.JsCreateObject)(out) })
    }

    /// `new Array(len)`.
    pub(crate) fn create_array(&self, len: u32) -> Result<Value, ChakraError> {
        // SAFETY: valid out pointer.
        self.out_value("JsCreateArray", |out| unsafe { (self.JsCreateArray)(len, out) })
    }

    /// A new `ArrayBuffer` holding a copy of `bytes`.
    pub(crate) fn create_array_buffer(&self, bytes: &[u8]) -> Result<Value, ChakraError> {
        let len = u32::try_from(bytes.len()).map_err(|_| ChakraError::Conversion {
            expected: "at most 4 GiB - 1 bytes for an ArrayBuffer",
            found: format!("{} bytes", bytes.len()),
        })?;
        let mut v: JsValueRef = std::ptr::null_mut();
        // SAFETY: valid out pointer.
        let code = unsafe { (self.JsCreateArrayBuffer)(len, &mut v) };
        self.check("JsCreateArrayBuffer", code)?;
        let (data, got) = self.storage("JsGetArrayBufferStorage", Value(v), self.JsGetArrayBufferStorage)?;
        if !bytes.is_empty() {
            if data.is_null() || (got as usize) < bytes.len() {
                return Err(ChakraError::Conversion {
                    expected: "an ArrayBuffer with storage for the bytes",
                    found: format!("{got} bytes of storage"),
                });
            }
            // SAFETY: `data` points to `got >= bytes.len()` writable bytes owned by the new
            // buffer, which is on the stack (alive); no engine call runs in between.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len()) };
        }
        Ok(Value(v))
    }

    fn storage(
        &self,
        call: &'static str,
        v: Value,
        f: unsafe extern "C" fn(JsValueRef, *mut *mut u8, *mut u32) -> JsErrorCode,
    ) -> Result<(*mut u8, u32), ChakraError> {
        let mut data: *mut u8 = std::ptr::null_mut();
        let mut len = 0u32;
        // SAFETY: `f` is one of the table's storage getters, live value, valid out pointers.
        let code = unsafe { f(v.0, &mut data, &mut len) };
        self.check(call, code)?;
        Ok((data, len))
    }

    fn copy_out(data: *mut u8, len: u32) -> Vec<u8> {
        if data.is_null() || len == 0 {
            return Vec::new();
        }
        // SAFETY: the engine just reported `len` readable bytes at `data`; we copy them
        // before any other engine call can move or free the storage.
        unsafe { std::slice::from_raw_parts(data, len as usize) }.to_vec()
    }

    /// A copy of an `ArrayBuffer`'s bytes.
    pub(crate) fn array_buffer_bytes(&self, v: Value) -> Result<Vec<u8>, ChakraError> {
        let (d, l) = self.storage("JsGetArrayBufferStorage", v, self.JsGetArrayBufferStorage)?;
        Ok(Self::copy_out(d, l))
    }

    /// A copy of a `DataView`'s bytes.
    pub(crate) fn data_view_bytes(&self, v: Value) -> Result<Vec<u8>, ChakraError> {
        let (d, l) = self.storage("JsGetDataViewStorage", v, self.JsGetDataViewStorage)?;
        Ok(Self::copy_out(d, l))
    }

    /// A copy of the bytes a typed array views.
    pub(crate) fn typed_array_bytes(&self, v: Value) -> Result<Vec<u8>, ChakraError> {
        let mut data: *mut u8 = std::ptr::null_mut();
        let mut len = 0u32;
        let mut ty = 0u32;
        let mut elem = 0i32;
        // SAFETY: live value, valid out pointers.
        let code = unsafe { (self.JsGetTypedArrayStorage)(v.0, &mut data, &mut len, &mut ty, &mut elem) };
        self.check("JsGetTypedArrayStorage", code)?;
        Ok(Self::copy_out(data, len))
    }

    /// `function.call(this, ...args)`.
    pub(crate) fn call(&self, function: Value, this: Value, args: &[Value]) -> Result<Value, ChakraError> {
        let mut all: Vec<JsValueRef> = Vec::with_capacity(args.len() + 1);
        all.push(this.0);
        all.extend(args.iter().map(|a| a.0));
        let count = u16::try_from(all.len()).map_err(|_| ChakraError::Conversion {
            expected: "at most 65534 call arguments",
            found: format!("{}", args.len()),
        })?;
        // SAFETY: `all` holds `count` live values (they are also held by the caller on the
        // stack, so the recycler sees them); valid out pointer.
        self.out_value("JsCallFunction", |out| unsafe {
            (self.JsCallFunction)(function.0, all.as_mut_ptr(), count, out)
        })
    }

    /// `JsCreateNamedFunction`: a function named `name` that calls `native` with `state`.
    ///
    /// # Safety
    /// `native` must keep the header's `JsNativeFunction` contract and not unwind, and
    /// `state` must stay valid for every use `native` makes of it until the runtime is
    /// disposed (the engine may call the function at any time until then).
    pub(crate) unsafe fn create_native_function(
        &self,
        name: &str,
        native: JsNativeFunction,
        state: *mut c_void,
    ) -> Result<Value, ChakraError> {
        let name = self.string(name)?;
        // SAFETY: live name string; a callback and state the engine may use until disposal
        // (the caller's promise); valid out pointer.
        self.out_value("JsCreateNamedFunction", |out| unsafe {
            (self.JsCreateNamedFunction)(name.0, native, state, out)
        })
    }

    /// Throws `new Error(message)` into the engine (from inside a native call).
    pub(crate) fn throw_error(&self, message: &str) {
        let Ok(msg) = self.string(message) else { return };
        let mut e: JsValueRef = std::ptr::null_mut();
        // SAFETY: live message string, valid out pointer.
        let code = unsafe { (self.JsCreateError)(msg.0, &mut e) };
        if code.is_ok() {
            // SAFETY: `e` is the live error just created.
            let _ = unsafe { (self.JsSetException)(e) };
        }
    }

    /// `JsCreateExternalArrayBuffer` over `bytes` (no copy, no finalizer).
    ///
    /// # Safety
    /// `bytes` must stay where they are, unchanged, until the runtime is disposed (the
    /// engine may keep pointers into them as long as it likes), and the buffer must only be
    /// handed to calls that read it (`JsSerialize`, `JsRunSerialized`), never to a script.
    pub(crate) unsafe fn external_array_buffer(&self, bytes: &[u8]) -> Result<Value, ChakraError> {
        let len = u32::try_from(bytes.len()).map_err(|_| ChakraError::Conversion {
            expected: "at most 4 GiB - 1 bytes for an ArrayBuffer",
            found: format!("{} bytes", bytes.len()),
        })?;
        let mut v: JsValueRef = std::ptr::null_mut();
        // SAFETY: `bytes` are `len` readable bytes that outlive the buffer and every engine
        // pointer into them, and the engine only reads them (the caller's promise). No
        // finalizer; valid out pointer.
        let code = unsafe {
            (self.JsCreateExternalArrayBuffer)(bytes.as_ptr() as *mut c_void, len, None, std::ptr::null_mut(), &mut v)
        };
        self.check("JsCreateExternalArrayBuffer", code)?;
        Ok(Value(v))
    }

    /// `JsSerialize` of `script` (a string, or an `ArrayBuffer` of UTF-8): parses without
    /// running and returns a copy of the bytecode. The parsed script stays in the runtime
    /// and keeps pointing at the script's bytes.
    pub(crate) fn serialize(&self, script: Value) -> Result<Vec<u8>, ChakraError> {
        let mut buffer: JsValueRef = std::ptr::null_mut();
        // SAFETY: `script` is a live value (the engine checks its type; attribute none =
        // UTF-8); valid out pointer.
        let code = unsafe { (self.JsSerialize)(script.0, &mut buffer, JS_PARSE_SCRIPT_ATTRIBUTE_NONE) };
        self.check("JsSerialize", code)?;
        self.array_buffer_bytes(Value(buffer))
    }

    /// `JsRunSerialized` of the bytecode in `buffer`, named `url`, whose source `load_source`
    /// supplies on demand with `source_context` as its cookie.
    ///
    /// # Safety
    /// `buffer` must be an `ArrayBuffer` holding bytecode that `JsSerialize` of this exact
    /// library build made, complete and undamaged (ChakraCore checks only its header and
    /// follows the offsets in its body). `load_source` must keep the header's
    /// `JsSerializedLoadScriptCallback` contract and not unwind, and `source_context` must
    /// stay valid for every use `load_source` makes of it until the runtime is disposed (the
    /// engine may ask for the source at any time until then).
    pub(crate) unsafe fn run_serialized(
        &self,
        buffer: Value,
        load_source: JsSerializedLoadScriptCallback,
        source_context: JsSourceContext,
        url: &str,
    ) -> Result<Value, ChakraError> {
        let url = self.string(url)?;
        // SAFETY: `buffer` and `url` are live values on the stack; the bytecode is intact
        // and from this build, and the callback and cookie usable until disposal (the
        // caller's promises). Valid out pointer.
        self.out_value("JsRunSerialized", |out| unsafe {
            (self.JsRunSerialized)(buffer.0, load_source, source_context, url.0, out)
        })
    }

    /// `JsRun` of `source` (from a string, as TTD needs) named `url`.
    pub(crate) fn run(&self, source: &str, source_context: usize, url: &str) -> Result<Value, ChakraError> {
        let script = self.string(source)?;
        let url = self.string(url)?;
        // SAFETY: live script and url strings, valid out pointer.
        self.out_value("JsRun", |out| unsafe {
            (self.JsRun)(script.0, source_context, url.0, JS_PARSE_SCRIPT_ATTRIBUTE_NONE, out)
        })
    }
}
