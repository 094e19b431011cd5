//! The backend traits, in the style of wgpu-hal: [`Api`] holds only associated types and
//! facts about the engine; behaviour lives in small traits ([`Builder`], [`Runtime`]) that
//! each name their `Api`. What an engine cannot do is a declared [`CapabilityGap`], never a
//! silent difference.

use std::ops::Range;
use std::sync::Arc;

use bitflags::bitflags;

use crate::engine::{EngineBuild, EngineKind, PayloadEncoding};
use crate::module::{ModuleLoader, ModuleSource};
use crate::registry::Native;
use crate::value::{HostValue, JsException};

bitflags! {
    /// What a backend can bring back from a snapshot.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Capabilities: u32 {
        /// Named contexts besides the default one, restored by name.
        const NAMED_CONTEXTS = 1 << 0;
        /// Compiled code kept in the snapshot (warm code).
        const WARM_CODE = 1 << 1;
        /// `DataView` objects survive.
        const DATA_VIEW = 1 << 2;
        /// `Intl` objects survive.
        const INTL = 1 << 3;
        /// Native data behind wrapper objects comes back (ObjectWrap).
        const OBJECT_WRAP = 1 << 4;
        /// The payload is used straight from a mapped file, without a copy.
        const ZERO_COPY_PAYLOAD = 1 << 5;
        /// Several runtimes restored from one snapshot may run on different threads at once.
        const CONCURRENT_RUNTIMES = 1 << 6;
        /// Every number comes back bit for bit (no text round trip).
        const EXACT_NUMBERS = 1 << 7;
        /// Scripts can be run from the engine's code cache (the `code-cache` strategy).
        const CODE_CACHE = 1 << 8;
        /// WebAssembly modules, instances and memories made by the setup survive.
        const WEBASSEMBLY = 1 << 9;
        /// Map, Set and String iterators part-way through survive and go on where they were.
        const LIVE_ITERATORS = 1 << 10;
        /// Error objects keep their `stack` text.
        const ERROR_STACKS = 1 << 11;
        /// `SharedArrayBuffer` and `Atomics` work while a snapshot is built, as after restore.
        const SHARED_MEMORY = 1 << 12;
        /// A tagged template's call site gives the same strings array after restore as
        /// before (libraries key caches on it).
        const TEMPLATE_IDENTITY = 1 << 13;
        /// An object frozen or sealed before capture still reads as frozen or sealed after
        /// restore (`Object.isFrozen` / `isSealed`), whatever refers to it.
        const INTEGRITY_LEVELS = 1 << 14;
        /// ES module graphs evaluated before capture come back as the same instances (their
        /// bindings live, their top-level code not run again).
        const ES_MODULES = 1 << 15;
        /// A module namespace object made before capture (`import * as ns`, `export * as ns`)
        /// survives.
        const MODULE_NAMESPACES = 1 << 16;
    }
}

/// A capability a backend lacks, with the reason (shown in the conformance matrix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapabilityGap {
    /// The capability.
    pub capability: Capabilities,
    /// Why the engine cannot provide it.
    pub reason: &'static str,
    /// Text that the failure this gap causes always contains (a note of `make`'s, an error
    /// message): a gap excuses a failure only when it shows this symptom, so that it never
    /// hides an unrelated one.
    pub symptom: &'static str,
}

/// A call that needs a capability the engine lacks; says which, and why it is absent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{engine} cannot {action}: capability {} is absent ({reason})", capability_names(*.capability))]
pub struct Unsupported {
    /// The engine.
    pub engine: EngineKind,
    /// The capability the call needs.
    pub capability: Capabilities,
    /// What was asked (`add a named context`).
    pub action: &'static str,
    /// The backend's declared reason.
    pub reason: &'static str,
}

/// The names of the flags in `capabilities`, joined by `|` (`NAMED_CONTEXTS`).
pub fn capability_names(capabilities: Capabilities) -> String {
    capabilities.iter_names().map(|(name, _)| name).collect::<Vec<_>>().join("|")
}

impl Unsupported {
    /// The refusal of `action` by engine `A`, with the reason `A` declares for `capability`.
    pub fn of<A: Api>(capability: Capabilities, action: &'static str) -> Unsupported {
        let reason = A::gaps()
            .iter()
            .find(|gap| gap.capability.intersects(capability))
            .map_or("the backend declares no reason", |gap| gap.reason);
        Unsupported { engine: A::KIND, capability, action, reason }
    }
}

