//! ES modules: a module graph compiled, linked and evaluated in a builder's default context
//! (top-level await settled by the microtask queue), captured with the context, and found
//! again by URL in a runtime restored from the blob; in a runtime, module graphs run fresh
//! ([`Runtime::run_module`]) and `import()` loads through the host's loader.
//!
//! The host resolves imports ([`ModuleLoader`]); each URL is compiled once per isolate
//! (`ModuleGraph`), so a cycle or a module imported twice is one instance. The blob's
//! envelope lists the module URLs in id order and V8 keeps the modules as the default
//! context's snapshot data (in the same order), so a restored runtime has the same
//! instances, their state as captured; `import()` of one of them gives that instance (its
//! top level does not run again), of a new URL a module loaded then, which may import
//! captured ones.
//!
//! V8 10.2 cannot serialize a module namespace object (the getter of its entries is not in
//! any external-reference table: `CreateBlob` ends the process), so a builder never makes
//! one: a module whose source binds one (`import * as`, `export * as`) is refused by line
//! before it is compiled, and `import()` rejects while building, saying why. A runtime
//! makes namespaces on demand ([`Runtime::module_namespace`], `import()`).

use snapshot_core::{HostValue, ModuleLoader, ModuleSource};

use crate::buf::Buf;
use crate::convert;
use crate::error::V8Error;
use crate::ffi;
use crate::module_graph::{evaluate, import_module, ModuleGraph};
use crate::{Runtime, SnapshotBuilder};

impl SnapshotBuilder {
    /// Runs the module graph rooted at `root` in the default context: every import loaded
    /// through `loader` (each URL compiled once, modules of earlier graphs included), the
    /// graph linked, the root evaluated and its top-level await settled. Its modules are
    /// captured with the context; a restored [`Runtime`] finds them by URL.
    pub fn run_module(&mut self, root: ModuleSource, loader: &mut dyn ModuleLoader) -> Result<(), V8Error> {
        let state = self.state();
        let id = self.graph.load(state, &root, loader)?;
        evaluate(state, id, &root.url)
    }

    /// The URLs of the modules run so far, in id order.
    pub fn module_urls(&self) -> &[String] {
        &self.graph.urls
    }
}

impl Runtime {
    /// Takes the blob's modules back (once, as the runtime is made).
    pub(crate) fn load_modules(&mut self, urls: Vec<String>) -> Result<(), V8Error> {
        if urls.is_empty() {
            return Ok(());
        }
        let count = u32::try_from(urls.len())
            .map_err(|_| V8Error::Internal(format!("{} modules do not fit a u32", urls.len())))?;
        let mut encoded = Vec::new();
        for url in &urls {
            encoded.extend_from_slice(&(url.len() as u32).to_le_bytes());
            encoded.extend_from_slice(url.as_bytes());
        }
        let buf = Buf::new()?;
        // SAFETY: the state is live and restored from a blob whose envelope lists `count`
        // modules; `encoded` is valid for the call (the shim copies the URLs and checks
        // each data index and length).
        let status = unsafe {
            ffi::polysnap__Runtime__LoadModules(self.state_ptr(), count, encoded.as_ptr(), encoded.len(), buf.as_ptr())
        };
        buf.check(status, "<modules>")?;
        *self.modules = ModuleGraph::restored(urls);
        Ok(())
    }

    /// Points the shim's `import()` at this runtime's module graph.
    pub(crate) fn answer_imports(&mut self) {
        let ctx = self.modules.as_ctx();
        // SAFETY: the state is live; `ctx` is the boxed graph, which the runtime drops only
        // after deleting the state (see Drop), and `import_module` matches ImportFn.
        unsafe { ffi::polysnap__Runtime__SetImportHandler(self.state_ptr(), import_module, ctx) }
    }

    /// Sets the loader that resolves the imports of [`run_module`](Self::run_module) and
    /// every `import(specifier)` a script or module runs: given the specifier and the
    /// importing script's name or module's URL, it returns the module's URL and source. A
    /// URL the runtime already has (a module of the snapshot, one loaded before) is that
    /// instance; its source is not compiled again.
    pub fn set_module_loader(&mut self, loader: Box<dyn ModuleLoader>) {
        self.modules.loader = Some(loader);
    }

    /// Runs the module graph rooted at `root` in the default context, as a builder does
    /// (imports through the loader set with [`set_module_loader`](Self::set_module_loader);
    /// a URL the runtime already has is that instance), and settles its top-level await.
    pub fn run_module(&mut self, root: ModuleSource) -> Result<(), V8Error> {
        let state = self.state_ptr();
        let id = self.modules.with_own_loader(|graph, loader| graph.load(state, &root, loader))?;
        evaluate(state, id, &root.url)
    }

    /// The URLs of the runtime's modules in id order: the snapshot's, then those loaded
    /// since (empty for a fresh runtime that ran none).
    pub fn module_urls(&self) -> &[String] {
        &self.modules.urls
    }

    /// The namespace of module `url` (of the snapshot, or loaded since), converted (see
    /// [`crate::convert`]): its exports as they are now, the same module instance the setup
    /// evaluated.
    pub fn module_namespace(&mut self, url: &str) -> Result<HostValue, V8Error> {
        let Some(id) = self.modules.id_of(url) else {
            return Err(V8Error::UnknownModule { url: url.to_owned(), available: self.modules.urls.clone() });
        };
        let buf = Buf::new()?;
        // SAFETY: the state is live and `id` one of its loaded modules.
        let status = unsafe { ffi::polysnap__Module__Namespace(self.state_ptr(), id, buf.as_ptr()) };
        buf.check(status, url)?;
        convert::decode(buf.bytes())
    }
}
