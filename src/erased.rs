//! The engine-erased API: one runtime type whatever the engine, with no generics in the
//! caller's code. The engine comes from a snapshot's header on restore, from the caller on
//! make and for a fresh runtime; an engine this build lacks is
//! [`Error::BackendNotBuilt`](crate::Error::BackendNotBuilt), naming the cargo feature. The
//! generic functions ([`make_snapshot`](crate::make_snapshot), [`restore`](crate::restore))
//! stay for code that names its engine at compile time.

use snapshot_core::format::Snapshot;
use snapshot_core::{DynScriptHost, EngineKind, HostValue, Registry, Rehydrators, ScriptError, ScriptHost, StableId};

use crate::{Error, MakeOptions, Script, SnapshotFile};

/// Runs `$body` with `$A` the backend of `$engine` and `$variant` its [`Runtime`] variant; a
/// backend this build lacks is an error naming its feature.
macro_rules! erased {
    ($engine:expr, |$A:ident, $variant:ident| $body:expr) => {
        match $engine {
            EngineKind::V8 => {
                #[cfg(feature = "v8")]
                {
                    type $A = crate::v8::V8;
                    #[allow(unused_imports)]
                    use Runtime::V8 as $variant;
                    $body
                }
                #[cfg(not(feature = "v8"))]
                {
                    Err(Error::BackendNotBuilt { engine: EngineKind::V8, feature: "v8" })
                }
            }
            EngineKind::ChakraCore => {
                #[cfg(feature = "chakra")]
                {
                    type $A = crate::chakra::Chakra;
                    #[allow(unused_imports)]
                    use Runtime::Chakra as $variant;
                    $body
                }
                #[cfg(not(feature = "chakra"))]
                {
                    Err(Error::BackendNotBuilt { engine: EngineKind::ChakraCore, feature: "chakra" })
                }
            }
        }
    };
}

/// Runs `$body` with `$runtime` bound to the engine runtime inside `$self`.
macro_rules! each {
    ($self:expr, |$runtime:ident| $body:expr) => {
        match *$self {
            #[cfg(feature = "v8")]
            Runtime::V8(ref mut $runtime) => $body,
            #[cfg(feature = "chakra")]
            Runtime::Chakra(ref mut $runtime) => $body,
        }
    };
}

/// A runtime of whichever engine this build has: fresh, or restored from a snapshot of any
/// engine.
pub enum Runtime {
    /// A V8 runtime.
    #[cfg(feature = "v8")]
    V8(<crate::v8::V8 as snapshot_core::Api>::Runtime),
    /// A ChakraCore runtime.
    #[cfg(feature = "chakra")]
    Chakra(<crate::chakra::Chakra as snapshot_core::Api>::Runtime),
}

impl Runtime {
    /// A fresh runtime of `engine` with `registry`'s natives and polysnap's host API (the
    /// `snapshot` object), before any setup script.
    pub fn fresh(engine: EngineKind, registry: &Registry) -> Result<Runtime, Error> {
        erased!(engine, |A, Wrap| crate::fresh::<A>(registry).map(Wrap))
    }

    /// Restores `file` with the engine its header names, `registry`'s natives and no
    /// rehydrators (a snapshot that holds rehydrator records is refused by name; use
    /// [`Runtime::restore_with`]).
    pub fn restore(file: &SnapshotFile, registry: &Registry) -> Result<Runtime, Error> {
        Runtime::restore_with(file, registry, &mut Rehydrators::new())
    }

    /// Restores `file` with the engine its header names, `registry`'s natives and
    /// `rehydrators` for the native state the snapshot recorded.
    pub fn restore_with(
        file: &SnapshotFile,
        registry: &Registry,
        rehydrators: &mut Rehydrators<DynScriptHost>,
    ) -> Result<Runtime, Error> {
        let engine = file.snapshot().header.engine.kind;
        erased!(engine, |A, Wrap| crate::restore::<A>(file, registry, rehydrators).map(Wrap))
    }

