//! The two pipelines, written once against snapshot-core's backend traits.
//!
//! make:    natives → `snapshot` API → setup scripts → serialize callbacks → rehydrators → read state
//!          → capture → restore it and read the state again (verify) → container
//! restore: validate → check engine and machine → reconcile natives → restore → rehydrators → deserialize callbacks → main

pub mod auto;
pub mod code_cache;
pub mod jsapi;
pub mod make;
pub mod restore;
pub mod verify;
