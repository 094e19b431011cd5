//! The ES modules of one isolate: each URL compiled once, linked as the host's loader
//! resolves its imports, and the shim's `import()` answered from the same graph (see
//! [`crate::modules`] for what builders and runtimes do with it).

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use snapshot_core::{ModuleLoader, ModuleSource};

use crate::buf::Buf;
use crate::error::V8Error;
use crate::ffi;

/// The ES modules of one isolate's default context: their URLs in the shim's id order, the
/// imports of those compiled but not linked yet, and (runtimes) the loader `import()` uses.
#[derive(Default)]
pub(crate) struct ModuleGraph {
    pub(crate) urls: Vec<String>,
    // A builder's graph: its modules are captured, so none may make a namespace object.
    capturing: bool,
    unlinked: HashMap<u32, Vec<String>>,
    pub(crate) loader: Option<Box<dyn ModuleLoader>>,
}

impl ModuleGraph {
    /// A builder's graph (no module of it may make a namespace object).
    pub(crate) fn capturing() -> ModuleGraph {
        ModuleGraph { capturing: true, ..ModuleGraph::default() }
    }

    /// A graph of the modules a snapshot restored (already linked and evaluated).
    pub(crate) fn restored(urls: Vec<String>) -> ModuleGraph {
        ModuleGraph { urls, ..ModuleGraph::default() }
    }

    /// Compiles `root` and every module it imports that `state` does not have yet (each
    /// URL once), links them, and returns `root`'s id. Nothing is evaluated.
    pub(crate) fn load(
        &mut self,
        state: *mut ffi::PsState,
        root: &ModuleSource,
        loader: &mut dyn ModuleLoader,
    ) -> Result<u32, V8Error> {
        let root_id = self.compile(state, root)?;
        let mut pending = vec![(root_id, root.url.clone())];
        while let Some((id, url)) = pending.pop() {
            // Removed once linked: after a failed load, a later one walks them again.
            let Some(specifiers) = self.unlinked.get(&id).cloned() else { continue };
            let mut targets = Vec::with_capacity(specifiers.len());
            for specifier in specifiers {
                let module = loader.load(&specifier, &url).map_err(|reason| V8Error::ModuleNotLoaded {
                    specifier: specifier.clone(),
                    referrer: url.clone(),
                    reason,
                })?;
                let target = self.compile(state, &module)?;
                pending.push((target, module.url));
                targets.push(target);
            }
            self.link(state, id, &targets)?;
            self.unlinked.remove(&id);
        }
        Ok(root_id)
    }

    /// Calls `f` with this graph and its own loader (taken out meanwhile; no JavaScript runs
    /// while a graph loads, so nothing can set another). Without one, every import is an
    /// error saying so.
    pub(crate) fn with_own_loader<R>(&mut self, f: impl FnOnce(&mut ModuleGraph, &mut dyn ModuleLoader) -> R) -> R {
        let mut loader = self.loader.take();
        let mut none = no_loader;
        let result = match loader.as_deref_mut() {
            Some(loader) => f(self, loader),
            None => f(self, &mut none),
        };
        self.loader = loader;
        result
    }

    /// The id of `module`, compiling it when its URL is new (its imports then wait in
    /// `unlinked` to be linked).
    fn compile(&mut self, state: *mut ffi::PsState, module: &ModuleSource) -> Result<u32, V8Error> {
        if let Some(id) = self.id_of(&module.url) {
            return Ok(id);
        }
        if self.capturing {
            if let Some(&line) = snapshot_core::scan::namespace_bindings(&module.source).first() {
                return Err(V8Error::ModuleNamespace { url: module.url.clone(), line });
            }
        }
        let buf = Buf::new()?;
        let mut id = 0u32;
        // SAFETY: the state is live; the strings are valid for the call (V8 copies them).
        let status = unsafe {
            ffi::polysnap__Module__Compile(
                state,
                module.url.as_ptr() as *const c_char,
                module.url.len(),
                module.source.as_ptr() as *const c_char,
                module.source.len(),
                &mut id,
                buf.as_ptr(),
            )
        };
        buf.check(status, &module.url)?;
        debug_assert_eq!(id as usize, self.urls.len(), "the shim's ids are ours");
        self.urls.push(module.url.clone());
        self.unlinked.insert(id, specifiers(buf.bytes())?);
        Ok(id)
    }

