//! Making snapshots: [`SnapshotBuilder`].

use std::ffi::c_char;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use snapshot_core::HostValue;

use crate::buf::Buf;
use crate::convert;
use crate::envelope;
use crate::error::V8Error;
use crate::ffi;
use crate::natives::{self, NativeSpec, NativeTable};
use crate::platform;

/// What happens to compiled function code when the blob is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeHandling {
    /// Drop compiled code; functions compile lazily again after restore (smaller blob).
    Clear,
    /// Keep the bytecode of functions compiled so far (larger blob, faster first calls).
    Keep,
}

/// A V8 isolate and context being prepared for a snapshot (a `v8::SnapshotCreator`).
///
/// The context starts as a fresh V8 context plus `globalThis.__polysnap_natives`, a
/// non-enumerable global holding one function per native keyed by its full dotted name.
/// Run setup scripts with [`run_script`](Self::run_script), then consume the builder with
/// [`build`](Self::build) or [`build_warm`](Self::build_warm). Dropping an unbuilt builder is
/// safe (a blob is made from a fresh context and discarded: V8 aborts otherwise).
///
/// During setup the `Intl` constructors and `FinalizationRegistry.prototype.register`
/// throw (V8 cannot serialize what they make), and `SharedArrayBuffer`, `Atomics` and
/// `WebAssembly` are absent; all are there after restore. See the crate documentation.
///
/// Not `Send`: a V8 isolate belongs to the thread that made it.
pub struct SnapshotBuilder {
    state: Option<NonNull<ffi::PsState>>,
    // Dropped after `state` is deleted (see Drop): the shim calls back into it.
    table: Option<Box<NativeTable>>,
    _not_send: PhantomData<*mut ()>,
}

impl SnapshotBuilder {
    /// A builder whose external-reference table holds `natives` in the given order.
    ///
    /// Fails when two natives share an id or a native's id is not `StableId::new(name)`.
    pub fn new(natives: Vec<NativeSpec>) -> Result<SnapshotBuilder, V8Error> {
        platform::init()?;
        Self::create(NativeTable::new(natives)?, None)
    }

    fn create(table: Box<NativeTable>, base: Option<&[u8]>) -> Result<SnapshotBuilder, V8Error> {
        let names = table.encoded_names(0);
        let buf = Buf::new()?;
        let mut state: *mut ffi::PsState = ptr::null_mut();
        let (base_ptr, base_len) = base.map_or((ptr::null(), 0), |b| (b.as_ptr(), b.len()));
        // SAFETY: names/base are valid slices for the call (base is copied by the shim);
        // the table is boxed and outlives the state (the builder owns both and deletes the
        // state first); `state` and `buf` are valid out-pointers.
        let status = unsafe {
            ffi::v8__SnapshotCreator__New(
                table.len(),
                names.as_ptr(),
                names.len(),
                natives::dispatch,
                table.as_ctx(),
                base_ptr,
                base_len,
                &mut state,
                buf.as_ptr(),
            )
        };
        let builder = SnapshotBuilder { state: NonNull::new(state), table: Some(table), _not_send: PhantomData };
        buf.check(status, "<snapshot creator>")?;
        if builder.state.is_none() {
            return Err(V8Error::Internal("the shim returned no snapshot creator".into()));
        }
        Ok(builder)
    }

    fn state(&self) -> *mut ffi::PsState {
        self.state.expect("a live builder always has a state").as_ptr()
    }

    /// Runs `source` as a classic script (one global scope shared by all scripts) in the
    /// snapshot context, drains the microtask queue (exceptions thrown by microtasks, such
    /// as unhandled rejections, are not reported), and returns the completion value
    /// converted (see [`crate::convert`]).
    pub fn run_script(&mut self, file_name: &str, source: &str) -> Result<HostValue, V8Error> {
        let buf = Buf::new()?;
        // SAFETY: the state is live; the strings are valid for the call (V8 copies them).
        let status = unsafe {
            ffi::v8__SnapshotCreator__RunScript(
                self.state(),
                file_name.as_ptr() as *const c_char,
                file_name.len(),
                source.as_ptr() as *const c_char,
                source.len(),
                buf.as_ptr(),
            )
        };
        buf.check(status, file_name)?;
        convert::decode(buf.bytes())
    }

