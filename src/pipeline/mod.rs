//! The two pipelines, written once against snapshot-core's backend traits.
//!
//! make:    strategy ([`heap`]: natives → `snapshot` API → setup → serialize callbacks →
//!          rehydrators → read state → capture; [`code_cache`]: setup twice, proved
//!          deterministic) → header and container ([`make`]) → restore and compare (heap)
//! restore: validate → check engine and machine ([`restore`]) → strategy (heap: reconcile
//!          natives → engine restore → rehydrators → deserialize callbacks; code cache: the
//!          setup again from the cache through [`life_cycle`]) → main
//!
//! [`script`] and [`options`] are what a caller hands in; [`payload`] is what a strategy
//! hands back; [`jsapi`] installs and drives the `snapshot` JS API; [`verify`] reads and
//! compares the state scripts can see; [`auto`] tries every strategy and keeps the fastest.

pub mod auto;
pub mod code_cache;
pub mod heap;
pub mod jsapi;
pub mod life_cycle;
pub mod make;
pub mod options;
pub mod payload;
pub mod restore;
pub mod script;
pub mod verify;
