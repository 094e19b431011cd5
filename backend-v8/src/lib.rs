//! polysnap's V8 backend: start-up snapshots on Debian's libnode108 (V8 10.2.154) through a
//! small C++ shim (`shim/shim.cc`) and a safe Rust layer.
//!
//! * [`SnapshotBuilder`] — a `v8::SnapshotCreator` isolate: install natives, run setup
//!   scripts, add [named contexts](SnapshotBuilder::add_context),
//!   [`build`](SnapshotBuilder::build) a blob (optionally
//!   [warm](SnapshotBuilder::build_warm): compiled code kept, warm-up state discarded).
//! * [`Runtime`] — an isolate restored from such a blob ([`Runtime::from_blob`]) or fresh
//!   ([`Runtime::fresh`]); run scripts in its default context or a
//!   [named one](Runtime::enter_context), get [`HostValue`](snapshot_core::HostValue)s back.
//! * [`code_cache`] — V8's code cache for classic scripts:
//!   [`run_script_producing_cache`](Runtime::run_script_producing_cache),
//!   [`run_script_keeping`](Runtime::run_script_keeping) +
//!   [`code_cache`](Runtime::code_cache), [`run_script_with_cache`](Runtime::run_script_with_cache)
//!   (a [`CacheOutcome`]); caches come in an envelope checked before V8 reads them, because
//!   V8's own source check is the source's length only.
//! * [`convert`] — how JavaScript values map to `HostValue`.
//! * [`envelope`] — the header around every blob, checked before V8 sees a byte.
//! * [`v8_version`], [`build_identity`] — for container headers.
//! * [`api`] — `snapshot_core`'s backend traits implemented for V8 ([`V8`]).
//!
//! # Modules
//!
//! | module | its one job |
//! |---|---|
//! | `ffi` | every declaration of the shim, and opening it at run time (the only raw FFI) |
//! | `buf` | a Rust owner for the shim's output buffer, and its status codes |
//! | `platform` | the process-wide V8 platform, the V8 version and the build identity |
//! | [`envelope`] | the header around every blob, checked before V8 sees a byte |
//! | `natives` | host functions installed into JavaScript, and their dispatch |
//! | [`convert`] | how JavaScript values map to `HostValue` |
//! | `creator` | making snapshots ([`SnapshotBuilder`]) |
//! | `runtime` | running JavaScript ([`Runtime`]), restored or fresh |
//! | [`code_cache`] | V8's code cache in a checked envelope |
//! | [`modules`] | ES module graphs run in a builder, captured, found again by URL; graphs and `import()` in runtimes |
//! | `module_graph` | one isolate's modules: each URL compiled once, linked, `import()` answered |
//! | `error` | [`V8Error`] |
//! | [`api`] | snapshot-core's backend traits implemented for V8 |
//!
//! # Natives and the external-reference table
//!
//! V8 serializes native pointers (function callbacks, `v8::External` values) as indices
//! into an embedder-supplied external-reference table, and restoring maps each index back
//! through the restoring process's table. Each isolate state in the shim owns the table
//!
//! ```text
//! [ &Dispatch, &slot[0], &slot[1], …, &slot[n-1], 0 ]
//! ```
//!
//! where `Dispatch` is the shim's single `FunctionCallback` and `slot[i]` a heap cell naming
//! native `i`. Native `i` is a `FunctionTemplate(Dispatch, data = External(&slot[i]))`. After
//! restore V8 rewrites the External to point at `slot[i]` of the *restoring* state, so the
//! same function object, however reached (directly, through an alias, from a closure
//! captured before the snapshot), calls the live native at table position `i`. The blob's
//! envelope records the table's ids in order, and [`Runtime::from_blob`] rebuilds the table
//! in that order by id, so callers cannot pass a wrong order.
//!
//! # Named contexts
//!
//! [`SnapshotBuilder::add_context`] makes a second (third, …) V8 context in the creator's
//! isolate, set up like the default one (natives, setup-time guards) and run its scripts
//! there; `build` passes the default context to `SetDefaultContext` and the named ones to
//! `AddContext` in the order they were added, which is the index `Context::FromSnapshot`
//! takes. The envelope records the names in that order, so a restored [`Runtime`] maps a
//! name to its index by itself; [`Runtime::enter_context`] deserializes the context on first
//! entry and keeps it. The contexts share the isolate (and its heap, microtask queue and
//! natives' host state) and nothing else: each has its own global object and builtins. The
//! warm-code recipe carries them through its second pass (`Context::FromSnapshot` inside
//! the second creator, then `AddContext` again); the warm-up runs in a copy of the default
//! context only.
//!
//! # Wrapped objects (ObjectWrap)
//!
//! A native returning [`HostValue::Wrapped`](snapshot_core::HostValue::Wrapped) (alone or
//! inside arrays and objects) gives JavaScript a new instance of one `ObjectTemplate` per
//! isolate with five internal fields, an otherwise ordinary object whose prototype is
//! `Object.prototype` (see [`convert`] for what scripts see). The fields hold everything,
//! as V8 "aligned pointers" (words with bit 0 clear, which the GC leaves alone):
//!
//! ```text
//! field 0   the address of a static tag in the shim: "this object is a polysnap wrapper"
//! field 1   type hash bits  0..31 << 1        field 2   type hash bits 32..63 << 1
//! field 3   handle    bits  0..31 << 1        field 4   handle    bits 32..63 << 1
//! ```
//!
//! (a u64 may have bit 0 set, so each travels as two halves). Nothing is allocated beside
//! the object and no handle is kept, so wrapped objects cost five words each and die with
//! their object. An object converts to `Wrapped` only when it has exactly five internal
//! fields and field 0 holds the tag: scripts cannot make such objects or write the fields.
//!
//! Snapshots carry them through V8's embedder-field callbacks, passed at every
//! `SetDefaultContext` / `AddContext` (`SerializeInternalFieldsCallback`) and every
//! `Context::New` / `Context::FromSnapshot` that may deserialize a snapshot context
//! (`DeserializeInternalFieldsCallback`): restored runtimes' default and named contexts, and
//! the warm recipe's second creator (its throw-away and fresh default contexts and adopted
//! named contexts), so warm blobs keep them too. V8 10.2 calls the serializer for every
//! internal field of every `JSObject` that holds no heap object, ours or not (`ArrayBuffer`s
//! and views have two); for field 0 of a wrapper it returns a 24-byte record (magic
//! `PSWRAP1`, type hash, handle; little-endian u64s), which V8 stores beside the object while
//! zeroing the field in the heap image; for anything else it returns no data, and V8 keeps
//! the word as it is. At restore V8 hands each record back and the deserializer rewrites the
//! five fields with this process's tag address. A record that does not check out (wrong
//! size or magic, object of another shape) is skipped: the object then converts as a plain
//! object, never as a wrong `Wrapped`.
//!
//! Found on this V8: without a serializer callback, `CreateBlob` crashes the process
//! (SIGSEGV, a call through V8's null callback) as soon as the heap holds an object with a
//! non-zero aligned pointer in an internal field; with a callback that returns no data, the
//! tag's address is copied verbatim and matches nothing after restore (address
//! randomization), so the object would silently stop being wrapped. And instances of an
//! `ObjectTemplate` with internal fields get a prototype object of their own (from the
//! template's hidden constructor), not `Object.prototype`: the shim sets the prototype to
//! the context's `%Object.prototype%` when it makes one.
//!
//! # Hazards made unreachable
//!
//! V8 aborts the process (nothing to catch) on: restoring without the table or with a
//! different one; an unknown native pointer while creating; a blob from another build;
//! global handles alive at `CreateBlob`; a `SnapshotCreator` dropped without `CreateBlob`.
//! This crate always passes the table and rebuilds it from the blob's record, creates
//! native pointers only from its own slots (in named contexts too), checks identity +
//! checksum + V8's version check before restoring, holds no global handles at `CreateBlob`
//! (the named contexts' handles are dropped once `AddContext` has them), and
//! makes-and-discards a blob when an unbuilt builder is dropped. The blob memory lives as long as the [`Runtime`].
//! JavaScript exceptions and C++ exceptions never cross the FFI boundary; Rust panics in
//! natives are caught and thrown into JavaScript as `Error`s.
//!
//! Found on this V8 (10.2.154.26) and handled in the shim:
//!
//! * A reachable `Intl` object makes `CreateBlob` abort ("global handle not serialized": ICU
//!   data behind foreign pointers), and so does a `FinalizationRegistry` with a registered
//!   cell (CHECK on the dirty-registries list). While a builder runs setup (or warm-up)
//!   code, the `Intl` constructors and `FinalizationRegistry.prototype.register` are
//!   throwing stubs (a `TypeError` saying why); the originals are put back before the
//!   context is serialized, so restored contexts have the real ones. `localeCompare`,
//!   `toLocaleString` and friends work during setup (they keep no JS-visible ICU object).
//! * V8 leaves `Error.stackTraceLimit` out of SnapshotCreator contexts and adds it to every
//!   deserialized context *without checking that it exists*: a snapshot whose context has it
//!   restores into a corrupt `Error` (the property reads as the internal `"uninitialized"`
//!   value and cannot be deleted). Builders define it while setup runs (so setup errors
//!   have stacks) and delete it before serializing; if setup made it non-configurable,
//!   `build` fails with an explanation instead of producing a corrupt snapshot.
//! * `SharedArrayBuffer`, `Atomics` and `WebAssembly` do not exist in SnapshotCreator
//!   contexts (V8 installs them at restore), so setup code cannot use them.
//!
//! Not covered: other objects V8 cannot serialize that these tests did not meet would still
//! abort in `CreateBlob` (WeakRef, pending promises, suspended generators and async
//! functions, 64 MiB typed arrays, 100 000-entry maps were tried and work). Building in a
//! child process is the only complete defence. The envelope checksum detects damage, not
//! malice: blobs are trusted input.
//!
//! # Linking
//!
//! The build script finds the engine at `$POLYSNAP_V8_DIR` or `<workspace>/.engines/v8`
//! (run `cargo xtask setup` to create it) and compiles the C++ shim into a shared library
//! linked against `libnode.so`, with the engine's library folder as the shim's own
//! old-style rpath (`DT_RPATH`, which also serves libnode's dependencies `libuv.so.1` and
//! `libcares.so.2` beside it). The crate opens the shim at run time, in [`init`]; no binary
//! that depends on this crate links libnode, so it needs no build script, rpath or
//! `LD_LIBRARY_PATH` of its own, and a missing engine is [`V8Error::ShimNotLoaded`] rather
//! than a loader failure before `main`. The shim's path is compiled in ([`shim_path`]);
//! [`SHIM_ENV`] (`POLYSNAP_V8_SHIM`) overrides it for a program moved elsewhere.
//!
//! # Threads
//!
//! [`SnapshotBuilder`] and [`Runtime`] are not `Send`; several may live on one thread and be
//! used interleaved (each shim call enters its isolate for its own duration only).

pub mod api;
mod buf;
pub mod code_cache;
pub mod convert;
mod creator;
pub mod envelope;
mod error;
mod ffi;
mod module_graph;
pub mod modules;
mod natives;
mod platform;
mod runtime;

pub use api::V8;
pub use code_cache::{check_code_cache, code_cache_version_tag, CacheOutcome, KeptScript};
pub use creator::{CodeHandling, SnapshotBuilder};
pub use envelope::BlobHeader;
pub use error::V8Error;
pub use ffi::{shim_path, SHIM_ENV};
pub use natives::NativeSpec;
pub use platform::{build_identity, init, v8_version};
pub use runtime::{inspect_blob, Runtime};
pub use snapshot_core::{ModuleLoader, ModuleSource};
