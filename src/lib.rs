//! polysnap: start-up snapshots for JavaScript runtimes, on more than one engine.
//!
//! One engine-neutral API over a V8 backend and a ChakraCore backend, chosen by cargo
//! feature (`v8`, `chakra`; both by default) and, at restore, by the engine named in the
//! snapshot's header. Make a snapshot with [`make_snapshot`], write it with
//! [`write_snapshot`], open it with [`SnapshotFile::open`] (which validates every byte) and
//! restore it with [`restore`].
#![deny(missing_docs)]
// A build with no backend at all compiles every command down to the `BackendNotBuilt` error
// (see `with_backend!`), which leaves the engine-side code of each command unused.
#![cfg_attr(not(any(feature = "v8", feature = "chakra")), allow(unused))]

pub mod commands;
mod dispatch;
mod error;
pub mod host;
mod mapped;
pub mod pipeline;
pub mod wrap;

pub use error::Error;
pub use mapped::SnapshotFile;
pub use pipeline::make::{make_snapshot, write_snapshot, MakeOptions, Script};
pub use pipeline::restore::{fresh, lookup_identity, restore, run_main};
pub use snapshot_core as core;
pub use snapshot_core::{EngineKind, HostValue, Registry, StableId};

cfg_if::cfg_if! {
    if #[cfg(feature = "v8")] {
        /// The V8 backend.
        pub use backend_v8 as v8;
    }
}
cfg_if::cfg_if! {
    if #[cfg(feature = "chakra")] {
        /// The ChakraCore backend.
        pub use backend_chakra as chakra;
    }
}

/// The stable id of a dotted name known only at run time (`stable_id!` is for literals).
pub fn stable_id_of(name: &str) -> StableId {
    StableId::with_interned_name(name)
}

/// The engines this build has, as (engine, cargo feature, built in).
pub const ENGINES: [(EngineKind, &str, bool); 2] =
    [(EngineKind::V8, "v8", cfg!(feature = "v8")), (EngineKind::ChakraCore, "chakra", cfg!(feature = "chakra"))];

/// An error if `engine`'s backend is not built into this program.
pub fn require_backend(engine: EngineKind) -> Result<(), Error> {
    let (_, feature, built) =
        ENGINES.iter().copied().find(|(kind, _, _)| *kind == engine).expect("every engine is listed");
    if built {
        Ok(())
    } else {
        Err(Error::BackendNotBuilt { engine, feature })
    }
}
