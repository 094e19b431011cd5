//! Running JavaScript: [`Runtime`], restored from a snapshot or fresh.

use std::ffi::c_char;
use std::fmt;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

use snapshot_core::{HostValue, SharedBytes, StableId};

use crate::buf::Buf;
use crate::convert;
use crate::envelope::{self, BlobHeader};
use crate::error::V8Error;
use crate::ffi;
use crate::module_graph::ModuleGraph;
use crate::natives::{self, NativeSpec, NativeTable};
use crate::platform;

/// A V8 isolate restored from a snapshot or fresh: its default context, plus the snapshot's
/// named contexts (see [`enter_context`](Self::enter_context)).
///
/// Not `Send`: a V8 isolate belongs to the thread that made it.
pub struct Runtime {
    state: NonNull<ffi::PsState>,
    // Dropped after the state is deleted (see Drop): the shim calls back into it.
    table: Box<NativeTable>,
    // V8 reads from this memory for the isolate's whole life.
    blob: Option<SharedBytes>,
    // The snapshot's named contexts in index order, and which one scripts run in.
    contexts: Vec<String>,
    current: Option<usize>,
    // The ES modules, in id order (see crate::modules); boxed, as the shim calls back into
    // it for `import()`, and dropped after the state is deleted (see Drop).
    pub(crate) modules: Box<ModuleGraph>,
    _not_send: PhantomData<*mut ()>,
}

impl Runtime {
    /// The raw `v8::Isolate*`, for code that needs V8 itself: C++ compiled against the same
    /// headers (`.engines/v8/usr/include/node`), called from the thread that owns this
    /// runtime while no polysnap call is running. Enter it with `v8::Isolate::Scope` and a
    /// `v8::HandleScope`; the pointer is valid until the runtime is dropped.
    pub fn raw_isolate(&self) -> *mut std::ffi::c_void {
        // SAFETY: the state is alive for as long as `self`; the call only reads a field.
        unsafe { ffi::polysnap__Runtime__Raw(self.state.as_ptr()) }
    }

    /// A pointer to the default context as a `v8::Global<v8::Context>` owned by this
    /// runtime (same conditions as [`Runtime::raw_isolate`]); `->Get(isolate)` inside a
    /// `HandleScope` gives the `Local<Context>`.
    pub fn raw_default_context(&self) -> *mut std::ffi::c_void {
        // SAFETY: as for `raw_isolate`.
        unsafe { ffi::polysnap__Runtime__RawDefaultContext(self.state.as_ptr()) }
    }

    /// The shim state, for this crate's other modules (live as long as `self`).
    pub(crate) fn state_ptr(&self) -> *mut ffi::PsState {
        self.state.as_ptr()
    }

    /// Restores a snapshot made by [`SnapshotBuilder`](crate::SnapshotBuilder).
    ///
    /// `natives` may come in any order: the blob records its external-reference table,
    /// and the table is rebuilt in that order by id. Every native of the blob must be
    /// present ([`V8Error::MissingNative`] otherwise); natives not in the blob are appended
    /// to the table and installed on `__polysnap_natives` after restore.
    ///
    /// Before V8 sees the bytes, the envelope's build identity, checksum and V8's version
    /// check are verified, so a foreign or damaged blob is an error, not an abort.
    pub fn from_blob(blob: impl Into<SharedBytes>, natives: Vec<NativeSpec>) -> Result<Runtime, V8Error> {
        Runtime::open_blob(blob.into(), natives)
    }

    fn open_blob(blob: SharedBytes, natives: Vec<NativeSpec>) -> Result<Runtime, V8Error> {
        platform::init()?;
        let (header, payload) = envelope::open(blob.as_slice())?;
        let (table, in_blob) = (*NativeTable::new(natives)?).in_blob_order(&header.natives)?;
        let (ptr, len) = (payload.as_ptr(), payload.len());
        let mut runtime = Self::create(table, Some((ptr, len)), in_blob as u32, Some(blob.clone()))?;
        runtime.contexts = header.contexts;
        runtime.load_modules(header.modules)?;
        Ok(runtime)
    }

    /// A runtime without a snapshot (V8's built-in one only), with `natives` installed on
    /// `__polysnap_natives` exactly as a [`SnapshotBuilder`](crate::SnapshotBuilder) installs
    /// them: for cold runs and differential tests.
    pub fn fresh(natives: Vec<NativeSpec>) -> Result<Runtime, V8Error> {
        platform::init()?;
        Self::create(NativeTable::new(natives)?, None, 0, None)
    }

    fn create(
        table: Box<NativeTable>,
        payload: Option<(*const u8, usize)>,
        installed_from: u32,
        blob: Option<SharedBytes>,
    ) -> Result<Runtime, V8Error> {
        let names = table.encoded_names(installed_from as usize);
        let buf = Buf::new()?;
        let mut state: *mut ffi::PsState = ptr::null_mut();
        let (p, l) = payload.unwrap_or((ptr::null(), 0));
        // SAFETY: `p..p+l` lies inside `blob`, which the Runtime keeps alive and unmoved
        // (an Arc) until after the state is deleted; the blob passed the envelope, checksum
        // and V8 version checks; the external-reference table is built by the shim with
        // exactly table.len() slots, matching the blob's recorded table for its first
        // `installed_from` entries; the boxed table outlives the state.
        let status = unsafe {
            ffi::polysnap__Runtime__NewFromSnapshot(
                p,
                l,
                table.len(),
                installed_from,
                names.as_ptr(),
                names.len(),
                natives::dispatch,
                table.as_ctx(),
                &mut state,
                buf.as_ptr(),
            )
        };
        let Some(state) = NonNull::new(state) else {
            buf.check(status, "<isolate>")?;
            return Err(V8Error::Internal("the shim returned no isolate".into()));
        };
        let mut runtime = Runtime {
            state,
            table,
            blob,
            contexts: Vec::new(),
            current: None,
            modules: Box::default(),
            _not_send: PhantomData,
        };
        buf.check(status, "<isolate>")?;
        runtime.answer_imports();
        Ok(runtime)
    }

