//! Every declaration of the C++ shim (`shim/shim.cc`), and nothing else.
//!
//! Conventions of the shim: functions returning `c_int` return [`OK`], [`JS_ERROR`] (the
//! output buffer holds an encoded JavaScript error: message, stack, location) or
//! [`INTERNAL_ERROR`] (the output buffer holds a UTF-8 message). No C++ or V8 exception
//! crosses this boundary. States are not thread-safe; each is used from one thread.

use std::ffi::{c_char, c_int, c_void};

/// Status: success.
pub const OK: c_int = 0;
/// Status: JavaScript threw; the buffer holds `str message, str stack, str location`.
pub const JS_ERROR: c_int = 1;
/// Status: the shim failed; the buffer holds a UTF-8 message.
pub const INTERNAL_ERROR: c_int = 2;

/// A byte buffer owned by the shim (a `std::string`).
#[repr(C)]
pub struct PsBuf {
    _opaque: [u8; 0],
}

/// One isolate with its context, native slots and external-reference table.
#[repr(C)]
pub struct PsState {
    _opaque: [u8; 0],
}

/// The Rust side of native dispatch: called by the shim's single V8 callback with the
/// native's table index and the encoded `this` + arguments; writes the encoded result (or,
/// for a non-zero status, a UTF-8 error message) into `out` with [`v8__Buf__Append`].
pub type DispatchFn =
    unsafe extern "C" fn(ctx: *mut c_void, index: u32, args: *const u8, args_len: usize, out: *mut PsBuf) -> c_int;

