//! The callbacks the engine calls, and the safe functions that hand them to it.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_void};

use snapshot_core::SharedBytes;

use crate::error::ChakraError;
use crate::jsrt::{TtdStreamCallbacks, Value};
use crate::sys::{JsSourceContext, JsTTDStreamHandle, JsValueRef, Jsrt, JS_PARSE_SCRIPT_ATTRIBUTE_NONE};

/// A native function named `name` that dispatches to `slot`.
///
/// `slot` must stay at its address until the runtime is disposed; `runtime.rs` keeps
/// every slot boxed in the runtime's state and drops them after disposal.
pub(crate) fn create_function(jsrt: &Jsrt, name: &str, slot: &crate::natives::NativeSlot) -> Result<Value, ChakraError> {
    let state = slot as *const crate::natives::NativeSlot as *mut c_void;
    // SAFETY: the shim has the header's `JsNativeFunction` signature, catches panics and
    // reads `state` only as the `NativeSlot` it is, which outlives the runtime (see above).
    unsafe { jsrt.create_native_function(name, native_function_shim, state) }
}

/// Installs the promise job shim with `jobs` as its state.
///
/// `jobs` must stay at its address until the runtime is disposed or the callback
/// replaced; `runtime.rs` boxes it in the runtime's state.
pub(crate) fn set_promise_callback(jsrt: &Jsrt, jobs: &crate::runtime::JobQueue) -> Result<(), ChakraError> {
    let state = jobs as *const crate::runtime::JobQueue as *mut c_void;
    // SAFETY: the shim has the header's signature, catches panics and only reads `state`
    // as the `JobQueue` it is, which outlives the runtime (see above).
    unsafe { jsrt.set_promise_continuation(promise_job_shim, state) }
}

/// An external `ArrayBuffer` over `source`'s UTF-8 bytes (no copy).
fn source_buffer(jsrt: &Jsrt, source: &crate::bytecode::SourceText) -> Result<Value, ChakraError> {
    // SAFETY: `source.as_bytes()` (a copy with a NUL after it, or retained bytes of a
    // mapped snapshot) is owned or held by the `SourceText`, and the runtime keeps every
    // `SourceText` (in an `Rc`, never mutated) until after it is disposed, so the bytes
    // outlive the buffer and every engine pointer into them; the buffer only goes to
    // `JsSerialize` or back to the engine from `serialized_source_shim`, which read script
    // sources.
    unsafe { jsrt.external_array_buffer(source.as_bytes()) }
}

/// `JsSerialize` of `source` (UTF-8, from host memory): parses without running and
/// returns a copy of the bytecode. The parsed script stays in the runtime and keeps
/// pointing at `source`'s bytes (see [`crate::bytecode::SourceText`]).
pub(crate) fn serialize(jsrt: &Jsrt, source: &crate::bytecode::SourceText) -> Result<Vec<u8>, ChakraError> {
    let script = source_buffer(jsrt, source)?;
    jsrt.serialize(script)
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
    jsrt: &Jsrt,
    bytecode: &crate::bytecode::Verified<'_>,
    in_place: Option<&SharedBytes>,
    source: &crate::bytecode::SourceText,
    url: &str,
) -> Result<Value, ChakraError> {
    // The engine keeps the ArrayBuffer (so its bytes) alive until every function made
    // from it is collected: functions are deserialized lazily, on first call.
    let buffer = match in_place.filter(|kept| std::ptr::eq(kept.as_slice(), bytecode.bytes())) {
        // SAFETY: `kept` is held by the runtime (`Core::retained`) until after it is
        // disposed, so the bytes outlive the buffer and every engine pointer into them; the
        // buffer only goes to `JsRunSerialized`, which reads bytecode.
        Some(kept) => unsafe { jsrt.external_array_buffer(kept.as_slice()) }?,
        None => jsrt.create_array_buffer(bytecode.bytes())?,
    };
    let cookie = source as *const crate::bytecode::SourceText as JsSourceContext;
    // SAFETY: the bytecode passed every check of `bytecode::open` (the only way to make a
    // `Verified`): made by JsSerialize of this exact library build (SHA-256) for this exact
    // source, length and checksum intact; ChakraCore itself checks only the header. The
    // shim has the header's signature, catches panics and reads `cookie` only as the
    // `SourceText` it is, which outlives the runtime (see above).
    unsafe { jsrt.run_serialized(buffer, serialized_source_shim, cookie, url) }
}

/// The TTD stream callbacks backed by [`crate::streams`].
// SAFETY: the four shims below implement the header's stream contract over `streams`:
// `ttd_open_shim` returns null or a `Box<Stream>` that the others use until
// `ttd_close_shim` takes it back; each checks its pointers and catches panics.
pub(crate) const TTD_STREAMS: TtdStreamCallbacks =
    unsafe { TtdStreamCallbacks::new(ttd_open_shim, ttd_read_shim, ttd_write_shim, ttd_close_shim) };

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
    // SAFETY: the engine passes null or `argument_count` live values (this first), on its
    // stack for the whole call.
    let args = unsafe { Value::slice_from_raw(arguments, usize::from(argument_count)) };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::natives::dispatch(slot, args)));
    match result {
        Ok(Some(v)) => v.raw(),
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
    // SAFETY: the engine hands over a live job; `JobQueue::push` holds it with `JsAddRef`.
    let task = unsafe { Value::from_raw(task) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| jobs.push(task)));
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
    // `run_serialized`, alive until the runtime is disposed (so during any call).
    let source = unsafe { &*(source_context as *const crate::bytecode::SourceText) };
    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| source_buffer(source.jsrt(), source)));
    match made {
        Ok(Ok(buffer)) => {
            // SAFETY: checked non-null above; the engine passes valid out pointers.
            unsafe {
                *value = buffer.raw();
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
