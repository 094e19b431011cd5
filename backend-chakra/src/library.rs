//! Opening `libChakraCore.so` and naming its exact build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::error::ChakraError;
use crate::sys::Jsrt;

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
    let hex = match identity_cache::lookup(&key) {
        Some(hex) => hex,
        None => {
            let mut file = std::fs::File::open(&key).map_err(|source| ChakraError::Io { path: key.clone(), source })?;
            let mut hasher = Sha256::new();
            std::io::copy(&mut file, &mut hasher).map_err(|source| ChakraError::Io { path: key.clone(), source })?;
            let hex: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
            identity_cache::store(&key, &hex);
            hex
        }
    };
    cache.lock().unwrap_or_else(|p| p.into_inner()).insert(key, hex.clone());
    Ok(hex)
}

/// The library's SHA-256 remembered across processes (hashing 49 MB costs ~100 ms, most of
/// a small restore), in `$XDG_CACHE_HOME/polysnap` (or `~/.cache/polysnap`), keyed by the
/// file's path, device, inode, size and modification time: a library replaced in any way a
/// package manager or a copy does gets a new key and is hashed again. A cache that cannot be
/// read or written is simply not used.
mod identity_cache {
    use std::os::unix::fs::MetadataExt;
    use std::path::{Path, PathBuf};

    fn entry(library: &Path) -> Option<(PathBuf, String)> {
        let meta = std::fs::metadata(library).ok()?;
        let key = format!(
            "{} {} {} {} {}.{}",
            library.display(),
            meta.dev(),
            meta.ino(),
            meta.size(),
            meta.mtime(),
            meta.mtime_nsec()
        );
        let dir = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?
            .join("polysnap");
        let name = format!("chakra-identity-{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()));
        Some((dir.join(name), key))
    }

    /// The remembered SHA-256, if the key still matches.
    pub(super) fn lookup(library: &Path) -> Option<String> {
        let (path, key) = entry(library)?;
        let text = std::fs::read_to_string(path).ok()?;
        let (stored_key, hex) = text.rsplit_once('\n')?;
        (stored_key == key && hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hex.to_owned())
    }

    /// Remembers the SHA-256 (best effort; written to a temporary file, then renamed).
    pub(super) fn store(library: &Path, hex: &str) {
        let Some((path, key)) = entry(library) else { return };
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&temp, format!("{key}\n{hex}")).is_ok() && std::fs::rename(&temp, &path).is_err() {
            let _ = std::fs::remove_file(&temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::identity_cache;

    #[test]
    fn the_identity_cache_remembers_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        // Only this test reads XDG_CACHE_HOME in this test binary.
        std::env::set_var("XDG_CACHE_HOME", dir.path().join("cache"));
        let library = dir.path().join("libChakraCore.so");
        std::fs::write(&library, b"first build").unwrap();
        assert_eq!(identity_cache::lookup(&library), None);
        let hex = "ab".repeat(32);
        identity_cache::store(&library, &hex);
        assert_eq!(identity_cache::lookup(&library), Some(hex));
        std::fs::write(&library, b"another build!").unwrap();
        assert_eq!(identity_cache::lookup(&library), None, "a changed file is hashed again");
    }
}
