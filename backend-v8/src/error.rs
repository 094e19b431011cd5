//! The error type of backend-v8.

use snapshot_core::{BackendError, JsException, NotAFunction, StableId};

/// Everything that can go wrong in backend-v8. Each message says what was expected, what
/// was found and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum V8Error {
    /// The shim (polysnap's C++ layer over libnode, a shared library the build script makes)
    /// could not be opened, or lacks a function.
    #[error("the V8 backend cannot load its shim {}: {reason}; expected the library backend-v8's build script compiled against the V8 engine (cargo xtask setup fetches the engine into .engines/v8); if this program was moved away from that build, set POLYSNAP_V8_SHIM to the shim's new path (libnode and its libraries must stay where the shim's rpath says)", path.display())]
    ShimNotLoaded {
        /// Where the shim was looked for.
        path: std::path::PathBuf,
        /// What the dynamic loader said.
        reason: String,
    },
    /// JavaScript threw (or failed to compile) and nothing caught it.
    #[error("JavaScript threw an uncaught exception in `{file}`: {message} (at {location}); expected the script to complete, fix it or catch the exception in JavaScript{}", stack.as_deref().map(|s| format!("\n{s}")).unwrap_or_default())]
    Js {
        /// The script's file name as given to `run_script`.
        file: String,
        /// `String(exception)`, e.g. `Error: boom` or `SyntaxError: Unexpected token`.
        message: String,
        /// The exception's `stack`, when it had one.
        stack: Option<String>,
        /// `file:line:column` of the throw, when V8 knew it.
        location: String,
    },
    /// The bytes passed to restore are not a backend-v8 snapshot, or are damaged.
    #[error("not a usable backend-v8 snapshot: expected {expected}, found {found}; pass the unmodified bytes returned by SnapshotBuilder::build")]
    BadBlob {
        /// What a valid snapshot has at this point.
        expected: String,
        /// What these bytes have.
        found: String,
    },
    /// A code cache that [`Runtime::run_script_with_cache`](crate::Runtime::run_script_with_cache)
    /// would not hand to V8 (it then compiles from source and reports
    /// [`CacheOutcome::Rejected`](crate::CacheOutcome::Rejected)); returned by
    /// [`check_code_cache`](crate::check_code_cache).
    #[error("not a usable code cache for this script: expected {expected}, found {found}; make a new cache with Runtime::run_script_producing_cache for this source in this build (until then the script compiles from source)")]
    BadCodeCache {
        /// What a usable cache has at this point.
        expected: String,
        /// What these bytes have.
        found: String,
    },
    /// The snapshot was made by a different V8 build than the one this process runs.
    #[error(
        "snapshot made by V8 build `{found}`, but this process runs `{expected}`; rebuild the snapshot with this build"
    )]
    BuildMismatch {
        /// The running build's identity.
        expected: String,
        /// The identity recorded in the snapshot.
        found: String,
    },
    /// The snapshot's external-reference table needs a native that was not passed.
    #[error("the snapshot's external-reference table needs native `{id}` at position {position}, but it is not among the natives passed; register a native with that id before restoring")]
    MissingNative {
        /// The native's id.
        id: StableId,
        /// Its position in the snapshot's table.
        position: usize,
    },
    /// Two natives with the same id were passed.
    #[error("native id `{id}` is registered twice (names `{first}` and `{second}`); expected each id once, remove one of them")]
    DuplicateNative {
        /// The id.
        id: StableId,
        /// The first name with that id.
        first: String,
        /// The second name with that id.
        second: String,
    },
    /// A native's id is not the hash of its name.
    #[error("native `{name}` has id {found:?}, expected StableId::new({name:?}); build the id from the same name")]
    NativeIdMismatch {
        /// The native's name.
        name: String,
        /// The id it carried.
        found: StableId,
    },
    /// A named context was asked for that the snapshot does not have.
    #[error("no named context `{name}` in this runtime: expected one of the snapshot's named contexts ({}); enter one of those, or None for the default context, or add the context when making the snapshot", list_contexts(.available))]
    UnknownContext {
        /// The name asked for.
        name: String,
        /// The named contexts the snapshot has, in index order.
        available: Vec<String>,
    },
    /// An argument could not be handed to V8.
    #[error("invalid input: expected {expected}, found {found}")]
    InvalidInput {
        /// What is accepted.
        expected: String,
        /// What was passed.
        found: String,
    },
    /// A value could not be converted between JavaScript and [`snapshot_core::HostValue`].
    #[error("value conversion failed: {0}; this is a backend-v8 bug, please report it with the value involved")]
    Conversion(String),
    /// The shim or V8 failed in a way that is not a JavaScript exception.
    #[error("V8 shim failure: {0}")]
    Internal(String),
    /// An ES module import could not be loaded.
    #[error("cannot load the module `{specifier}` imported by {referrer}: {reason}")]
    ModuleNotLoaded {
        /// The import's specifier.
        specifier: String,
        /// The URL of the importing module.
        referrer: String,
        /// Why (the host's loader said).
        reason: String,
    },
    /// A module makes a namespace object before capture, which V8 10.2 cannot serialize.
    #[error("{url}:{line} makes a module namespace object (`* as`), which V8 10.2 cannot capture (it ends the process writing the snapshot; capability MODULE_NAMESPACES is absent): import the names you use (`import {{ a, b }} from …`), or make the namespace after restore")]
    ModuleNamespace {
        /// The module's URL.
        url: String,
        /// The line of the `import` or `export`.
        line: usize,
    },
    /// A module URL the runtime does not hold (neither its snapshot's nor loaded since).
    #[error("the runtime has no module {url}: its modules are {}", if available.is_empty() { "none".to_owned() } else { available.join(", ") })]
    UnknownModule {
        /// The URL asked for.
        url: String,
        /// The runtime's module URLs.
        available: Vec<String>,
    },
    /// A native that is not a function was handed to the backend.
    #[error("backend-v8 installs {0}")]
    NotAFunction(#[from] NotAFunction),
}

impl BackendError for V8Error {
    fn into_exception(self) -> Result<JsException, V8Error> {
        match self {
            V8Error::Js { message, stack, .. } => Ok(JsException { message, stack }),
            other => Err(other),
        }
    }
}

fn list_contexts(names: &[String]) -> String {
    if names.is_empty() {
        "it has none: a fresh runtime, or a snapshot made without named contexts".to_owned()
    } else {
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    }
}
