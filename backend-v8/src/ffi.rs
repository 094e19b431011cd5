//! Every declaration of the C++ shim (`shim/shim.cc`), and the loading of it.
//!
//! The shim is a shared library that backend-v8's build script compiles against libnode,
//! with the engine's folder on its own rpath; it is opened at run time, the first time this
//! crate needs V8 ([`load`]). A program that depends on this crate therefore starts without
//! the dynamic loader looking for libnode, needs no build script or `LD_LIBRARY_PATH` of its
//! own, and learns of a missing engine as an error from [`crate::init`], not as a loader
//! failure before `main`. `POLYSNAP_V8_SHIM` names the shim when the program was moved away
//! from the build that made it.
//!
//! Conventions of the shim: functions returning `c_int` return [`OK`], [`JS_ERROR`] (the
//! output buffer holds an encoded JavaScript error: message, stack, location) or
//! [`INTERNAL_ERROR`] (the output buffer holds a UTF-8 message). No C++ or V8 exception
//! crosses this boundary. States are not thread-safe; each is used from one thread.

use std::ffi::{c_char, c_int, c_void};
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::error::V8Error;

/// Status: success.
pub const OK: c_int = 0;
/// Status: JavaScript threw; the buffer holds `str message, str stack, str location`.
pub const JS_ERROR: c_int = 1;
/// Status: the shim failed; the buffer holds a UTF-8 message.
pub const INTERNAL_ERROR: c_int = 2;

/// A byte buffer owned by the shim (a `std::string`).
#[repr(C)]
pub struct PsBuf {
    _opaque: [u8; 0],
}

/// One isolate with its context, native slots and external-reference table.
#[repr(C)]
pub struct PsState {
    _opaque: [u8; 0],
}

/// The Rust side of native dispatch: called by the shim's single V8 callback with the
/// native's table index and the encoded `this` + arguments; writes the encoded result (or,
/// for a non-zero status, a UTF-8 error message) into `out` with [`polysnap__Buf__Append`].
pub type DispatchFn =
    unsafe extern "C" fn(ctx: *mut c_void, index: u32, args: *const u8, args_len: usize, out: *mut PsBuf) -> c_int;

/// The Rust side of `import(specifier)` in a runtime: called by the shim's
/// HostImportModuleDynamicallyCallback with the specifier and the importing script's or
/// module's name; loads the module (compiling and linking what is new through `state`) and
/// writes its id, or returns a non-zero status with a UTF-8 error text in `out`.
pub type ImportFn = unsafe extern "C" fn(
    ctx: *mut c_void,
    state: *mut PsState,
    specifier: *const c_char,
    specifier_len: usize,
    referrer: *const c_char,
    referrer_len: usize,
    id: *mut u32,
    out: *mut PsBuf,
) -> c_int;

/// The environment variable that names the shim when the program no longer sits beside the
/// build that compiled it.
pub const SHIM_ENV: &str = "POLYSNAP_V8_SHIM";

/// Where the shim is loaded from: `$POLYSNAP_V8_SHIM` when set and not empty, else where
/// backend-v8's build script wrote it.
pub fn shim_path() -> PathBuf {
    match std::env::var_os(SHIM_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(env!("POLYSNAP_V8_SHIM_BUILT")),
    }
}

/// The loaded shim: the library (never unloaded: V8 keeps process-wide state) and its
/// functions.
struct Loaded {
    _library: libloading::Library,
    shim: Shim,
}

static LOADED: OnceLock<Result<Loaded, V8Error>> = OnceLock::new();

/// Loads the shim (and with it libnode) once; later calls return the first outcome.
pub fn load() -> Result<(), V8Error> {
    LOADED.get_or_init(open).as_ref().map(drop).map_err(Clone::clone)
}

fn open() -> Result<Loaded, V8Error> {
    let path = shim_path();
    let not_loaded = |reason: String| V8Error::ShimNotLoaded { path: path.clone(), reason };
    // SAFETY: opening the shim runs its static initializers and libnode's, which touch no
    // state of this process but their own; the library is never closed.
    let library = unsafe { libloading::Library::new(&path) }.map_err(|e| not_loaded(e.to_string()))?;
    let shim = Shim::resolve(&library).map_err(not_loaded)?;
    Ok(Loaded { _library: library, shim })
}

/// The shim's functions. Every public entry point of the crate loads the shim first
/// ([`load`], through [`crate::init`]) and returns its error, so the panic below is reached
/// only by a call that skipped that step.
fn shim() -> &'static Shim {
    match LOADED.get_or_init(open) {
        Ok(loaded) => &loaded.shim,
        Err(error) => panic!("backend-v8 used before its shim loaded: {error}"),
    }
}