/// Bytes that stay alive as long as something holds them: a mapped file, a `Vec`, or a part
/// of either. Engines that read a payload lazily keep one of these for their lifetime.
#[derive(Clone)]
pub struct SharedBytes {
    owner: Arc<dyn AsRef<[u8]> + Send + Sync>,
    range: Range<usize>,
}

impl SharedBytes {
    /// All of `owner`'s bytes.
    pub fn new(owner: Arc<dyn AsRef<[u8]> + Send + Sync>) -> SharedBytes {
        let len = (*owner).as_ref().len();
        SharedBytes { owner, range: 0..len }
    }

    /// `range` of `owner`'s bytes; `None` when the range is out of bounds.
    pub fn slice(owner: Arc<dyn AsRef<[u8]> + Send + Sync>, range: Range<usize>) -> Option<SharedBytes> {
        ((*owner).as_ref().get(range.clone()).is_some()).then_some(SharedBytes { owner, range })
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &(*self.owner).as_ref()[self.range.clone()]
    }

    /// `range` of these bytes (relative to their start), sharing the same owner; `None`
    /// when the range is out of bounds.
    pub fn part(&self, range: Range<usize>) -> Option<SharedBytes> {
        let within = self.range.start.checked_add(range.start)?..self.range.start.checked_add(range.end)?;
        (range.start <= range.end && within.end <= self.range.end)
            .then(|| SharedBytes { owner: self.owner.clone(), range: within })
    }

    /// `part` as shared bytes of the same owner, when `part` lies inside these bytes (by
    /// address: a slice borrowed from them); `None` otherwise.
    pub fn sub(&self, part: &[u8]) -> Option<SharedBytes> {
        let whole = self.as_slice();
        let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
        let end = start.checked_add(part.len())?;
        (end <= whole.len())
            .then(|| SharedBytes { owner: self.owner.clone(), range: self.range.start + start..self.range.start + end })
    }
}

impl From<Vec<u8>> for SharedBytes {
    fn from(bytes: Vec<u8>) -> SharedBytes {
        SharedBytes::new(Arc::new(bytes))
    }
}

impl<T: AsRef<[u8]> + Send + Sync + 'static> From<Arc<T>> for SharedBytes {
    fn from(owner: Arc<T>) -> SharedBytes {
        SharedBytes::new(owner)
    }
}

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl std::fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedBytes({} bytes)", self.range.len())
    }
}

/// An engine, as a set of associated types and facts.
pub trait Api: Sized + 'static {
    /// Which engine this is.
    const KIND: EngineKind;
    /// Makes snapshots.
    type Builder: Builder<A = Self>;
    /// A live runtime, fresh or restored.
    type Runtime: Runtime<A = Self>;
    /// The backend's error type.
    type Error: BackendError;

    /// The exact engine build this program would load (checked against snapshots).
    fn engine_build() -> Result<EngineBuild, Self::Error>;

    /// What it cannot bring back, each with the reason: the one place a backend declares
    /// what it lacks.
    fn gaps() -> &'static [CapabilityGap];

    /// Everything this backend can bring back: every capability but its declared gaps.
    fn capabilities() -> Capabilities {
        Self::gaps().iter().fold(Capabilities::all(), |all, gap| all - gap.capability)
    }

    /// What this engine changes in, or cannot survive in, a heap it restores (checked by a
    /// verified capture). The default: nothing known.
    fn fidelity() -> &'static Fidelity {
        &Fidelity::NONE
    }
}

