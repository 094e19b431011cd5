//! The checked wrappers over [`crate::sys`] (`Value`, `ContextHandle`, `RuntimeHandle`
//! and the methods of [`Jsrt`]) and the callbacks the engine calls.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_void};

use snapshot_core::SharedBytes;

use crate::error::ChakraError;
use crate::sys::{
    JsContextRef, JsErrorCode, JsPropertyIdRef, JsRuntimeHandle, JsSourceContext, JsTTDStreamHandle, JsValueRef,
    JsValueType, Jsrt, JS_PARSE_SCRIPT_ATTRIBUTE_NONE, JS_RUNTIME_ATTRIBUTE_DISABLE_BACKGROUND_WORK, JS_TTD_MOVE_NONE,
};

// ---------------------------------------------------------------------------------------
// Checked wrappers.
//
// Crate invariant (the reason the wrappers below can be safe functions):
// a `Value`, `ContextHandle` or `RuntimeHandle` is only ever made in this module from an
// engine output; it is used only on the thread that created its runtime, while that
// runtime is alive and one of its contexts is current; and a `Value` is either on the
// native stack (ChakraCore's recycler scans the stack and registers conservatively) or
// held with `JsAddRef`. `runtime.rs` upholds this: values never leave the crate, every
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
}

/// A script context.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ContextHandle(JsContextRef);