extern "C" {
    /// A new empty buffer, or null when out of memory.
    pub fn v8__Buf__New() -> *mut PsBuf;
    /// Frees a buffer.
    pub fn v8__Buf__Delete(buf: *mut PsBuf);
    /// The buffer's bytes; valid until the buffer changes or is freed.
    pub fn v8__Buf__Data(buf: *const PsBuf, len: *mut usize) -> *const u8;
    /// Appends bytes.
    pub fn v8__Buf__Append(buf: *mut PsBuf, data: *const u8, len: usize) -> c_int;

    /// Initializes the process-wide V8 platform once (idempotent, thread-safe).
    pub fn v8__Platform__Init(out: *mut PsBuf) -> c_int;
    /// `v8::V8::GetVersion()`, a static NUL-terminated string.
    pub fn v8__V8__GetVersion() -> *const c_char;
    /// Writes the build identity string into `out`.
    pub fn v8__V8__BuildIdentity(out: *mut PsBuf) -> c_int;
    /// The shim's fast 64-bit checksum of a byte range.
    pub fn v8__Blob__Checksum(data: *const u8, len: usize) -> u64;
    /// 1 when V8 accepts the bytes as a startup blob of this build (version check), else 0.
    pub fn v8__StartupData__IsValid(data: *const u8, len: usize) -> c_int;
    /// Frees a blob returned by [`v8__SnapshotCreator__CreateBlob`].
    pub fn v8__StartupData__Delete(data: *const u8);

    /// A SnapshotCreator isolate with `count` native slots and a context. With `existing`
    /// null, natives named by `names` (`count` x (u32 len, UTF-8)) are installed; with it
    /// non-null the bytes are copied and used as the base snapshot. On error `*state` may
    /// still be set and must be deleted.
    pub fn v8__SnapshotCreator__New(
        count: u32,
        names: *const u8,
        names_len: usize,
        dispatch: DispatchFn,
        dispatch_ctx: *mut c_void,
        existing: *const u8,
        existing_len: usize,
        state: *mut *mut PsState,
        out: *mut PsBuf,
    ) -> c_int;
    /// Runs a classic script in the creator's default context (`context` < 0) or in its
    /// named context `context`, and drains microtasks.
    pub fn v8__SnapshotCreator__RunScript(
        state: *mut PsState,
        context: i64,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Creates a named context (setup guards, natives installed) and writes its index,
    /// which becomes its `AddContext` index when the blob is made.
    pub fn v8__SnapshotCreator__NewContext(state: *mut PsState, index: *mut u32, out: *mut PsBuf) -> c_int;
    /// Drops the last named context (`index` must be the last one), so it is not captured.
    pub fn v8__SnapshotCreator__DiscardContext(state: *mut PsState, index: u32, out: *mut PsBuf) -> c_int;
    /// In a warm-pass creator (made from a base blob, no named contexts yet): deserializes
    /// the base blob's `count` named contexts so the blob is made with them again.
    pub fn v8__SnapshotCreator__AdoptContexts(state: *mut PsState, count: u32, out: *mut PsBuf) -> c_int;
    /// Runs a warm-up script in a throw-away context, then switches to a fresh context.
    pub fn v8__SnapshotCreator__WarmUp(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Sets the default context, adds the named contexts in index order and creates the
    /// blob (`keep_code` != 0: keep compiled code).
    pub fn v8__SnapshotCreator__CreateBlob(
        state: *mut PsState,
        keep_code: c_int,
        data: *mut *const u8,
        len: *mut usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Destroys a creator state, creating and discarding a blob first if none was made.
    pub fn v8__SnapshotCreator__Delete(state: *mut PsState);

    /// An isolate restored from `blob` (or from V8's built-in snapshot when null) with
    /// `count` native slots; natives `[installed_from, count)` named in `names` are
    /// installed. `blob` must outlive the state. On error `*state` may be set; delete it.
    pub fn v8__Isolate__NewFromSnapshot(
        blob: *const u8,
        blob_len: usize,
        count: u32,
        installed_from: u32,
        names: *const u8,
        names_len: usize,
        dispatch: DispatchFn,
        dispatch_ctx: *mut c_void,
        state: *mut *mut PsState,
        out: *mut PsBuf,
    ) -> c_int;
    /// Makes context `index` current (< 0: the default context; else the snapshot's named
    /// context `index`, deserialized on first entry and kept).
    pub fn v8__Isolate__EnterContext(state: *mut PsState, index: i64, out: *mut PsBuf) -> c_int;
    /// Runs a classic script in the isolate's current context and drains microtasks.
    pub fn v8__Isolate__RunScript(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Runs a classic script in the isolate's current context, drains microtasks, then
    /// writes V8's code cache for it (`ScriptCompiler::CreateCodeCache`, made after the run)
    /// into `cache`; `cache` stays empty when V8 cannot make one.
    pub fn v8__ScriptCompiler__RunProducingCache(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        cache: *mut PsBuf,
        out: *mut PsBuf,
    ) -> c_int;
    /// Compiles a classic script in the current context with `data[..len]` as its code
    /// cache (`kConsumeCodeCache`; read during the call only, 0 < len <= i32::MAX), runs it
    /// and drains microtasks; `*rejected` is 1 when V8 rejected the cache, else 0.
    pub fn v8__ScriptCompiler__RunConsumingCache(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        data: *const u8,
        len: usize,
        rejected: *mut c_int,
        out: *mut PsBuf,
    ) -> c_int;
    /// Runs a classic script like [`v8__Isolate__RunScript`] and keeps its `UnboundScript`
    /// under a process-unique id written to `*id` (not kept when it throws).
    pub fn v8__ScriptCompiler__RunKeepingScript(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        id: *mut u64,
        out: *mut PsBuf,
    ) -> c_int;
    /// Writes V8's code cache of kept script `id` as it is now into `cache` (empty when V8
    /// cannot make one); an id the state does not keep is an internal error.
    pub fn v8__ScriptCompiler__CreateCodeCache(
        state: *mut PsState,
        id: u64,
        cache: *mut PsBuf,
        out: *mut PsBuf,
    ) -> c_int;
    /// Releases kept script `id` (no-op for an id the state does not keep).
    pub fn v8__ScriptCompiler__ForgetScript(state: *mut PsState, id: u64);
    /// How many opaque handles (`HostValue::Handle`) the state keeps.
    pub fn v8__Isolate__HandleCount(state: *mut PsState) -> u64;
    /// Releases every opaque handle the state keeps.
    pub fn v8__Isolate__ReleaseHandles(state: *mut PsState);
    /// `ScriptCompiler::CachedDataVersionTag()`; call after [`v8__Platform__Init`].
    pub fn v8__ScriptCompiler__CachedDataVersionTag() -> u32;
    /// Disposes the isolate and frees the state.
    pub fn v8__Isolate__Delete(state: *mut PsState);
    /// The state's `v8::Isolate*`.
    pub fn v8__Isolate__Raw(state: *mut PsState) -> *mut std::ffi::c_void;
    /// A pointer to the state's default context, a `v8::Global<v8::Context>`.
    pub fn v8__Isolate__RawDefaultContext(state: *mut PsState) -> *mut std::ffi::c_void;
}
