//! Engine-neutral core of polysnap.
//!
//! Knows no engine: stable ids, the registry of natives and its external-reference table,
//! the neutral host-value model, identity maps, rehydrators, the backend traits and the
//! snapshot file format with its validation.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod id;
pub mod value;

pub use id::{hash_name, StableId};
pub use value::{HostCall, HostError, HostFunction, HostValue, OpaqueHandle};