/// What an engine is known to add to a restored heap, and the heap contents it is known to
/// die on, for the verified capture: paths are those of the state reader (`globalThis.x`,
/// `%Array.prototype%.at`, builtins by their fixed `%Name%`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fidelity {
    /// Paths the engine adds to every restored heap (and everything under them): absent at
    /// capture and present after a restore is not a difference.
    pub added_after_restore: &'static [&'static str],
    /// Builtins the engine builds differently while making a snapshot than after restoring
    /// one (everything under these paths is left out of the comparison), and why.
    pub not_compared: (&'static [&'static str], &'static str),
    /// What the engine is known to lose, each a declared gap: a difference under these paths
    /// is not a refusal but a note that names it.
    pub lost: &'static [Loss],
    /// Kinds of object the engine is known to bring back broken (the state reader's kind
    /// names: `Map Iterator`, `Set Iterator`, `String Iterator`, `Intl`, `WebAssembly`,
    /// `DataView`, `ErrorStack`), each with what is lost: each one found is a note, and its
    /// internals are left out of the comparison.
    pub lost_kinds: &'static [(&'static str, &'static str)],
    /// The engine turns top-level `let`/`const`/`class` bindings into properties of the
    /// global object when it restores them (why, when it does): new global properties after
    /// a restore are a note, not a refusal.
    pub lexical_globals_become_properties: Option<&'static str>,
    /// Builtins (by fixed name, or `globalThis`) that must still be extensible at capture,
    /// and what happens otherwise.
    pub must_stay_extensible: (&'static [&'static str], &'static str),
    /// Numbers of this magnitude or more (finite) cannot be captured, and why.
    pub max_number_magnitude: Option<(f64, &'static str)>,
    /// A RegExp's `lastIndex` must hold a number, and why.
    pub last_index_must_be_number: Option<&'static str>,
    /// The engine writes a RegExp's source back with every `/` escaped (`[^/]` comes back as
    /// `[^\/]`, the same pattern), and what that means: such a difference is a note.
    pub regexp_source_escapes_slash: Option<&'static str>,
    /// The backend puts stand-ins for builtins the engine lacks while building in the setup's
    /// way (a hidden global `__polysnap_stand_ins` with `isStandIn(value)`), and why a
    /// reference to one left in the heap is refused.
    pub stand_ins: Option<&'static str>,
    /// The engine cannot capture a function created inside a `with` block, and why: setup
    /// scripts with a `with` that creates functions are refused before they run.
    pub functions_in_with_blocks: Option<&'static str>,
    /// The engine gives a tagged template's call site a new strings array after restore,
    /// and what that means: setup scripts with tagged templates are written with a note.
    pub tagged_templates_lose_identity: Option<&'static str>,
    /// The verified capture reads at most this many values of a heap on this engine (its own
    /// default is 4,000,000), and why: what lies beyond is a `not checked` note.
    pub state_values_limit: Option<(usize, &'static str)>,
}

/// Something an engine is known to lose across a snapshot, where it shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Loss {
    /// The paths (and everything under them) where it shows.
    pub paths: &'static [&'static str],
    /// What is lost and why (shown with the difference).
    pub what: &'static str,
}

impl Fidelity {
    /// Nothing known.
    pub const NONE: Fidelity = Fidelity {
        added_after_restore: &[],
        not_compared: (&[], ""),
        lost: &[],
        lost_kinds: &[],
        lexical_globals_become_properties: None,
        must_stay_extensible: (&[], ""),
        max_number_magnitude: None,
        last_index_must_be_number: None,
        regexp_source_escapes_slash: None,
        functions_in_with_blocks: None,
        tagged_templates_lose_identity: None,
        stand_ins: None,
        state_values_limit: None,
    };
}

/// What to keep when capturing.
#[derive(Clone, Debug, Default)]
pub struct CaptureOptions {
    /// A script whose calls compile code that is then kept, while its side effects are not.
    pub warmup: Option<(String, String)>,
}

/// What a capture produced, ready for the container.
#[derive(Clone, Debug)]
pub struct Captured {
    /// The engine payload.
    pub payload: Vec<u8>,
    /// How it is stored.
    pub encoding: PayloadEncoding,
    /// Its length once decoded.
    pub raw_len: u64,
    /// Whether compiled code was kept.
    pub warm_code: bool,
    /// The named contexts captured beside the default one, in the engine's index order.
    pub contexts: Vec<String>,
    /// What the engine could not carry exactly and the capture found, one line each (`make`
    /// prints them as notes).
    pub notes: Vec<String>,
}