/// A runtime.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct RuntimeHandle(JsRuntimeHandle);

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
    /// with the in-memory stream callbacks of this module.
    pub(crate) fn create_record_runtime(&self) -> Result<RuntimeHandle, ChakraError> {
        let mut rt: JsRuntimeHandle = std::ptr::null_mut();
        // SAFETY: the callbacks are `extern "C"` functions of this module with the header's
        // signatures; they stay valid for the process; valid out pointer.
        let code = unsafe {
            (self.JsTTDCreateRecordRuntime)(
                JS_RUNTIME_ATTRIBUTE_DISABLE_BACKGROUND_WORK,
                false,
                0,
                2,
                ttd_open_shim,
                ttd_write_shim,
                ttd_close_shim,
                None,
                &mut rt,
            )
        };
        self.check("JsTTDCreateRecordRuntime", code)?;
        Ok(RuntimeHandle(rt))
    }

    /// `JsTTDCreateReplayRuntime` reading the log named by `uri` through the in-memory
    /// stream callbacks.
    pub(crate) fn create_replay_runtime(&self, uri: &std::ffi::CStr) -> Result<RuntimeHandle, ChakraError> {
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
                ttd_open_shim,
                ttd_read_shim,
                ttd_close_shim,
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

    /// `JsSetPromiseContinuationCallback` with this module's job shim and `jobs` as state.
    ///
    /// `jobs` must stay at its address until the runtime is disposed or the callback
    /// replaced; `runtime.rs` boxes it in the runtime's state.
    pub(crate) fn set_promise_callback(&self, jobs: &crate::runtime::JobQueue) -> Result<(), ChakraError> {
        let state = jobs as *const crate::runtime::JobQueue as *mut c_void;
        // SAFETY: the shim has the header's signature and only reads `state` as the
        // `JobQueue` it is, which outlives the runtime (see above).
        let code = unsafe { (self.JsSetPromiseContinuationCallback)(Some(promise_job_shim), state) };
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

    /// A native function named `name` that dispatches to `slot`.
    ///
    /// `slot` must stay at its address until the runtime is disposed; `runtime.rs` keeps
    /// every slot boxed in the runtime's state and drops them after disposal.
    pub(crate) fn create_function(&self, name: &str, slot: &crate::natives::NativeSlot) -> Result<Value, ChakraError> {
        let name = self.string(name)?;
        let state = slot as *const crate::natives::NativeSlot as *mut c_void;
        // SAFETY: the shim has the header's `JsNativeFunction` signature and reads `state`
        // only as the `NativeSlot` it is, which outlives the runtime (see above).
        self.out_value("JsCreateNamedFunction", |out| unsafe {
            (self.JsCreateNamedFunction)(name.0, native_function_shim, state, out)
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

    /// An external `ArrayBuffer` over bytes the runtime retains (no copy).
    fn external_buffer(&self, kept: &SharedBytes) -> Result<Value, ChakraError> {
        let bytes = kept.as_slice();
        let len = u32::try_from(bytes.len()).map_err(|_| ChakraError::Conversion {
            expected: "at most 4 GiB - 1 bytes for an ArrayBuffer",
            found: format!("{} bytes", bytes.len()),
        })?;
        let mut v: JsValueRef = std::ptr::null_mut();
        // SAFETY: `kept` is held by the runtime (`Core::retained`, see `run_serialized`)
        // until after it is disposed, so the bytes outlive the buffer and every engine
        // pointer into them; the engine only reads bytecode. No finalizer; valid out pointer.
        let code = unsafe {
            (self.JsCreateExternalArrayBuffer)(bytes.as_ptr() as *mut c_void, len, None, std::ptr::null_mut(), &mut v)
        };
        self.check("JsCreateExternalArrayBuffer", code)?;
        Ok(Value(v))
    }

    /// An external `ArrayBuffer` over `source`'s UTF-8 bytes (no copy).
    fn source_buffer(&self, source: &crate::bytecode::SourceText) -> Result<Value, ChakraError> {
        let mut v: JsValueRef = std::ptr::null_mut();
        // SAFETY: `source.as_ptr()` points to `source.len()` readable bytes (a copy with a
        // NUL after them, or retained bytes of a mapped snapshot) that the `SourceText` owns or
        // holds, and the runtime keeps every `SourceText` (in an `Rc`, never mutated) until
        // after it is disposed, so they outlive the buffer and every engine pointer into them;
        // the engine only reads script sources. No finalizer; valid out pointer.
        let code = unsafe {
            (self.JsCreateExternalArrayBuffer)(
                source.as_ptr() as *mut c_void,
                source.len(),
                None,
                std::ptr::null_mut(),
                &mut v,
            )
        };
        self.check("JsCreateExternalArrayBuffer", code)?;
        Ok(Value(v))
    }

    /// `JsSerialize` of `source` (UTF-8, from host memory): parses without running and
    /// returns a copy of the bytecode. The parsed script stays in the runtime and keeps
    /// pointing at `source`'s bytes (see [`crate::bytecode::SourceText`]).
    pub(crate) fn serialize(&self, source: &crate::bytecode::SourceText) -> Result<Vec<u8>, ChakraError> {
        let script = self.source_buffer(source)?;
        let mut buffer: JsValueRef = std::ptr::null_mut();
        // SAFETY: `script` is a live ArrayBuffer of UTF-8 (attribute none = UTF-8); valid
        // out pointer.
        let code = unsafe { (self.JsSerialize)(script.0, &mut buffer, JS_PARSE_SCRIPT_ATTRIBUTE_NONE) };
        self.check("JsSerialize", code)?;
        self.array_buffer_bytes(Value(buffer))
    }

    /// `JsRunSerialized` of checked bytecode named `url`, with `source` supplied on demand
    /// through [`serialized_source_shim`].
    ///
    /// `source` must stay at its address until the runtime is disposed: its address is the
    /// callback's cookie and the engine may ask for the source at any time until then
    /// (`runtime.rs` keeps it in an `Rc` in the runtime's state, dropped after disposal).
    ///
    /// `in_place`, when given, is `bytecode`'s bytes in memory the runtime keeps until after
    /// it is disposed (`Core::retained`): the engine then reads them there instead of from a
    /// copy.
    pub(crate) fn run_serialized(
        &self,
        bytecode: &crate::bytecode::Verified<'_>,
        in_place: Option<&SharedBytes>,
        source: &crate::bytecode::SourceText,
        url: &str,
    ) -> Result<Value, ChakraError> {
        // The engine keeps the ArrayBuffer (so its bytes) alive until every function made
        // from it is collected: functions are deserialized lazily, on first call.
        let buffer = match in_place.filter(|kept| std::ptr::eq(kept.as_slice(), bytecode.bytes())) {
            Some(kept) => self.external_buffer(kept)?,
            None => self.create_array_buffer(bytecode.bytes())?,
        };
        let url = self.string(url)?;
        let cookie = source as *const crate::bytecode::SourceText as JsSourceContext;
        // SAFETY: `buffer` and `url` are live values on the stack; the bytecode passed
        // every check of `bytecode::open` (the only way to make a `Verified`): made by
        // JsSerialize of this exact library build (SHA-256) for this exact source, length
        // and checksum intact; ChakraCore itself checks only the header. The shim has the
        // header's signature and reads `cookie` only as the `SourceText` it is, which
        // outlives the runtime (see above). Valid out pointer.
        self.out_value("JsRunSerialized", |out| unsafe {
            (self.JsRunSerialized)(buffer.0, serialized_source_shim, cookie, url.0, out)
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

// ---------------------------------------------------------------------------------------
// Callbacks the engine calls. Each converts raw pointers to safe types and forwards to
// safe Rust code; none lets a panic unwind into C++.
// ---------------------------------------------------------------------------------------

/// `JsNativeFunction` for every native the backend creates.
unsafe extern "C" fn native_function_shim(
    _callee: JsValueRef,
    _is_construct_call: bool,
    arguments: *mut JsValueRef,
    argument_count: u16,
    callback_state: *mut c_void,
) -> JsValueRef {
    if callback_state.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `callback_state` is the `NativeSlot` given to `create_function`, alive until
    // the runtime is disposed (so during any call).
    let slot = unsafe { &*(callback_state as *const crate::natives::NativeSlot) };
    let args: &[Value] = if arguments.is_null() || argument_count == 0 {
        &[]
    } else {
        // SAFETY: the engine passes `argument_count` live values (this first); `Value` is
        // `repr(transparent)` over `JsValueRef`.
        unsafe { std::slice::from_raw_parts(arguments as *const Value, usize::from(argument_count)) }
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::natives::dispatch(slot, args)));
    match result {
        Ok(Some(v)) => v.0,
        Ok(None) => std::ptr::null_mut(),
        Err(_) => {
            slot.jsrt().throw_error("a polysnap native function panicked; see stderr");
            std::ptr::null_mut()
        }
    }
}

/// `JsPromiseContinuationCallback`: queues the job on the runtime's [`JobQueue`].
///
/// [`JobQueue`]: crate::runtime::JobQueue
unsafe extern "C" fn promise_job_shim(task: JsValueRef, callback_state: *mut c_void) {
    if callback_state.is_null() || task.is_null() {
        return;
    }
    // SAFETY: `callback_state` is the `JobQueue` given to `set_promise_callback`, boxed in
    // the runtime's state until after disposal.
    let jobs = unsafe { &*(callback_state as *const crate::runtime::JobQueue) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| jobs.push(Value(task))));
}

/// `JsSerializedLoadScriptCallback`: hands the engine the source of a script run from
/// bytecode, as an external `ArrayBuffer` of UTF-8 over the host's [`SourceText`].
///
/// [`SourceText`]: crate::bytecode::SourceText
unsafe extern "C" fn serialized_source_shim(
    source_context: JsSourceContext,
    value: *mut JsValueRef,
    parse_attributes: *mut u32,
) -> bool {
    if source_context == 0 || value.is_null() || parse_attributes.is_null() {
        return false;
    }
    // SAFETY: `source_context` is the address of the `SourceText` given to
    // `Jsrt::run_serialized`, alive until the runtime is disposed (so during any call).
    let source = unsafe { &*(source_context as *const crate::bytecode::SourceText) };
    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| source.jsrt().source_buffer(source)));
    match made {
        Ok(Ok(buffer)) => {
            // SAFETY: checked non-null above; the engine passes valid out pointers.
            unsafe {
                *value = buffer.0;
                *parse_attributes = JS_PARSE_SCRIPT_ATTRIBUTE_NONE;
            }
            true
        }
        // The engine treats `false` as out of memory and throws it into the script.
        _ => false,
    }
}

/// Builds a byte slice from a (pointer, length) pair the engine passed; empty when null.
///
/// # Safety
/// `ptr` must be null or point to `len` readable bytes for the returned lifetime.
unsafe fn bytes_from<'a>(ptr: *const c_char, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }
    }
}

/// `TTDOpenResourceStreamCallback` backed by [`crate::streams`].
unsafe extern "C" fn ttd_open_shim(
    uri_length: usize,
    uri: *const c_char,
    ascii_name_length: usize,
    ascii_resource_name: *const c_char,
    read: bool,
    write: bool,
) -> JsTTDStreamHandle {
    // SAFETY: the engine passes (pointer, length) pairs that are valid during the call.
    let (uri, name) = unsafe { (bytes_from(uri, uri_length), bytes_from(ascii_resource_name, ascii_name_length)) };
    let opened = std::panic::catch_unwind(|| crate::streams::open(uri, name, read, write));
    match opened {
        Ok(Some(stream)) => Box::into_raw(stream).cast(),
        _ => std::ptr::null_mut(),
    }
}

/// `JsTTDReadBytesFromStreamCallback` backed by [`crate::streams`].
unsafe extern "C" fn ttd_read_shim(
    handle: JsTTDStreamHandle,
    buff: *mut u8,
    size: usize,
    read_count: *mut usize,
) -> bool {
    if handle.is_null() || read_count.is_null() {
        return false;
    }
    let out: &mut [u8] = if buff.is_null() || size == 0 {
        &mut []
    } else {
        // SAFETY: the engine passes a buffer of `size` writable bytes.
        unsafe { std::slice::from_raw_parts_mut(buff, size) }
    };
    // SAFETY: `handle` is a `Box<Stream>` from `ttd_open_shim`, not yet closed; the engine
    // uses a stream from one thread at a time.
    let stream = unsafe { &mut *(handle as *mut crate::streams::Stream) };
    let n = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream.read(out))).unwrap_or(0);
    // SAFETY: checked non-null above; the engine passes a valid out pointer.
    unsafe { *read_count = n };
    n != 0
}