    /// The ids of the natives, in external-reference-table order.
    pub fn native_ids(&self) -> Vec<snapshot_core::StableId> {
        self.table.as_ref().map(|t| t.ids()).unwrap_or_default()
    }

    /// Makes V8's startup data (without the envelope); the state is spent afterwards.
    fn raw_blob(&mut self, code: CodeHandling) -> Result<Vec<u8>, V8Error> {
        let buf = Buf::new()?;
        let mut data: *const u8 = ptr::null();
        let mut len = 0usize;
        // SAFETY: the state is live and not yet built (every path that builds consumes or
        // replaces the state); out-pointers are valid.
        let status = unsafe {
            ffi::v8__SnapshotCreator__CreateBlob(
                self.state(),
                matches!(code, CodeHandling::Keep) as i32,
                &mut data,
                &mut len,
                buf.as_ptr(),
            )
        };
        buf.check(status, "<create blob>")?;
        // SAFETY: on success the shim returned a new[]-allocated blob of `len` bytes, which
        // we copy and then free exactly once.
        let bytes = unsafe {
            let bytes = std::slice::from_raw_parts(data, len).to_vec();
            ffi::v8__StartupData__Delete(data);
            bytes
        };
        Ok(bytes)
    }

    fn delete_state(&mut self) {
        if let Some(state) = self.state.take() {
            // SAFETY: the state came from v8__SnapshotCreator__New and is deleted once
            // (taken out of the Option); the table it calls into is still alive.
            unsafe { ffi::v8__SnapshotCreator__Delete(state.as_ptr()) }
        }
    }

    /// Makes the snapshot and returns it wrapped in this crate's envelope (see
    /// [`crate::envelope`]), ready for [`Runtime::from_blob`](crate::Runtime::from_blob).
    pub fn build(mut self, code: CodeHandling) -> Result<Vec<u8>, V8Error> {
        let payload = self.raw_blob(code)?;
        let table = self.table.as_ref().expect("a live builder always has a table");
        let natives: Vec<_> = table.natives.iter().map(|n| (n.id, n.name.as_str())).collect();
        Ok(envelope::wrap(&payload, &natives))
    }

    /// Makes a snapshot with warm code but without warm state.
    ///
    /// 1. The current context becomes a cold blob (compiled code cleared).
    /// 2. A second `SnapshotCreator` starts from that blob, runs `warm_up` in a throw-away
    ///    context (compiling what it calls: compiled code lives on SharedFunctionInfos,
    ///    which every context deserialized from the blob shares), then a second fresh
    ///    context becomes the default context and the blob is made keeping code.
    ///
    /// Everything the warm-up does to JavaScript state (globals, mutated objects) is
    /// discarded; what it does to host state through natives is not (natives run for real).
    pub fn build_warm(mut self, file_name: &str, warm_up: &str) -> Result<Vec<u8>, V8Error> {
        let cold = self.raw_blob(CodeHandling::Clear)?;
        self.delete_state();
        let table = self.table.take().expect("a live builder always has a table");
        let warm = Self::create(table, Some(&cold))?;
        drop(cold);
        let buf = Buf::new()?;
        // SAFETY: the state is live; the strings are valid for the call.
        let status = unsafe {
            ffi::v8__SnapshotCreator__WarmUp(
                warm.state(),
                file_name.as_ptr() as *const c_char,
                file_name.len(),
                warm_up.as_ptr() as *const c_char,
                warm_up.len(),
                buf.as_ptr(),
            )
        };
        buf.check(status, file_name)?;
        warm.build(CodeHandling::Keep)
    }
}

impl Drop for SnapshotBuilder {
    fn drop(&mut self) {
        self.delete_state();
    }
}

impl std::fmt::Debug for SnapshotBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotBuilder").field("natives", &self.native_ids()).finish_non_exhaustive()
    }
}