/// Runs setup code, then captures the heap. As a [`ScriptHost`] it runs scripts for
/// engine-neutral host code (rehydrators, the snapshot JS API).
pub trait Builder: ScriptHost + Sized + 'static {
    /// The engine.
    type A: Api;

    /// A fresh runtime in snapshot-making mode with `natives` installed, in this order.
    fn new(natives: &[&Native]) -> Result<Self, <Self::A as Api>::Error>;

    /// Ends the setup: undoes what the backend changed only while recording (ChakraCore's
    /// recording-time `Object.freeze`/`Object.seal`), so that the heap read just before
    /// capture is the heap captured. No setup script runs after it. The default does nothing.
    fn finish_setup(&mut self) -> Result<(), ScriptError> {
        Ok(())
    }

    /// Captures the heap (consuming the builder).
    fn capture(self, options: &CaptureOptions) -> Result<Captured, <Self::A as Api>::Error>;

    /// Adds a named context (capability `NAMED_CONTEXTS`): a new context, with the natives,
    /// in which `scripts` (name, source) run; it is captured beside the default one and
    /// restored by name. Engines without the capability refuse with [`Unsupported`].
    fn add_context(&mut self, name: &str, scripts: &[(String, String)]) -> Result<(), ScriptError> {
        let _ = (name, scripts);
        Err(Box::new(Unsupported::of::<Self::A>(Capabilities::NAMED_CONTEXTS, "add a named context")))
    }

    /// Runs the ES module graph rooted at `root` in the default context (capability
    /// `ES_MODULES`): imports loaded through `loader`, each URL once; the root evaluated and
    /// its top-level await settled. Engines without the capability refuse with [`Unsupported`].
    fn run_module(&mut self, root: ModuleSource, loader: &mut dyn ModuleLoader) -> Result<(), ScriptError> {
        let _ = (root, loader);
        Err(Box::new(Unsupported::of::<Self::A>(Capabilities::ES_MODULES, "run an ES module")))
    }
}

/// A live runtime, restored from a snapshot or fresh. As a [`ScriptHost`] it runs scripts
/// for engine-neutral host code.
pub trait Runtime: ScriptHost + Sized + 'static {
    /// The engine.
    type A: Api;

    /// A runtime without a snapshot, `natives` installed (cold runs, differential tests).
    fn fresh(natives: &[&Native]) -> Result<Self, <Self::A as Api>::Error>;

    /// Restores a validated payload; `natives` are in the snapshot's table order.
    fn restore(payload: SharedBytes, natives: &[&Native]) -> Result<Self, <Self::A as Api>::Error>;

    /// The namespace of the captured module `url`, converted like a script's value
    /// (capability `ES_MODULES`; engines without it refuse with [`Unsupported`]).
    fn module_namespace(&mut self, url: &str) -> Result<HostValue, ScriptError> {
        let _ = url;
        Err(Box::new(Unsupported::of::<Self::A>(Capabilities::ES_MODULES, "look up an ES module")))
    }

    /// Sets the loader that resolves the imports of [`run_module`](Self::run_module) and of
    /// every `import(specifier)` a script or module runs (capability `ES_MODULES`): a URL the
    /// runtime already has (a module of the snapshot, one loaded before) is that instance.
    /// Engines without the capability refuse with [`Unsupported`].
    fn set_module_loader(&mut self, loader: Box<dyn ModuleLoader>) -> Result<(), ScriptError> {
        let _ = loader;
        Err(Box::new(Unsupported::of::<Self::A>(Capabilities::ES_MODULES, "load ES modules")))
    }

    /// Runs the ES module graph rooted at `root` in the default context, as a builder does
    /// (capability `ES_MODULES`): imports through the loader set with
    /// [`set_module_loader`](Self::set_module_loader), top-level await settled. Engines
    /// without the capability refuse with [`Unsupported`].
    fn run_module(&mut self, root: ModuleSource) -> Result<(), ScriptError> {
        let _ = root;
        Err(Box::new(Unsupported::of::<Self::A>(Capabilities::ES_MODULES, "run an ES module")))
    }

    /// Makes the named context current for [`ScriptHost::run_script`] (`None`: the default
    /// context). Engines without `NAMED_CONTEXTS` refuse any name with [`Unsupported`].
    fn enter_context(&mut self, name: Option<&str>) -> Result<(), ScriptError> {
        match name {
            None => Ok(()),
            Some(_) => Err(Box::new(Unsupported::of::<Self::A>(Capabilities::NAMED_CONTEXTS, "enter a named context"))),
        }
    }

    /// Runs a classic script (as [`ScriptHost::run_script`]) and returns, with its
    /// completion value, the engine's code cache for it, made after it ran so the functions
    /// it called are in it (capability `CODE_CACHE`).
    fn run_script_producing_cache(&mut self, name: &str, source: &str) -> Result<(HostValue, Vec<u8>), ScriptError> {
        let _ = (name, source);
        Err(Box::new(Unsupported::of::<Self::A>(Capabilities::CODE_CACHE, "produce a code cache")))
    }

    /// Keeps `bytes` alive as long as the runtime, so that sources and caches later passed
    /// to [`run_script_with_cache`](Self::run_script_with_cache) that lie inside them can be
    /// used in place instead of copied (ChakraCore reads bytecode and sources lazily, for the
    /// runtime's whole life). Engines that copy anyway ignore it.
    fn retain(&mut self, bytes: SharedBytes) {
        let _ = bytes;
    }

    /// Runs a classic script with a code cache made for the same source by the same engine
    /// build; returns its completion value and whether the engine used the cache (a cache it
    /// rejects is ignored and the script compiled from source, never an error).
    fn run_script_with_cache(
        &mut self,
        name: &str,
        source: &str,
        cache: &[u8],
    ) -> Result<(HostValue, bool), ScriptError> {
        let _ = (name, source, cache);
        Err(Box::new(Unsupported::of::<Self::A>(Capabilities::CODE_CACHE, "run from a code cache")))
    }
}

