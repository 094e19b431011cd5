//! ChakraCore backend of polysnap: start-up snapshots through ChakraCore's time-travel
//! debugging (TTD), with `libChakraCore.so` loaded at run time.
//!
//! * [`Library`] opens the engine ([`library_path`], `POLYSNAP_CHAKRA_LIB`);
//!   [`library_identity`] names its exact build (snapshots only replay on it).
//! * [`Recorder`] runs setup scripts in a TTD record runtime and
//!   [`captures`](Recorder::capture) the heap as a [`TtdPayload`] (in memory;
//!   [`TtdPayload::encode`] compresses it).
//! * [`Runtime::inflate`] restores a payload into a live runtime; [`Runtime::fresh`]
//!   makes a plain one.
//! * [`Runtime::serialize_script`] / [`Runtime::run_serialized`]: ChakraCore's bytecode
//!   cache, sealed in a checked envelope (see [`bytecode`]); fresh runtimes only.
//! * Natives ([`NativeSpec`]) are reachable from JavaScript only through trampolines
//!   (see [`natives`]), so they survive the snapshot.
//! * Wrapped objects ([`HostValue::Wrapped`](snapshot_core::HostValue::Wrapped), ObjectWrap)
//!   keep their (type, handle) in a `WeakMap` private to the same bootstrap closure (see
//!   [`natives`]), so they survive the snapshot too.
//!
//! Known engine limits (confirmed on the pyChakraCore 0.2.0 build, ChakraCore 1.11.24;
//! pinned by `tests/capabilities.rs`):
//! * `DataView` and `Intl.*` instances come back as plain objects with the right
//!   prototype but no internal slots (their methods throw "'this' is not a DataView
//!   object");
//! * numbers are written as text with `%.32f`: magnitudes below ~1e-16 lose significant
//!   digits, below 1e-32 they become 0 (`Number.MIN_VALUE` and `EPSILON` excepted);
//! * external objects lose their data pointer; external `ArrayBuffer`s are copied;
//! * a frozen or sealed object that is a `WeakMap` key (every wrapped object is one)
//!   stays non-extensible with read-only properties, but `Object.isFrozen` /
//!   `Object.isSealed` return false for it (freezing it again restores them);
//! * a recorder must run scripts from source (bytecode makes the capture abort), so
//!   [`Recorder`] has no bytecode methods;
//! * ChakraCore checks only the header of bytecode: damaged bytecode kills the process
//!   (hence the envelope of [`bytecode`]);
//! * a payload only replays on the exact library build that wrote it, and any TTD
//!   assert aborts the process: check [`library_identity`] before inflating.
//!
//! Runtimes and recorders are bound to the thread that made them (not `Send`).
//!
//! # Modules
//!
//! Each module has one job and names only modules listed before it (no import cycle;
//! `cargo xtask cycles` checks):
//!
//! * `sys`: the raw JSRT layer: types, constants and callback signatures of the headers,
//!   and the `Jsrt` function table resolved when the library is opened. Knows nothing of
//!   the crate.
//! * [`error`]: [`ChakraError`], everything that can go wrong (a `sys` load error becomes
//!   one).
//! * `jsrt`: the safe layer over `sys`: engine values and handles, and each JSRT call
//!   checked. A call that takes a host callback takes it and its state as they are.
//! * [`library`]: opening `libChakraCore.so` ([`Library`]) and naming its exact build.
//! * [`payload`]: [`TtdPayload`], the files a capture writes, and their compressed encoding.
//! * `streams`: the in-memory files the TTD stream callbacks read and write, and those
//!   callbacks.
//! * `jobs`: the promise job queue, its continuation callback, and running the jobs.
//! * `convert`: engine values to and from [`HostValue`](snapshot_core::HostValue), and the
//!   handles given to the host.
//! * [`natives`]: natives as trampolines, wrapped objects, and the callback every native
//!   function calls.
//! * [`bytecode`]: the bytecode envelope, the script sources the engine reads, and the
//!   callback that hands it a source.
//! * `engine`: the engine state a recorder and a runtime share: one JSRT runtime, its
//!   context, job queue, handles, native slots and kept sources.
//! * `exact_numbers`, `regexp_statics`, `integrity`: what TTD would lose (numbers its text
//!   cannot carry, RegExp's legacy statics, the elements' attributes of frozen or sealed
//!   objects), each set aside at capture or record time and put back after inflation.
//! * `record`: [`Recorder`], a TTD record runtime, and capturing it.
//! * `inflate`: the restore recipe: a TTD replay runtime fed from a payload, made live.
//! * `runtime`: [`Runtime`] and [`RuntimeKind`]: a live runtime, fresh or inflated.
//! * [`api`]: the backend as `snapshot_core`'s traits ([`Chakra`]).
// `sys` and `jsrt` allow `unsafe` module-wide; elsewhere only the engine's callbacks, and the
// functions that hand them to the engine, allow it item by item (`natives`, `jobs`,
// `bytecode`, `streams`). Every `unsafe` block carries a `// SAFETY:` comment.
#![deny(unsafe_code)]

pub mod api;
pub mod bytecode;
pub mod error;
pub mod library;
pub mod natives;
pub mod payload;

mod convert;
mod engine;
mod exact_numbers;
mod inflate;
mod integrity;
mod jobs;
mod jsrt;
mod record;
mod regexp_statics;
mod runtime;
mod streams;
mod sys;

pub use api::Chakra;
pub use error::ChakraError;
pub use library::{default_library_path, library_identity, library_path, Library, LIBRARY_ENV};
pub use natives::{table_key, NativeSpec, BIND_GLOBAL, NATIVES_GLOBAL, WRAP_GLOBAL};
pub use payload::{TtdPayload, ZSTD_LEVEL};
pub use record::Recorder;
pub use runtime::{Runtime, RuntimeKind};
