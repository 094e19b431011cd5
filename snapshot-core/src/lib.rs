//! Engine-neutral core of polysnap.
//!
//! Knows no engine: stable ids ([`id`]), the registry of natives and its external-reference
//! table ([`registry`]), the neutral host-value model ([`value`]), identity maps
//! ([`identity`]), rehydrators ([`rehydrate`]), the backend traits ([`backend`]) and the
//! snapshot file format with its validation ([`mod@format`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod backend;
pub mod error;
pub mod format;
pub mod id;
pub mod identity;
pub mod registry;
pub mod rehydrate;
pub mod scan;
pub mod value;

pub use backend::{
    Api, Builder, Capabilities, CapabilityGap, CaptureOptions, Captured, DynScriptHost, Fidelity, Loss, Runtime,
    ScriptError, ScriptHost, SharedBytes,
};
pub use error::{FormatError, IdentityError, ReconcileError, RegistryError, RehydrateError};
pub use format::{EngineBuild, EngineKind, Header, Snapshot};
pub use id::{hash_name, StableId};
pub use identity::IdentityTable;
pub use registry::{reconcile, Extension, ExtraPolicy, Native, NativeKind, NativeSpec, RefEntry, RefTable, Registry};
pub use rehydrate::{Rehydrator, Rehydrators};
pub use value::{FromHostValue, HostCall, HostError, HostFunction, HostValue, JsException, OpaqueHandle, Wrapped};
