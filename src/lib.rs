//! polysnap: start-up snapshots for JavaScript runtimes, on more than one engine.
//!
//! One engine-neutral API over a V8 backend and a ChakraCore backend, chosen by cargo
//! feature (`v8`, `chakra`; both by default) and, at restore, by the engine named in the
//! snapshot's header. Register your natives, make a snapshot of a setup, restore it:
//!
//! ```no_run
//! use polysnap::{EngineKind, HostValue, MakeOptions, Registry, Runtime, Script, SnapshotFile};
//!
//! fn main() -> Result<(), polysnap::Error> {
//!     let mut registry = Registry::new();
//!     registry.function("app.add", |call| Ok(HostValue::Number(call.arg_as::<f64>(0)? + call.arg_as::<f64>(1)?)))?;
//!     registry.expose("app"); // scripts call it as `app.add(a, b)`
//!
//!     let setup = Script::new("setup.js", "var answer = app.add(40, 2);");
//!     let snapshot = polysnap::make(EngineKind::V8, &registry, &[setup], &MakeOptions::default())?;
//!     polysnap::write_snapshot("app.snap".as_ref(), &snapshot)?;
//!
//!     // Later, in another process: the engine comes from the file.
//!     let file = SnapshotFile::open("app.snap".as_ref())?;
//!     let mut runtime = Runtime::restore(&file, &registry)?;
//!     assert_eq!(runtime.run_script("main.js", "answer")?, HostValue::Number(42.0));
//!     Ok(())
//! }
//! ```
//!
//! # Modules
//!
//! | module | its one job |
//! |---|---|
//! | `pipeline::script`, `pipeline::options` | what a caller hands in: [`Script`], [`MakeOptions`] |
//! | `pipeline::make` | [`make_snapshot`]: run a strategy, build the header once, prove it |
//! | `pipeline::heap` | the heap strategy: capture, prove by a restore, restore |
//! | `pipeline::code_cache` | the code-cache strategy: setup run twice, restore from the cache |
//! | `pipeline::payload` | what a strategy hands back: payload and metadata |
//! | `pipeline::auto` | [`make_auto`]: every strategy tried, the fastest kept |
//! | `pipeline::restore` | [`restore`]: every check, then the snapshot's strategy |
//! | `pipeline::life_cycle` | runtimes without a snapshot that take the same steps ([`fresh`], …) |
//! | `pipeline::jsapi` | the `snapshot` JS API: install it, drive its callbacks, read identities |
//! | `pipeline::verify` | reading the state scripts can see, and comparing two readings ([`verify`]) |
//! | `mapped` | [`SnapshotFile`]: a file mapped and validated, payload shared |
//! | `erased` | [`Runtime`], [`make`]: the engine chosen at run time |
//! | `dispatch` | [`with_backend!`]: generic code with the backend of a run-time engine |
//! | `error` | [`Error`] |
//! | [`host`] | a ready-made Node-like host runtime (natives, rehydrators, event loop) |
//! | [`wrap`] | ObjectWrap: native structs behind JS objects |
//!
//! The `polysnap` binary (`src/main.rs`, `src/commands`) is built on this public API only.
//!
//! [`Runtime`] and [`make`] take the engine at run time; [`make_snapshot`] and [`restore`]
//! are the same steps generic over a backend ([`core::Api`]). [`SnapshotFile::open`]
//! validates every byte before an engine sees any. `docs/embedding.md` is the guide;
//! `examples/runtime` is a whole runtime built this way.
// A build with no backend at all compiles every command down to the `BackendNotBuilt` error
// (see `with_backend!`), which leaves the engine-side code of each command unused.
#![cfg_attr(not(any(feature = "v8", feature = "chakra")), allow(unused))]

mod dispatch;
mod erased;
mod error;
pub mod host;
mod mapped;
mod pipeline;
pub mod wrap;

pub use erased::{make, make_with, Runtime};
pub use error::Error;
pub use mapped::SnapshotFile;
pub use pipeline::auto::make_auto;
pub use pipeline::life_cycle::{
    capture_and_restore_in_place, fresh, fresh_building, fresh_life_cycle, use_module_resolver,
};
pub use pipeline::make::{make_snapshot, write_snapshot};
pub use pipeline::options::{MakeOptions, ModuleResolver, Progress, VERIFY_STEP};
pub use pipeline::restore::{lookup_identity, restore, run_main};
pub use pipeline::script::{Script, ScriptKind};

/// Checking that a snapshot restores to the state read before its capture. `make` does it
/// in its own process unless [`MakeOptions::restore_check`] says where else (the CLI runs
/// [`check_file`](verify::check_file) in a child process, so that a restore the engine dies
/// on does not take `make` with it).
pub mod verify {
    pub use crate::error::Difference;
    pub use crate::pipeline::heap::check_file;
    pub use crate::pipeline::verify::{Finding, Observed, RestoreCheck, DUMP_ENV};
}
pub use snapshot_core as core;
pub use snapshot_core::{EngineKind, FromHostValue, HostCall, HostError, HostValue, ModuleSource, Registry, StableId};

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

/// The Rust blocks of the guides compile as written: `cargo test --doc` builds them.
#[cfg(doctest)]
mod guides {
    #[doc = include_str!("../docs/guide.md")]
    struct Guide;
    #[doc = include_str!("../docs/embedding.md")]
    struct Embedding;
}