    /// The engine of this runtime.
    pub fn engine(&self) -> EngineKind {
        self.host().engine()
    }

    /// Runs a classic script and returns its completion value.
    pub fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, Error> {
        let engine = self.engine();
        self.host_mut().run_script(name, source).map_err(|source| Error::Engine { engine, source })
    }

    /// The object the setup bound under `id` (`snapshot.bind(name, object)`), as a handle.
    pub fn lookup(&mut self, file: &SnapshotFile, id: StableId) -> Result<HostValue, Error> {
        crate::lookup_identity(self.host_mut(), file, id)
    }

    /// Runs the function the setup gave `snapshot.setMain`, if any, with `args`; returns
    /// whether one ran.
    pub fn run_main(&mut self, args: &[String]) -> Result<bool, Error> {
        crate::run_main(self.host_mut(), args)
    }

    /// Releases every handle this runtime gave out (`HostValue::Handle`).
    pub fn release_handles(&mut self) -> Result<(), Error> {
        let engine = self.engine();
        self.host_mut().release_handles().map_err(|source| Error::Engine { engine, source })
    }

    /// Makes `resolver` answer this runtime's imports: of [`Runtime::run`] with an ES module,
    /// and of every `import()` (see [`crate::use_module_resolver`]).
    pub fn use_module_resolver(&mut self, resolver: &crate::ModuleResolver) -> Result<(), Error> {
        each!(self, |runtime| crate::use_module_resolver(runtime, resolver))
    }

    /// Runs `script`: a classic script for its completion value, an ES module graph for
    /// `undefined` (see [`Script::run_in`]).
    pub fn run(&mut self, script: &Script) -> Result<HostValue, Error> {
        each!(self, |runtime| script.run_in(runtime))
    }

    /// The namespace of the ES module at `url` (a module of the snapshot, or one loaded
    /// since), converted like a script's value: its exports as they are now. Engines
    /// without `ES_MODULES` refuse, naming the capability.
    pub fn module_namespace(&mut self, url: &str) -> Result<HostValue, Error> {
        let engine = self.engine();
        each!(self, |runtime| snapshot_core::Runtime::module_namespace(runtime, url)
            .map_err(|source| Error::Engine { engine, source }))
    }

    fn host(&self) -> &DynScriptHost {
        match *self {
            #[cfg(feature = "v8")]
            Runtime::V8(ref runtime) => runtime,
            #[cfg(feature = "chakra")]
            Runtime::Chakra(ref runtime) => runtime,
        }
    }

    fn host_mut(&mut self) -> &mut DynScriptHost {
        match *self {
            #[cfg(feature = "v8")]
            Runtime::V8(ref mut runtime) => runtime,
            #[cfg(feature = "chakra")]
            Runtime::Chakra(ref mut runtime) => runtime,
        }
    }
}

impl ScriptHost for Runtime {
    fn engine(&self) -> EngineKind {
        self.host().engine()
    }

    fn run_script(&mut self, name: &str, source: &str) -> Result<HostValue, ScriptError> {
        self.host_mut().run_script(name, source)
    }

    fn release_handles(&mut self) -> Result<(), ScriptError> {
        self.host_mut().release_handles()
    }
}

/// Makes a snapshot of `scripts` with `engine`, chosen at run time, and no rehydrators: what
/// [`make_snapshot`](crate::make_snapshot) does for an engine named at compile time.
pub fn make(
    engine: EngineKind,
    registry: &Registry,
    scripts: &[Script],
    options: &MakeOptions,
) -> Result<Snapshot<Vec<u8>>, Error> {
    make_with(engine, registry, &mut Rehydrators::new(), scripts, options)
}

/// [`make`] with `rehydrators` recording the native state the heap cannot hold.
pub fn make_with(
    engine: EngineKind,
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
    scripts: &[Script],
    options: &MakeOptions,
) -> Result<Snapshot<Vec<u8>>, Error> {
    erased!(engine, |A, _Unused| crate::make_snapshot::<A>(registry, rehydrators, scripts, options))
}
