//! A ready-made host runtime: what a small Node-like program needs, written once for every
//! engine against snapshot-core's neutral API. The `polysnap` command runs every script in
//! it; an embedder may use it whole ([`Host::registry`], [`Host::rehydrators`],
//! [`Host::runtime_script`] as the first setup script) or bring natives of its own.
//!
//! * [`natives`]: the Rust side (stdio, files, clock, process) as registered natives;
//! * `js/runtime.js`: the JavaScript side (console, timers, `process`, `require` with
//!   `require.cache`, `fs`, `performance`), installed before the setup scripts;
//! * [`event_loop`]: runs timers until none is left;
//! * [`modules`]: the Node-like resolver of ES module imports;
//! * [`rehydrators`]: what the heap cannot hold — pending timers' remaining delays, stdio
//!   re-detection, open files, the module cache's file hashes.

pub mod event_loop;
pub mod modules;
pub mod natives;
pub mod rehydrators;

use std::sync::Arc;

use snapshot_core::{DynScriptHost, Registry, RegistryError, Rehydrators};

pub use natives::{FilePolicy, HostState, ModulePolicy};

const RUNTIME_JS: &str = include_str!("../js/runtime.js");

/// The host: its natives' shared state and policies.
#[derive(Clone)]
pub struct Host {
    /// State the natives share (open files, argv, exit code).
    pub state: Arc<HostState>,
}

impl Host {
    /// A host whose `process.argv` is `argv`.
    pub fn new(argv: Vec<String>, files: FilePolicy, modules: ModulePolicy) -> Host {
        Host { state: Arc::new(HostState::new(argv, files, modules)) }
    }

    /// A registry holding the host's natives.
    pub fn registry(&self) -> Result<Registry, RegistryError> {
        let mut registry = Registry::new();
        natives::register(&mut registry, &self.state)?;
        Ok(registry)
    }

    /// The host's rehydrators: timers, stdio, files, modules.
    pub fn rehydrators(&self) -> Rehydrators<DynScriptHost> {
        rehydrators::all(&self.state)
    }

    /// The host's Node-like module resolver ([`modules::resolve`]), keeping the ledger of
    /// what it loads: each module's source hash is recorded for the module map's rehydrator,
    /// and a module whose file changed since the snapshot (policy `reload`) loads as a new
    /// instance.
    pub fn module_resolver(&self) -> crate::ModuleResolver {
        let state = self.state.clone();
        Arc::new(move |specifier: &str, referrer: &str| {
            modules::resolve(specifier, referrer).map(|module| state.es_modules.hand_out(module))
        })
    }

    /// Records the ES modules among `scripts` (roots of module graphs, which no resolver
    /// loaded) in the ledger of [`module_resolver`](Self::module_resolver).
    pub fn note_modules(&self, scripts: &[crate::Script]) {
        for script in scripts.iter().filter(|s| s.kind == crate::ScriptKind::Module) {
            let module = snapshot_core::ModuleSource { url: script.name.clone(), source: script.source.clone() };
            self.state.es_modules.note(&module);
        }
    }

    /// The JavaScript side, as the first setup script.
    pub fn runtime_script(&self) -> crate::Script {
        crate::Script::new("polysnap:runtime.js", RUNTIME_JS)
    }
}