/// `JsTTDWriteBytesToStreamCallback` backed by [`crate::streams`].
unsafe extern "C" fn ttd_write_shim(
    handle: JsTTDStreamHandle,
    buff: *const u8,
    size: usize,
    written_count: *mut usize,
) -> bool {
    if handle.is_null() || written_count.is_null() {
        return false;
    }
    // SAFETY: the engine passes `size` readable bytes.
    let data = unsafe { bytes_from(buff.cast(), size) };
    // SAFETY: as in `ttd_read_shim`.
    let stream = unsafe { &mut *(handle as *mut crate::streams::Stream) };
    let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream.write(data))).unwrap_or(false);
    // SAFETY: checked non-null above.
    unsafe { *written_count = if ok { size } else { 0 } };
    ok
}

/// `JsTTDFlushAndCloseStreamCallback` backed by [`crate::streams`].
unsafe extern "C" fn ttd_close_shim(handle: JsTTDStreamHandle, _read: bool, _write: bool) {
    if handle.is_null() {
        return;
    }
    // SAFETY: `handle` came from `Box::into_raw` in `ttd_open_shim` and the engine closes
    // each stream once, so ownership returns here exactly once.
    let stream = unsafe { Box::from_raw(handle as *mut crate::streams::Stream) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream.close()));
}
