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
    #[error("the setup is not deterministic, so the code-cache strategy cannot re-run it: the global object graph after the setup has digest {first}, after running it again {second} (Date.now(), Math.random() or host input?); make the snapshot with the heap strategy")]
    NotDeterministic {
        /// The digest after the first run.
        first: String,
        /// The digest after the second run.
        second: String,
    },
    /// The snapshot's engine is not built into this program.
    #[error("snapshot needs the {engine} backend, which this build of polysnap does not have: rebuild with `--features {feature}`")]
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