/// An error from a script host, whatever the engine.
pub type ScriptError = Box<dyn std::error::Error + Send + Sync>;

/// A backend's error type: it can tell a script's uncaught exception from its own failures.
pub trait BackendError: std::error::Error + Send + Sync + Sized + 'static {
    /// The engine-neutral exception when this error is a script's uncaught one; the error
    /// itself otherwise.
    fn into_exception(self) -> Result<JsException, Self>;
}

/// `error` as a [`ScriptError`]: a script's uncaught exception becomes the engine-neutral
/// [`JsException`] (so hosts can tell it from an engine failure), any other error stays itself.
pub fn script_error<E: BackendError>(error: E) -> ScriptError {
    match error.into_exception() {
        Ok(exception) => Box::new(exception),
        Err(other) => Box::new(other),
    }
}

/// The engine-neutral face of a runtime (making or restored) that host code such as
/// rehydrators and the snapshot JS API acts on: run a script, get a value back.
pub trait ScriptHost {
    /// The engine underneath.
    fn engine(&self) -> EngineKind;

    /// Runs a classic script in the global scope, then drains the microtask queue.
    fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, ScriptError>;

    /// Releases every [`HostValue::Handle`] the runtime keeps for the host (objects that
    /// scripts returned); handles given out before then name nothing. A host that runs many
    /// scripts and keeps no handle calls it between them. Builders drop theirs at capture
    /// (the default does nothing).
    fn release_handles(&mut self) -> Result<(), ScriptError> {
        Ok(())
    }
}

/// `dyn ScriptHost` with the `'static` bound spelled out once: the context type of
/// rehydrators that act on a runtime (`Rehydrator<DynScriptHost>`).
pub type DynScriptHost = dyn ScriptHost;

#[cfg(test)]
mod tests {
    use super::SharedBytes;

    #[test]
    fn sub_finds_a_borrowed_part_and_nothing_else() {
        let whole = SharedBytes::from(b"0123456789".to_vec());
        let inner = SharedBytes::slice(std::sync::Arc::new(b"0123456789".to_vec()), 2..8).unwrap();
        let part = &whole.as_slice()[3..7];
        assert_eq!(whole.sub(part).unwrap().as_slice(), b"3456");
        assert_eq!(whole.sub(&whole.as_slice()[10..]).unwrap().as_slice(), b"");
        let inner_part = &inner.as_slice()[1..3];
        assert_eq!(inner.sub(inner_part).unwrap().as_slice(), b"34");
        // Equal bytes elsewhere are not a part.
        assert!(whole.sub(b"3456").is_none());
        assert!(inner.sub(&whole.as_slice()[3..7]).is_none());
        // All of it is a part of itself; bytes of the same owner outside its range are not.
        assert_eq!(inner.sub(inner.as_slice()).unwrap().as_slice(), b"234567");
        let shared_owner = std::sync::Arc::new(b"0123456789".to_vec());
        let narrow = SharedBytes::slice(shared_owner.clone(), 2..8).unwrap();
        assert!(narrow.sub(&shared_owner[1..5]).is_none());
        assert!(narrow.sub(&shared_owner[4..9]).is_none());
        assert_eq!(narrow.sub(&shared_owner[4..8]).unwrap().as_slice(), b"4567");
    }
}