    /// Runs `source` as a classic script in the current context (one global scope shared by
    /// all scripts of that context; see [`enter_context`](Self::enter_context)), drains
    /// the microtask queue (exceptions thrown by microtasks, such as unhandled rejections,
    /// are not reported), and returns the completion value converted (see
    /// [`crate::convert`]).
    pub fn run_script(&mut self, file_name: &str, source: &str) -> Result<HostValue, V8Error> {
        let buf = Buf::new()?;
        // SAFETY: the state is live; the strings are valid for the call (V8 copies them).
        let status = unsafe {
            ffi::polysnap__Runtime__RunScript(
                self.state.as_ptr(),
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

    /// Makes `name`d context current for [`run_script`](Self::run_script) and
    /// [`eval`](Self::eval); `None` goes back to the default context.
    ///
    /// A named context is one the snapshot's builder added with
    /// [`SnapshotBuilder::add_context`](crate::SnapshotBuilder::add_context). It is
    /// deserialized (`Context::FromSnapshot`) on first entry and kept, with its state, for
    /// later entries; natives passed at restore that the snapshot's table lacks are installed
    /// on its `__polysnap_natives` then. An unknown name is [`V8Error::UnknownContext`],
    /// listing the names the snapshot has (a fresh runtime has none), and leaves the current
    /// context unchanged.
    pub fn enter_context(&mut self, name: Option<&str>) -> Result<(), V8Error> {
        let index = match name {
            None => None,
            Some(name) => match self.contexts.iter().position(|c| c == name) {
                Some(i) => Some(i),
                None => {
                    return Err(V8Error::UnknownContext { name: name.to_owned(), available: self.contexts.clone() })
                }
            },
        };
        let raw = match index {
            None => -1,
            Some(i) => i64::try_from(i).map_err(|_| V8Error::Internal(format!("context index {i} out of range")))?,
        };
        let buf = Buf::new()?;
        // SAFETY: the state is live; `raw` is -1 or the index of a named context the blob's
        // envelope lists (the shim also checks V8 has it).
        let status = unsafe { ffi::polysnap__Runtime__EnterContext(self.state.as_ptr(), raw, buf.as_ptr()) };
        buf.check(status, name.unwrap_or("<default context>"))?;
        self.current = index;
        Ok(())
    }

    /// The snapshot's named contexts, in index order (empty for a fresh runtime).
    pub fn context_names(&self) -> &[String] {
        &self.contexts
    }

    /// The named context scripts run in now (`None`: the default context).
    pub fn current_context(&self) -> Option<&str> {
        self.current.map(|i| self.contexts[i].as_str())
    }

    /// How many [`HostValue::Handle`]s this runtime keeps for the host: values a script or
    /// a call returned that the host holds by number (functions, class instances, `Map`s,
    /// ...). Handles made for a native call's arguments are released when it returns.
    pub fn handle_count(&self) -> usize {
        // SAFETY: the state is live (owned by `self`).
        unsafe { ffi::polysnap__Runtime__HandleCount(self.state_ptr()) as usize }
    }

    /// Releases every handle this runtime keeps for the host (their values may then be
    /// collected; a released handle passed back is an error).
    pub fn release_handles(&mut self) {
        // SAFETY: the state is live (owned by `self`); the shim enters its isolate.
        unsafe { ffi::polysnap__Runtime__ReleaseHandles(self.state_ptr()) }
    }

    /// Evaluates `source` as a script named `<eval>` and returns its value.
    pub fn eval(&mut self, source: &str) -> Result<HostValue, V8Error> {
        self.run_script("<eval>", source)
    }

    /// The natives' ids in this isolate's external-reference-table order.
    pub fn native_ids(&self) -> Vec<StableId> {
        self.table.ids()
    }

    /// The snapshot this runtime was restored from, if any.
    pub fn snapshot(&self) -> Option<&SharedBytes> {
        self.blob.as_ref()
    }
}

/// Reads a blob's envelope without restoring it (see [`crate::envelope`]).
pub fn inspect_blob(blob: &[u8]) -> Result<BlobHeader, V8Error> {
    envelope::read_header(blob)
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // SAFETY: the state came from polysnap__Runtime__NewFromSnapshot and is deleted once,
        // here, before the table and the blob (fields drop after this body).
        unsafe { ffi::polysnap__Runtime__Delete(self.state.as_ptr()) }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("natives", &self.table.ids())
            .field("snapshot", &self.blob)
            .field("contexts", &self.contexts)
            .field("current", &self.current_context())
            .finish_non_exhaustive()
    }
}
