//! The engine state shared by [`Recorder`](crate::Recorder) and [`Runtime`](crate::Runtime):
//! one JSRT runtime, its current context, the promise job queue, handles and native slots.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use snapshot_core::{HostValue, SharedBytes};

use crate::bytecode::{SourceText, Verified};
use crate::convert::{self, Handles};
use crate::error::ChakraError;
use crate::jobs::JobQueue;
use crate::jsrt::{ContextHandle, RuntimeHandle, Value};
use crate::natives::{self, NativeSlot, NativeSpec};
use crate::sys::{JsErrorCode, Jsrt};

/// One JSRT runtime with one current context. Not `Send`: JSRT runtimes are bound to the
/// thread that uses them (the raw handles inside make this type `!Send` and `!Sync`).
pub(crate) struct Engine {
    pub(crate) jsrt: Arc<Jsrt>,
    pub(crate) rt: RuntimeHandle,
    ctx: Cell<Option<ContextHandle>>,
    jobs: Box<JobQueue>,
    handles: Rc<RefCell<Handles>>,
    /// Boxed so each slot keeps its address when the vector grows: the engine's native
    /// functions point at them.
    #[allow(clippy::vec_box)]
    slots: RefCell<Vec<Box<NativeSlot>>>,
    next_source: Cell<usize>,
    /// Sources of scripts serialized or run from bytecode: the engine reads them from this
    /// memory, or asks for them through a callback whose cookie is their address, until
    /// the runtime is disposed; dropped after it.
    sources: RefCell<Vec<Rc<SourceText>>>,
    /// Bytes the host asked the runtime to keep (a mapped snapshot): sources and bytecode
    /// inside them are used in place; dropped after the runtime is disposed.
    retained: RefCell<Vec<SharedBytes>>,
}

impl Engine {
    /// Wraps a just-created runtime (disposed on drop from here on).
    pub(crate) fn new(jsrt: Arc<Jsrt>, rt: RuntimeHandle) -> Engine {
        Engine {
            jobs: Box::new(JobQueue::new(jsrt.clone())),
            jsrt,
            rt,
            ctx: Cell::new(None),
            handles: Rc::default(),
            slots: RefCell::default(),
            next_source: Cell::new(1),
            sources: RefCell::default(),
            retained: RefCell::default(),
        }
    }

    /// Makes `ctx` this runtime's context and current.
    pub(crate) fn set_context(&self, ctx: ContextHandle) -> Result<(), ChakraError> {
        self.ctx.set(Some(ctx));
        self.jsrt.set_current_context(Some(ctx))
    }

    /// Makes this runtime's context current (each public operation starts with this, so
    /// several runtimes can take turns on one thread).
    pub(crate) fn enter(&self) -> Result<(), ChakraError> {
        let ctx = self.ctx.get().ok_or_else(|| ChakraError::Usage("runtime has no context".into()))?;
        self.jsrt.set_current_context(Some(ctx))
    }

    /// Re-reads the current context (inflation replaces the contexts).
    pub(crate) fn adopt_current_context(&self) -> Result<(), ChakraError> {
        let ctx = self.jsrt.current_context()?.ok_or_else(|| ChakraError::Ttd {
            step: "inflate",
            detail: "expected a current context after inflating the snapshot, found none".into(),
        })?;
        self.ctx.set(Some(ctx));
        Ok(())
    }

    /// Installs this runtime's promise continuation callback.
    pub(crate) fn install_promise_callback(&self) -> Result<(), ChakraError> {
        self.jobs.install()
    }

    /// Installs the natives (see [`natives::install`]); returns unprovided table keys.
    pub(crate) fn install_natives(&self, specs: Vec<NativeSpec>) -> Result<Vec<String>, ChakraError> {
        let source_context = self.next_source_context();
        natives::install(&self.jsrt, &self.handles, &self.slots, specs, source_context)
    }

    /// Reopens the wrap door just before a snapshot (see [`natives`]).
    pub(crate) fn reopen_wrap_door(&self) -> Result<(), ChakraError> {
        self.enter()?;
        natives::reopen_wrap_door(&self.jsrt, &self.handles)
    }

    /// Closes the wrap door after a snapshot (see [`natives`]).
    pub(crate) fn close_wrap_door(&self) -> Result<(), ChakraError> {
        self.enter()?;
        natives::close_wrap_door(&self.jsrt, &self.handles)
    }

    fn next_source_context(&self) -> usize {
        let n = self.next_source.get();
        self.next_source.set(n + 1);
        n
    }

    /// Runs `source` named `name` and returns its completion value as a raw value.
    pub(crate) fn run_raw(&self, name: &str, source: &str) -> Result<Value, ChakraError> {
        self.enter()?;
        let source_context = self.next_source_context();
        // TTD ends the process recording an empty script ("Don't allocate empty arrays",
        // found by the npm corpus): a single space is the same program.
        let source = if source.is_empty() { " " } else { source };
        self.jsrt.run(source, source_context, name)
    }

    /// Runs `source`, drains the promise jobs, converts the completion value.
    pub(crate) fn run(&self, name: &str, source: &str) -> Result<HostValue, ChakraError> {
        let v = self.run_raw(name, source)?;
        self.drain_jobs()?;
        self.to_host(v)
    }

