//! The facade's errors: each says what was expected, what was found and what to do.

use snapshot_core::{EngineKind, FormatError, IdentityError, ReconcileError, RegistryError, RehydrateError};

/// Making or restoring a snapshot failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The snapshot file is unusable (damaged, truncated, foreign, another engine build).
    #[error(transparent)]
    Format(#[from] FormatError),
    /// The live natives do not match the snapshot's reference table.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
    /// Registering the host's natives failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// An identity-map lookup failed.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// A rehydrator failed.
    #[error(transparent)]
    Rehydrate(#[from] RehydrateError),
    /// The engine reported an error (a JS exception, an engine refusal).
    #[error("{engine}: {source}")]
    Engine {
        /// Which engine.
        engine: EngineKind,
        /// The backend's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The `code-cache` strategy was asked for a setup that is not deterministic.
    #[error("the setup is not deterministic, so the code-cache strategy cannot re-run it: after running it twice, {} is {} after the first run and {} after the second (Date.now(), Math.random() or host input?); make the snapshot with the heap strategy", .difference.path, .difference.before, .difference.after)]
    NotDeterministic {
        /// The first place the two runs differ.
        difference: Difference,
    },
    /// `--strategy auto` found no usable strategy.
    #[error("no strategy can snapshot this setup on {engine}: {reasons}")]
    NoUsableStrategy {
        /// The engine.
        engine: EngineKind,
        /// Why each candidate was dropped.
        reasons: String,
    },
    /// An ES module was given to a step that runs classic scripts only.
    #[error("{module} is an ES module, but {step} runs classic scripts only (modules run in a snapshot's setup, with the heap strategy): make the snapshot with `--strategy heap`, or give this step classic scripts")]
    ModuleNotSupported {
        /// The module's URL.
        module: String,
        /// The step (`the code-cache strategy`).
        step: &'static str,
    },
    /// The heap holds something the engine is known to die on (or lose) at capture or restore.
    #[error("{engine} cannot snapshot this heap: {path}: {reason}. Nothing was written: keep that value out of the heap at capture (or drop the last reference to it), or make the snapshot with the other engine")]
    Refused {
        /// The engine.
        engine: EngineKind,
        /// Where the value is (`globalThis.big.x`, `%Array.prototype%`).
        path: String,
        /// What the engine does with it.
        reason: String,
    },
    /// A restore of the snapshot just made ended the process that tried it.
    #[error("a restore of the {engine} snapshot just made ended the process that tried it ({signal}): every process restoring it would die the same way, so nothing was written.{} Keep the object the engine names out of the heap at capture (or drop the last reference to it), or make the snapshot with the other engine; please report the setup so that polysnap can refuse it by name before capture", if .engine_said.is_empty() { String::new() } else { format!(" The engine said: {}.", .engine_said) })]
    RestoreDies {
        /// The engine.
        engine: EngineKind,
        /// The signal (`signal 6, SIGABRT`).
        signal: String,
        /// The engine's last words on stderr, if any.
        engine_said: String,
    },
    /// The process checking a restore failed for another reason.
    #[error("could not check that the {engine} snapshot restores: {reason}")]
    RestoreCheckFailed {
        /// The engine.
        engine: EngineKind,
        /// What went wrong.
        reason: String,
    },
    /// A restore of the snapshot just made does not give back the state that was captured.
    #[error("the {engine} snapshot does not restore to the state it captured: {} is {} at capture and {} after a restore{}. Nothing was written: keep that value out of the heap at capture, make the snapshot with the other engine, or pass --no-verify to write it anyway", .difference.path, .difference.before, .difference.after, if .why.is_empty() { String::new() } else { format!(" ({})", .why) })]
    RestoredDiffers {
        /// The engine.
        engine: EngineKind,
        /// The first place the states differ.
        difference: Difference,
        /// The engine's declared gap that explains it, when one does (`TTD writes numbers as
        /// text ...: capability EXACT_NUMBERS is absent`), else empty.
        why: String,
    },
    /// The snapshot's engine is not built into this program.
    #[error("the {engine} backend is not built into this program: expected polysnap's cargo feature `{feature}`, found it off; build with `--features {feature}` (a crate that depends on polysnap forwards its own feature to `polysnap/{feature}`)")]
    BackendNotBuilt {
        /// The engine the snapshot needs.
        engine: EngineKind,
        /// The cargo feature that adds it.
        feature: &'static str,
    },
    /// A snapshot of one engine was handed to another engine's restore.
    #[error(
        "snapshot was made by {found}, but is being restored with the {expected} backend: restore it with {found}"
    )]
    WrongBackend {
        /// The backend asked to restore.
        expected: EngineKind,
        /// The engine that made the snapshot.
        found: EngineKind,
    },
}

impl Error {
    /// The uncaught JavaScript exception behind this error, if it is one.
    pub fn js_exception(&self) -> Option<&snapshot_core::JsException> {
        match self {
            Error::Engine { source, .. } => source.downcast_ref(),
            _ => None,
        }
    }

    /// Wraps a backend error.
    pub fn engine(engine: EngineKind, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::Engine { engine, source: Box::new(source) }
    }
}

#[cfg(feature = "v8")]
impl From<crate::v8::V8Error> for Error {
    /// A V8 backend error, so that `?` works from the backend's own API.
    fn from(source: crate::v8::V8Error) -> Error {
        Error::engine(EngineKind::V8, source)
    }
}

#[cfg(feature = "chakra")]
impl From<crate::chakra::ChakraError> for Error {
    /// A ChakraCore backend error, so that `?` works from the backend's own API.
    fn from(source: crate::chakra::ChakraError) -> Error {
        Error::engine(EngineKind::ChakraCore, source)
    }
}

/// The first place where two readings differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The path.
    pub path: String,
    /// What the first reading found there (`absent` when it has no such path).
    pub before: String,
    /// What the second found.
    pub after: String,
}
