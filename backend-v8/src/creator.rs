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
use crate::module_graph::ModuleGraph;
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
/// Run setup scripts with [`run_script`](Self::run_script), optionally add named contexts
/// with [`add_context`](Self::add_context), then consume the builder with
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
    // The named contexts' names, in the shim's (and V8's AddContext) index order.
    contexts: Vec<String>,
    // The ES modules, in the shim's id order (see crate::modules).
    pub(crate) graph: ModuleGraph,
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
            ffi::polysnap__Builder__New(
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
        let builder = SnapshotBuilder {
            state: NonNull::new(state),
            table: Some(table),
            contexts: Vec::new(),
            graph: ModuleGraph::capturing(),
            _not_send: PhantomData,
        };
        buf.check(status, "<snapshot creator>")?;
        if builder.state.is_none() {
            return Err(V8Error::Internal("the shim returned no snapshot creator".into()));
        }
        Ok(builder)
    }

    pub(crate) fn state(&self) -> *mut ffi::PsState {
        self.state.expect("a live builder always has a state").as_ptr()
    }

    /// Runs `source` as a classic script (one global scope shared by all scripts) in the
    /// snapshot context, drains the microtask queue (exceptions thrown by microtasks, such
    /// as unhandled rejections, are not reported), and returns the completion value
    /// converted (see [`crate::convert`]).
    pub fn run_script(&mut self, file_name: &str, source: &str) -> Result<HostValue, V8Error> {
        self.run_in(-1, file_name, source)
    }

    /// Runs a script in the default context (`context` < 0) or named context `context`.
    fn run_in(&mut self, context: i64, file_name: &str, source: &str) -> Result<HostValue, V8Error> {
        let buf = Buf::new()?;
        // SAFETY: the state is live; the strings are valid for the call (V8 copies them);
        // the shim checks that `context` names an existing context.
        let status = unsafe {
            ffi::polysnap__Builder__RunScript(
                self.state(),
                context,
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

    /// Adds a named context, captured beside the default one and restored by name with
    /// [`Runtime::enter_context`](crate::Runtime::enter_context).
    ///
    /// The context starts like the default one (a fresh V8 context with
    /// `__polysnap_natives`, the same setup-time restrictions) and shares nothing with it
    /// but the isolate; `scripts` (file name, source) run in it in order. Scripts run later
    /// with [`run_script`](Self::run_script) still run in the default context.
    ///
    /// All or nothing: when a script throws, the context is discarded (not captured) and the
    /// error returned. Fails without touching V8 when `name` is empty or already used.
    pub fn add_context<N: AsRef<str>, S: AsRef<str>>(&mut self, name: &str, scripts: &[(N, S)]) -> Result<(), V8Error> {
        if name.is_empty() || self.contexts.iter().any(|c| c == name) {
            return Err(V8Error::InvalidInput {
                expected: "a non-empty context name not used by another named context of this snapshot (give each \
                           named context its own name)"
                    .into(),
                found: if name.is_empty() {
                    "an empty name".into()
                } else {
                    format!("`{name}`, already added (named contexts so far: {})", self.contexts.join(", "))
                },
            });
        }
        let buf = Buf::new()?;
        let mut index = 0u32;
        // SAFETY: the state is live; `index` and `buf` are valid out-pointers.
        let status = unsafe { ffi::polysnap__Builder__NewContext(self.state(), &mut index, buf.as_ptr()) };
        buf.check(status, "<new context>")?;
        for (file, source) in scripts {
            if let Err(e) = self.run_in(i64::from(index), file.as_ref(), source.as_ref()) {
                let buf = Buf::new()?;
                // SAFETY: the state is live; `index` is the context just made, the last one.
                let status = unsafe { ffi::polysnap__Builder__DiscardContext(self.state(), index, buf.as_ptr()) };
                buf.check(status, "<discard context>")?;
                return Err(e);
            }
        }
        debug_assert_eq!(index as usize, self.contexts.len(), "the shim's index order is ours");
        self.contexts.push(name.to_owned());
        Ok(())
    }

    /// The named contexts added so far, in index order.
    pub fn context_names(&self) -> &[String] {
        &self.contexts
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
            ffi::polysnap__Builder__CreateBlob(
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
            ffi::polysnap__Blob__Delete(data);
            bytes
        };
        Ok(bytes)
    }

    fn delete_state(&mut self) {
        if let Some(state) = self.state.take() {
            // SAFETY: the state came from polysnap__Builder__New and is deleted once
            // (taken out of the Option); the table it calls into is still alive.
            unsafe { ffi::polysnap__Builder__Delete(state.as_ptr()) }
        }
    }

    /// Makes the snapshot and returns it wrapped in this crate's envelope (see
    /// [`crate::envelope`]), ready for [`Runtime::from_blob`](crate::Runtime::from_blob).
    pub fn build(mut self, code: CodeHandling) -> Result<Vec<u8>, V8Error> {
        let payload = self.raw_blob(code)?;
        let table = self.table.as_ref().expect("a live builder always has a table");
        let natives: Vec<_> = table.natives.iter().map(|n| (n.id, n.name.as_str())).collect();
        envelope::wrap(&payload, &natives, &self.contexts, &self.graph.urls)
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
    ///
    /// Named contexts come along: the second creator deserializes them from the cold blob
    /// (`Context::FromSnapshot`) and adds them again, in the same order, unchanged. The
    /// warm-up runs in (a copy of) the default context only, so it compiles what the default
    /// context's code calls; code only a named context runs stays lazy.
    pub fn build_warm(mut self, file_name: &str, warm_up: &str) -> Result<Vec<u8>, V8Error> {
        if !self.graph.urls.is_empty() {
            return Err(V8Error::InvalidInput {
                expected:
                    "a builder without ES modules for a warm snapshot (warm code and modules are not combined yet)"
                        .into(),
                found: format!("{} modules", self.graph.urls.len()),
            });
        }
        let cold = self.raw_blob(CodeHandling::Clear)?;
        self.delete_state();
        let table = self.table.take().expect("a live builder always has a table");
        let contexts = std::mem::take(&mut self.contexts);
        let mut warm = Self::create(table, Some(&cold))?;
        drop(cold);
        if !contexts.is_empty() {
            let buf = Buf::new()?;
            let count = u32::try_from(contexts.len()).map_err(|_| V8Error::InvalidInput {
                expected: "fewer than 2^32 named contexts".into(),
                found: format!("{} named contexts", contexts.len()),
            })?;
            // SAFETY: the state is live, made from the cold blob, and has no named contexts.
            let status = unsafe { ffi::polysnap__Builder__AdoptContexts(warm.state(), count, buf.as_ptr()) };
            buf.check(status, "<warm pass: named contexts>")?;
            warm.contexts = contexts;
        }
        let buf = Buf::new()?;
        // SAFETY: the state is live; the strings are valid for the call.
        let status = unsafe {
            ffi::polysnap__Builder__WarmUp(
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
        f.debug_struct("SnapshotBuilder")
            .field("natives", &self.native_ids())
            .field("contexts", &self.contexts)
            .finish_non_exhaustive()
    }
}