    fn link(&self, state: *mut ffi::PsState, id: u32, targets: &[u32]) -> Result<(), V8Error> {
        let buf = Buf::new()?;
        // SAFETY: the state is live; `targets` is a valid slice for the call (the shim copies
        // it and checks every id).
        let status = unsafe { ffi::polysnap__Module__Link(state, id, targets.as_ptr(), targets.len(), buf.as_ptr()) };
        buf.check(status, &self.urls[id as usize])
    }

    pub(crate) fn id_of(&self, url: &str) -> Option<u32> {
        self.urls.iter().position(|u| u == url).map(|id| id as u32)
    }

    /// The context pointer the shim passes back to [`import_module`].
    pub(crate) fn as_ctx(&mut self) -> *mut c_void {
        self as *mut ModuleGraph as *mut c_void
    }
}

/// The import specifiers the shim wrote: u32 count, then (u32 length, UTF-8) each.
fn specifiers(bytes: &[u8]) -> Result<Vec<String>, V8Error> {
    let mut rest = bytes;
    let mut take = |n: usize| -> Result<&[u8], V8Error> {
        if rest.len() < n {
            return Err(V8Error::Internal("the shim's list of import specifiers is cut short".into()));
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let count = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
    (0..count)
        .map(|_| {
            let len = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
            Ok(String::from_utf8_lossy(take(len)?).into_owned())
        })
        .collect()
}

fn no_loader(_specifier: &str, _referrer: &str) -> Result<ModuleSource, String> {
    Err("this runtime has no module loader (set one with Runtime::set_module_loader)".into())
}

/// Evaluates module `id` of `state` (instantiated first when it is new), draining the
/// microtasks so that a top-level await settles.
pub(crate) fn evaluate(state: *mut ffi::PsState, id: u32, url: &str) -> Result<(), V8Error> {
    let buf = Buf::new()?;
    // SAFETY: the state is live and `id` one of its modules, its graph linked.
    let status = unsafe { ffi::polysnap__Module__Evaluate(state, id, buf.as_ptr()) };
    buf.check(status, url)
}

/// The shim's `import(specifier)` from the script or module `referrer`: the module loaded
/// (new modules compiled and linked) through the graph's loader; its id in `id`, or an error
/// text in `out`.
///
/// # Safety
/// `ctx` must be the live [`ModuleGraph`] of `state` with no Rust reference to it held
/// across the call that reached V8; the strings must be readable for their lengths and
/// `id`, `out` valid. The shim guarantees these: it calls from V8's callback, during a call
/// of the runtime's that borrows nothing of the graph.
pub(crate) unsafe extern "C" fn import_module(
    ctx: *mut c_void,
    state: *mut ffi::PsState,
    specifier: *const c_char,
    specifier_len: usize,
    referrer: *const c_char,
    referrer_len: usize,
    id: *mut u32,
    out: *mut ffi::PsBuf,
) -> c_int {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: per this function's contract.
        let (graph, specifier, referrer) =
            unsafe { (&mut *(ctx as *mut ModuleGraph), text(specifier, specifier_len), text(referrer, referrer_len)) };
        import(graph, state, &specifier, &referrer)
    }));
    let message = match outcome {
        Ok(Ok(module)) => {
            // SAFETY: `id` is valid (contract).
            unsafe { *id = module };
            return ffi::OK;
        }
        Ok(Err(message)) => message,
        Err(panic) => {
            let what =
                panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
            format!("import(): the module loader panicked: {}", what.as_deref().unwrap_or("non-string panic payload"))
        }
    };
    // SAFETY: `out` is a live shim buffer (contract); the message is a valid slice.
    unsafe { ffi::polysnap__Buf__Append(out, message.as_ptr(), message.len()) };
    ffi::INTERNAL_ERROR
}

/// The module `import(specifier)` from `referrer` names, loaded into `graph`.
fn import(graph: &mut ModuleGraph, state: *mut ffi::PsState, specifier: &str, referrer: &str) -> Result<u32, String> {
    let from = if referrer.is_empty() { "<unknown>" } else { referrer };
    let failed = |reason: String| format!("import('{specifier}') from {from}: {reason}");
    graph.with_own_loader(|graph, loader| {
        let module = loader.load(specifier, referrer).map_err(failed)?;
        graph.load(state, &module, loader).map_err(|e| failed(e.to_string()))
    })
}

/// A UTF-8 text from the shim (lossy: the shim only passes what V8 gave as UTF-8).
///
/// # Safety
/// `p` must be readable for `len` bytes (or `len` zero).
unsafe fn text(p: *const c_char, len: usize) -> String {
    if len == 0 {
        return String::new();
    }
    // SAFETY: per this function's contract.
    String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(p as *const u8, len) }).into_owned()
}
