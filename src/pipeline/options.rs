//! How to make a snapshot: [`MakeOptions`], and the progress and notes it reports.

use snapshot_core::format::Strategy;
use snapshot_core::ModuleSource;

use crate::pipeline::script::Script;
use crate::pipeline::verify::RestoreCheck;

/// The step `make` reports while it restores the snapshot it made to check it (a crash
/// during this step is the engine failing on the snapshot, not on the setup).
pub const VERIFY_STEP: &str = "restoring the snapshot to check it";

/// Resolves an ES module import for `make`: `(specifier, URL of the importing module)` to
/// the module, or the reason it cannot.
pub type ModuleResolver = std::sync::Arc<dyn Fn(&str, &str) -> Result<ModuleSource, String> + Send + Sync>;

/// Told each step of making a snapshot as it starts (`running setup.js`, `capturing the heap`).
pub type Progress = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// How to make a snapshot.
#[derive(Clone, Default)]
pub struct MakeOptions {
    /// Store the natives' names in the file (always on in debug builds).
    pub embed_names: bool,
    /// A script whose calls compile code that is kept, while its side effects are not.
    pub warmup: Option<Script>,
    /// Named contexts to capture beside the default one (capability `NAMED_CONTEXTS`):
    /// each a name and the scripts that set it up.
    pub contexts: Vec<(String, Vec<Script>)>,
    /// Told each step as it starts (the CLI shows it on a terminal).
    pub progress: Option<Progress>,
    /// What to capture: the heap (default), or the sources with the engine's code cache.
    pub strategy: Strategy,
    /// Told what the snapshot will not bring back that the engine declares it cannot (each a
    /// capability gap, found by the verified capture); the CLI prints these as notes.
    pub notes: Option<Progress>,
    /// Where the verified capture restores the snapshot to check it; `None` is this process
    /// (a restore the engine dies on then ends it). The CLI checks in a child process.
    pub restore_check: Option<RestoreCheck>,
    /// Write the snapshot without restoring it first to check that it gives back the state
    /// that was captured (a heap snapshot; code-cache snapshots are always proved by a second
    /// run). Off by default: a snapshot that is not checked may kill the process that restores it.
    pub skip_verification: bool,
    /// Resolves the imports of ES module scripts ([`ScriptKind::Module`](crate::ScriptKind));
    /// `None` refuses every import, naming it.
    pub module_resolver: Option<ModuleResolver>,
}

impl std::fmt::Debug for MakeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MakeOptions")
            .field("embed_names", &self.embed_names)
            .field("warmup", &self.warmup)
            .field("contexts", &self.contexts)
            .field("progress", &self.progress.is_some())
            .field("notes", &self.notes.is_some())
            .field("restore_check", &self.restore_check.as_ref().map(|_| "elsewhere"))
            .field("strategy", &self.strategy)
            .field("skip_verification", &self.skip_verification)
            .field("module_resolver", &self.module_resolver.as_ref().map(|_| "given"))
            .finish()
    }
}

impl MakeOptions {
    pub(crate) fn step(&self, what: &str) {
        if let Some(progress) = &self.progress {
            progress(what);
        }
    }

    pub(crate) fn note(&self, what: &str) {
        if let Some(notes) = &self.notes {
            notes(what);
        }
    }
}
