//! Engine-neutral core of polysnap. Knows no engine; each module holds one concept with its
//! records and its error:
//!
//! * [`id`]: stable ids, 64-bit hashes of dotted names, with the names kept for messages;
//! * [`engine`]: what a payload is bound to (engine, exact build, machine, byte encoding);
//! * [`registry`]: the natives a host registers, the external-reference table a snapshot
//!   stores, and [`reconcile`] of one against the other (`RegistryError`, `ReconcileError`);
//! * [`value`]: the neutral host-value model natives see on every engine;
//! * [`identity`]: objects found again after restore by id (`IdentityEntry`, `IdentityError`);
//! * [`rehydrate`]: native state the heap cannot hold (`RehydratorRecord`, `RehydrateError`);
//! * [`module`]: ES module sources and the host's loader that resolves imports;
//! * [`backend`]: the traits a backend implements, its capabilities and declared gaps;
//! * [`scan`]: source scans that find what an engine would silently lose;
//! * [`mod@format`]: the snapshot file, plain data apart from its encoding, every byte
//!   validated on decode (`FormatError`). It depends on the concepts above; none of them
//!   depends on it (`cargo xtask cycles` checks every crate for import cycles).
#![forbid(unsafe_code)]

pub mod backend;
pub mod engine;
pub mod format;
pub mod id;
pub mod identity;
pub mod module;
pub mod registry;
pub mod rehydrate;
pub mod scan;
pub mod value;

pub use backend::{
    script_error, Api, BackendError, Builder, Capabilities, CapabilityGap, CaptureOptions, Captured, DynScriptHost,
    Fidelity, Loss, Runtime, ScriptError, ScriptHost, SharedBytes,
};
pub use engine::{EngineBuild, EngineKind, PayloadEncoding, Target};
pub use format::{FormatError, Header, Snapshot};
pub use id::{hash_name, StableId};
pub use identity::{IdentityEntry, IdentityError, IdentityTable};
pub use module::{ModuleLoader, ModuleSource};
pub use registry::{
    reconcile, Extension, ExtraPolicy, Native, NativeKind, NativeSpec, NotAFunction, ReconcileError, RefEntry,
    RefTable, Registry, RegistryError,
};
pub use rehydrate::{RehydrateError, Rehydrator, RehydratorRecord, Rehydrators};
pub use value::{FromHostValue, HostCall, HostError, HostFunction, HostValue, JsException, OpaqueHandle, Wrapped};
