//! Opening `libChakraCore.so` and naming its exact build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::error::ChakraError;
use crate::ffi::Jsrt;

/// Environment variable that overrides the library path.
pub const LIBRARY_ENV: &str = "POLYSNAP_CHAKRA_LIB";

/// The default library path: `<workspace>/.engines/chakra/libChakraCore.so`, where the
/// workspace is the parent of this crate's directory at build time.
pub fn default_library_path() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir.parent().unwrap_or(crate_dir).join(".engines").join("chakra").join("libChakraCore.so")
}

/// The path to load: `$POLYSNAP_CHAKRA_LIB` if set and non-empty, else
/// [`default_library_path`].
pub fn library_path() -> PathBuf {
    match std::env::var_os(LIBRARY_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => default_library_path(),
    }
}

/// A loaded ChakraCore library: the resolved JSRT function table, shared.
///
/// Cloning is cheap. A library, once opened, stays loaded for the rest of the process
/// (ChakraCore keeps per-thread and process-wide state that must not be unmapped while
/// threads that touched it are alive), so opening the same path again returns the same
/// table.
#[derive(Clone, Debug)]
pub struct Library {
    jsrt: Arc<Jsrt>,
}

impl Library {
    /// Opens the library named by [`library_path`].
    pub fn open_default() -> Result<Library, ChakraError> {
        Library::open(&library_path())
    }

    /// Opens the library at `path`, resolving every JSRT function the backend uses.
    pub fn open(path: &Path) -> Result<Library, ChakraError> {
        static OPEN: OnceLock<Mutex<HashMap<PathBuf, Arc<Jsrt>>>> = OnceLock::new();
        let key =
            path.canonicalize().map_err(|source| ChakraError::LibraryNotFound { path: path.to_owned(), source })?;
        let mut open = OPEN.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
        if let Some(jsrt) = open.get(&key) {
            return Ok(Library { jsrt: jsrt.clone() });
        }
        let jsrt = Arc::new(Jsrt::open(&key)?);
        open.insert(key, jsrt.clone());
        Ok(Library { jsrt })
    }

    /// The file the library was loaded from (canonical).
    pub fn path(&self) -> &Path {
        self.jsrt.path()
    }

    /// SHA-256 of the library file (see [`library_identity`]).
    pub fn identity(&self) -> Result<String, ChakraError> {
        library_identity(self.path())
    }

    pub(crate) fn jsrt(&self) -> &Arc<Jsrt> {
        &self.jsrt
    }
}

/// The identity of a library build: the SHA-256 of the file, 64 lowercase hex digits.
///
/// A TTD log only replays on the exact build that wrote it (any mismatch aborts the
/// process inside the engine), so snapshot containers record this and refuse a
/// mismatch. Computed once per (canonical) path per process and cached.
pub fn library_identity(path: &Path) -> Result<String, ChakraError> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    let key = path.canonicalize().map_err(|source| ChakraError::Io { path: path.to_owned(), source })?;
    let cache = CACHE.get_or_init(Default::default);
    if let Some(id) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(id.clone());
    }
    let mut file = std::fs::File::open(&key).map_err(|source| ChakraError::Io { path: key.clone(), source })?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|source| ChakraError::Io { path: key.clone(), source })?;
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    cache.lock().unwrap_or_else(|p| p.into_inner()).insert(key, hex.clone());
    Ok(hex)
}
