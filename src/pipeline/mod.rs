//! The two pipelines, written once against snapshot-core's backend traits.
//!
//! make:    natives → setup scripts → capture → container → atomic write
//! restore: validate → check engine and machine → reconcile natives → restore

pub mod make;
pub mod restore;