/// Declares the shim's functions: a table resolved when the shim loads, and one `unsafe fn`
/// per function that calls through it (so call sites read like plain `extern "C"` calls).
macro_rules! shim_functions {
    ($($(#[$meta:meta])* pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?;)*) => {
        /// The shim's functions, resolved once.
        #[allow(non_snake_case)]
        struct Shim {
            $($name: unsafe extern "C" fn($($ty),*) $(-> $ret)?,)*
        }

        impl Shim {
            /// Resolves every function in `library`, or names the first one missing.
            fn resolve(library: &libloading::Library) -> Result<Shim, String> {
                Ok(Shim {
                    $($name: {
                        let symbol = concat!(stringify!($name), "\0").as_bytes();
                        // SAFETY: shim.cc defines this symbol as an `extern "C"` function with
                        // exactly this signature.
                        let function = unsafe {
                            library.get::<unsafe extern "C" fn($($ty),*) $(-> $ret)?>(symbol)
                        };
                        *function.map_err(|e| format!("it has no {}: {e}", stringify!($name)))?
                    },)*
                })
            }
        }

        $(
            $(#[$meta])*
            #[allow(non_snake_case, clippy::too_many_arguments)]
            pub unsafe fn $name($($arg: $ty),*) $(-> $ret)? {
                // SAFETY: the caller upholds this function's contract (above); the pointer
                // was resolved from the shim with this signature.
                unsafe { (shim().$name)($($arg),*) }
            }
        )*
    };
}

shim_functions! {
    /// A new empty buffer, or null when out of memory.
    pub fn polysnap__Buf__New() -> *mut PsBuf;
    /// Frees a buffer.
    pub fn polysnap__Buf__Delete(buf: *mut PsBuf);
    /// The buffer's bytes; valid until the buffer changes or is freed.
    pub fn polysnap__Buf__Data(buf: *const PsBuf, len: *mut usize) -> *const u8;
    /// Appends bytes.
    pub fn polysnap__Buf__Append(buf: *mut PsBuf, data: *const u8, len: usize) -> c_int;

    /// Initializes the process-wide V8 platform once (idempotent, thread-safe).
    pub fn polysnap__Platform__Init(out: *mut PsBuf) -> c_int;
    /// `v8::V8::GetVersion()`, a static NUL-terminated string.
    pub fn v8__V8__GetVersion() -> *const c_char;
    /// Writes the build identity string into `out`.
    pub fn v8__V8__BuildIdentity(out: *mut PsBuf) -> c_int;
    /// The shim's fast 64-bit checksum of a byte range.
    pub fn polysnap__Blob__Checksum(data: *const u8, len: usize) -> u64;
    /// 1 when V8 accepts the bytes as a startup blob of this build (version check), else 0.
    pub fn v8__StartupData__IsValid(data: *const u8, len: usize) -> c_int;
    /// Frees a blob returned by [`polysnap__Builder__CreateBlob`].
    pub fn polysnap__Blob__Delete(data: *const u8);

    /// A SnapshotCreator isolate with `count` native slots and a context. With `existing`
    /// null, natives named by `names` (`count` x (u32 len, UTF-8)) are installed; with it
    /// non-null the bytes are copied and used as the base snapshot. On error `*state` may
    /// still be set and must be deleted.
    pub fn polysnap__Builder__New(
        count: u32,
        names: *const u8,
        names_len: usize,
        dispatch: DispatchFn,
        dispatch_ctx: *mut c_void,
        existing: *const u8,
        existing_len: usize,
        state: *mut *mut PsState,
        out: *mut PsBuf,
    ) -> c_int;
    /// Runs a classic script in the creator's default context (`context` < 0) or in its
    /// named context `context`, and drains microtasks.
    pub fn polysnap__Builder__RunScript(
        state: *mut PsState,
        context: i64,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Compiles an ES module of the default context named by `url` (builders and runtimes);
    /// writes its id, and its import specifiers into `out` (u32 count, then u32 length +
    /// UTF-8 each).
    pub fn polysnap__Module__Compile(
        state: *mut PsState,
        url: *const c_char,
        url_len: usize,
        src: *const c_char,
        src_len: usize,
        id: *mut u32,
        out: *mut PsBuf,
    ) -> c_int;
    /// Links module `id`'s requests, in order, to the modules `targets[..count]`.
    pub fn polysnap__Module__Link(
        state: *mut PsState,
        id: u32,
        targets: *const u32,
        count: usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Instantiates and evaluates module `id`, draining microtasks (top-level await settles).
    pub fn polysnap__Module__Evaluate(state: *mut PsState, id: u32, out: *mut PsBuf) -> c_int;
    /// Creates a named context (setup guards, natives installed) and writes its index,
    /// which becomes its `AddContext` index when the blob is made.
    pub fn polysnap__Builder__NewContext(state: *mut PsState, index: *mut u32, out: *mut PsBuf) -> c_int;
    /// Drops the last named context (`index` must be the last one), so it is not captured.
    pub fn polysnap__Builder__DiscardContext(state: *mut PsState, index: u32, out: *mut PsBuf) -> c_int;
    /// In a warm-pass creator (made from a base blob, no named contexts yet): deserializes
    /// the base blob's `count` named contexts so the blob is made with them again.
    pub fn polysnap__Builder__AdoptContexts(state: *mut PsState, count: u32, out: *mut PsBuf) -> c_int;
    /// Runs a warm-up script in a throw-away context, then switches to a fresh context.
    pub fn polysnap__Builder__WarmUp(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Sets the default context, adds the named contexts in index order and creates the
    /// blob (`keep_code` != 0: keep compiled code).
    pub fn polysnap__Builder__CreateBlob(
        state: *mut PsState,
        keep_code: c_int,
        data: *mut *const u8,
        len: *mut usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Destroys a creator state, creating and discarding a blob first if none was made.
    pub fn polysnap__Builder__Delete(state: *mut PsState);

    /// An isolate restored from `blob` (or from V8's built-in snapshot when null) with
    /// `count` native slots; natives `[installed_from, count)` named in `names` are
    /// installed. `blob` must outlive the state. On error `*state` may be set; delete it.
    pub fn polysnap__Runtime__NewFromSnapshot(
        blob: *const u8,
        blob_len: usize,
        count: u32,
        installed_from: u32,
        names: *const u8,
        names_len: usize,
        dispatch: DispatchFn,
        dispatch_ctx: *mut c_void,
        state: *mut *mut PsState,
        out: *mut PsBuf,
    ) -> c_int;
    /// Makes context `index` current (< 0: the default context; else the snapshot's named
    /// context `index`, deserialized on first entry and kept).
    pub fn polysnap__Runtime__EnterContext(state: *mut PsState, index: i64, out: *mut PsBuf) -> c_int;
    /// Runs a classic script in the isolate's current context and drains microtasks.
    pub fn polysnap__Runtime__RunScript(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Runs a classic script in the isolate's current context, drains microtasks, then
    /// writes V8's code cache for it (`ScriptCompiler::CreateCodeCache`, made after the run)
    /// into `cache`; `cache` stays empty when V8 cannot make one.
    pub fn polysnap__Runtime__RunProducingCache(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        cache: *mut PsBuf,
        out: *mut PsBuf,
    ) -> c_int;
    /// Compiles a classic script in the current context with `data[..len]` as its code
    /// cache (`kConsumeCodeCache`; read during the call only, 0 < len <= i32::MAX), runs it
    /// and drains microtasks; `*rejected` is 1 when V8 rejected the cache, else 0.
    pub fn polysnap__Runtime__RunConsumingCache(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        data: *const u8,
        len: usize,
        rejected: *mut c_int,
        out: *mut PsBuf,
    ) -> c_int;
    /// Runs a classic script like [`polysnap__Runtime__RunScript`] and keeps its `UnboundScript`
    /// under a process-unique id written to `*id` (not kept when it throws).
    pub fn polysnap__Runtime__RunKeepingScript(
        state: *mut PsState,
        name: *const c_char,
        name_len: usize,
        src: *const c_char,
        src_len: usize,
        id: *mut u64,
        out: *mut PsBuf,
    ) -> c_int;
    /// Writes V8's code cache of kept script `id` as it is now into `cache` (empty when V8
    /// cannot make one); an id the state does not keep is an internal error.
    pub fn polysnap__Runtime__CreateCodeCache(
        state: *mut PsState,
        id: u64,
        cache: *mut PsBuf,
        out: *mut PsBuf,
    ) -> c_int;
    /// Releases kept script `id` (no-op for an id the state does not keep).
    pub fn polysnap__Runtime__ForgetScript(state: *mut PsState, id: u64);
    /// Takes the snapshot's `count` ES modules back from the default context's data, in id
    /// order (once, right after the runtime is made).
    /// `urls` holds their URLs in id order (`count` x (u32 len, UTF-8)).
    pub fn polysnap__Runtime__LoadModules(
        state: *mut PsState,
        count: u32,
        urls: *const u8,
        urls_len: usize,
        out: *mut PsBuf,
    ) -> c_int;
    /// Module `id`'s namespace object, encoded like a script's completion value.
    pub fn polysnap__Module__Namespace(state: *mut PsState, id: u32, out: *mut PsBuf) -> c_int;
    /// Sets the host's answer to `import()`: `import` is called with `ctx` (which must stay
    /// valid until the state is deleted) for every `import(specifier)`.
    pub fn polysnap__Runtime__SetImportHandler(state: *mut PsState, import: ImportFn, ctx: *mut c_void);
    /// How many opaque handles (`HostValue::Handle`) the state keeps.
    pub fn polysnap__Runtime__HandleCount(state: *mut PsState) -> u64;
    /// Releases every opaque handle the state keeps.
    pub fn polysnap__Runtime__ReleaseHandles(state: *mut PsState);
    /// `ScriptCompiler::CachedDataVersionTag()`; call after [`polysnap__Platform__Init`].
    pub fn v8__ScriptCompiler__CachedDataVersionTag() -> u32;
    /// Disposes the isolate and frees the state.
    pub fn polysnap__Runtime__Delete(state: *mut PsState);
    /// The state's `v8::Isolate*`.
    pub fn polysnap__Runtime__Raw(state: *mut PsState) -> *mut c_void;
    /// A pointer to the state's default context, a `v8::Global<v8::Context>`.
    pub fn polysnap__Runtime__RawDefaultContext(state: *mut PsState) -> *mut c_void;
}
