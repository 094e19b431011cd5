//! ES modules: a module graph compiled, linked and evaluated in a builder's default context
//! (top-level await settled by the microtask queue), captured with the context, and found
//! again by URL in a runtime restored from the blob.
//!
//! The host resolves imports ([`ModuleLoader`]); each URL is compiled once per builder, so
//! a cycle or a module imported twice is one instance. The blob's envelope lists the module
//! URLs in id order and V8 keeps the modules as the default context's snapshot data (in the
//! same order), so a restored runtime has the same instances, their state as captured.
//!
//! V8 10.2 cannot serialize a module namespace object (the getter of its entries is not in
//! any external-reference table: `CreateBlob` ends the process), so a builder never makes
//! one: a module whose source binds one (`import * as`, `export * as`) is refused by line
//! before it is compiled, and `import()` rejects while building (V8 has no host callback
//! then). A restored runtime makes namespaces on first use ([`Runtime::module_namespace`]).

use std::ffi::c_char;

use snapshot_core::{HostValue, ModuleLoader, ModuleSource};

use crate::buf::Buf;
use crate::convert;
use crate::error::V8Error;
use crate::ffi;
use crate::{Runtime, SnapshotBuilder};

impl SnapshotBuilder {
    /// Runs the module graph rooted at `root` in the default context: every import loaded
    /// through `loader` (each URL compiled once, modules of earlier graphs included), the
    /// graph linked, the root evaluated and its top-level await settled. Its modules are
    /// captured with the context; a restored [`Runtime`] finds them by URL.
    pub fn run_module(&mut self, root: ModuleSource, loader: &mut dyn ModuleLoader) -> Result<(), V8Error> {
        let root_id = self.module_id(&root)?;
        let mut pending = vec![(root_id, root.url.clone())];
        while let Some((id, url)) = pending.pop() {
            let Some(specifiers) = self.unlinked.remove(&id) else { continue };
            let mut targets = Vec::with_capacity(specifiers.len());
            for specifier in specifiers {
                let module = loader.load(&specifier, &url).map_err(|reason| V8Error::ModuleNotLoaded {
                    specifier: specifier.clone(),
                    referrer: url.clone(),
                    reason,
                })?;
                let target = self.module_id(&module)?;
                pending.push((target, module.url));
                targets.push(target);
            }
            self.link_module(id, &targets)?;
        }
        let buf = Buf::new()?;
        // SAFETY: the state is live and `root_id` one of its modules, its graph linked.
        let status = unsafe { ffi::polysnap__Builder__EvaluateModule(self.state(), root_id, buf.as_ptr()) };
        buf.check(status, &root.url)
    }

    /// The id of `module`, compiling it when its URL is new (its imports then wait in
    /// `unlinked` for [`run_module`](Self::run_module) to link them).
    fn module_id(&mut self, module: &ModuleSource) -> Result<u32, V8Error> {
        if let Some(id) = self.modules.iter().position(|url| *url == module.url) {
            return Ok(id as u32);
        }
        if let Some(&line) = snapshot_core::scan::namespace_bindings(&module.source).first() {
            return Err(V8Error::ModuleNamespace { url: module.url.clone(), line });
        }
        let buf = Buf::new()?;
        let mut id = 0u32;
        // SAFETY: the state is live; the strings are valid for the call (V8 copies them).
        let status = unsafe {
            ffi::polysnap__Builder__CompileModule(
                self.state(),
                module.url.as_ptr() as *const c_char,
                module.url.len(),
                module.source.as_ptr() as *const c_char,
                module.source.len(),
                &mut id,
                buf.as_ptr(),
            )
        };
        buf.check(status, &module.url)?;
        debug_assert_eq!(id as usize, self.modules.len(), "the shim's ids are ours");
        self.modules.push(module.url.clone());
        self.unlinked.insert(id, specifiers(buf.bytes())?);
        Ok(id)
    }

    fn link_module(&mut self, id: u32, targets: &[u32]) -> Result<(), V8Error> {
        let buf = Buf::new()?;
        // SAFETY: the state is live; `targets` is a valid slice for the call (the shim copies
        // it and checks every id).
        let status = unsafe {
            ffi::polysnap__Builder__LinkModule(self.state(), id, targets.as_ptr(), targets.len(), buf.as_ptr())
        };
        buf.check(status, &self.modules[id as usize])
    }

    /// The URLs of the modules run so far, in id order.
    pub fn module_urls(&self) -> &[String] {
        &self.modules
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
        self.modules = urls;
        Ok(())
    }

    /// The URLs of the snapshot's modules, in id order (empty for a fresh runtime).
    pub fn module_urls(&self) -> &[String] {
        &self.modules
    }

    /// The namespace of the captured module `url`, converted (see [`crate::convert`]): its
    /// exports as they are now, the same module instance the setup evaluated.
    pub fn module_namespace(&mut self, url: &str) -> Result<HostValue, V8Error> {
        let Some(id) = self.modules.iter().position(|m| m == url) else {
            return Err(V8Error::UnknownModule { url: url.to_owned(), available: self.modules.clone() });
        };
        let buf = Buf::new()?;
        // SAFETY: the state is live and `id` one of its loaded modules.
        let status = unsafe { ffi::polysnap__Runtime__ModuleNamespace(self.state_ptr(), id as u32, buf.as_ptr()) };
        buf.check(status, url)?;
        convert::decode(buf.bytes())
    }
}