    /// Keeps `source` until the runtime is disposed (see `sources`): in place when it lies
    /// in retained bytes, else a copy.
    fn keep_source(&self, source: &str) -> Result<Rc<SourceText>, ChakraError> {
        let text = match self.retained_part(source.as_bytes()) {
            Some(bytes) if !source.is_empty() => SourceText::in_place(self.jsrt.clone(), bytes)?,
            _ => SourceText::new(self.jsrt.clone(), source)?,
        };
        let text = Rc::new(text);
        self.sources.borrow_mut().push(text.clone());
        Ok(text)
    }

    /// Keeps `bytes` until the runtime is disposed.
    pub(crate) fn retain(&self, bytes: SharedBytes) {
        self.retained.borrow_mut().push(bytes);
    }

    /// `part` as retained bytes, when it lies inside bytes the runtime keeps.
    fn retained_part(&self, part: &[u8]) -> Option<SharedBytes> {
        self.retained.borrow().iter().find_map(|kept| kept.sub(part))
    }

    /// Parses `source` without running it and returns ChakraCore's bytecode for it.
    pub(crate) fn serialize(&self, source: &str) -> Result<Vec<u8>, ChakraError> {
        self.enter()?;
        let text = self.keep_source(source)?;
        text.serialize()
    }

    /// Runs checked bytecode of `source` named `name`, drains the promise jobs, converts
    /// the completion value.
    pub(crate) fn run_serialized(
        &self,
        name: &str,
        source: &str,
        bytecode: &Verified<'_>,
    ) -> Result<HostValue, ChakraError> {
        self.enter()?;
        let text = self.keep_source(source)?;
        // Retained bytecode is read in place for the runtime's life (`retained` outlives it).
        let in_place = self.retained_part(bytecode.bytes());
        let v = text.run_serialized(bytecode, in_place.as_ref(), name).map_err(|e| match e {
            ChakraError::Engine { code, .. } if code == JsErrorCode::BAD_SERIALIZED_SCRIPT => ChakraError::Bytecode {
                reason: format!(
                    "ChakraCore refused the bytecode's own header with {code}: it names another ChakraCore \
                     version or architecture, or the header is damaged"
                ),
            },
            e => e,
        })?;
        self.drain_jobs()?;
        self.to_host(v)
    }

    /// Runs queued promise jobs (and the jobs they queue) until none is left (see
    /// [`JobQueue::run_all`]).
    pub(crate) fn drain_jobs(&self) -> Result<(), ChakraError> {
        self.enter()?;
        self.jobs.run_all()
    }

    /// Number of queued promise jobs.
    pub(crate) fn pending_jobs(&self) -> usize {
        self.jobs.len()
    }

    /// Converts to a host value.
    pub(crate) fn to_host(&self, v: Value) -> Result<HostValue, ChakraError> {
        convert::to_host(&self.jsrt, &self.handles, v)
    }

    /// Converts from a host value.
    pub(crate) fn to_engine(&self, h: &HostValue) -> Result<Value, ChakraError> {
        convert::from_host(&self.jsrt, &self.handles, h)
    }

    /// Calls `global[name](...args)`.
    pub(crate) fn call_global(&self, name: &str, args: &[HostValue]) -> Result<HostValue, ChakraError> {
        self.enter()?;
        let global = self.jsrt.global()?;
        let f = self.jsrt.get(global, name)?;
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            let v = self.to_engine(a)?;
            // Held on the heap while later arguments allocate: keep them alive.
            self.jsrt.add_ref(v)?;
            values.push(v);
        }
        let result = self.jsrt.call(f, global, &values);
        for v in values {
            let _ = self.jsrt.release(v);
        }
        let result = result?;
        self.drain_jobs()?;
        self.to_host(result)
    }

    /// Number of handles held for the host.
    pub(crate) fn handle_count(&self) -> usize {
        self.handles.borrow().len()
    }

    /// Releases every handle given out so far.
    pub(crate) fn release_handles(&self) -> Result<(), ChakraError> {
        self.enter()?;
        self.handles.borrow_mut().release_all(&self.jsrt);
        Ok(())
    }

    /// Engine heap size in bytes.
    pub(crate) fn memory_usage(&self) -> Result<usize, ChakraError> {
        self.jsrt.memory_usage(self.rt)
    }

    /// Full garbage collection.
    pub(crate) fn collect_garbage(&self) -> Result<(), ChakraError> {
        self.enter()?;
        self.jsrt.collect_garbage(self.rt)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let jsrt = self.jsrt.clone();
        if self.enter().is_ok() {
            self.jobs.clear_releasing();
            self.handles.borrow_mut().release_all(&jsrt);
            self.handles.borrow_mut().release_bridge(&jsrt);
        }
        let _ = jsrt.set_current_context(None);
        if let Err(e) = jsrt.dispose_runtime(self.rt) {
            eprintln!("polysnap/chakra: disposing a runtime failed: {e}");
        }
        // `slots`, `jobs` and `sources` (referenced by the engine) are dropped after this, when the
        // runtime can no longer call them.
    }
}
