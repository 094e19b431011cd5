//! In-memory streams behind the TTD stream callbacks.
//!
//! The TTD callbacks carry no host state: the engine passes only a location (`uri`) and a
//! resource name (`ttdlog.log`, `src_1.js`, `snap_1.snp`, ...). Each recorder or restored
//! runtime registers a [`MemoryStore`] under a unique, process-local `uri`
//! (`polysnap-mem://<pid>/<n>/`); the callbacks look the store up by `uri` and read or
//! write whole files in memory. Nothing touches the file system.
//!
//! The engine reaches the stores through this module's four `ttd_*` callbacks
//! ([`CALLBACKS`]); each converts the raw pointers it is given to safe types, forwards to
//! safe code and lets no panic unwind into C++.

use std::collections::{BTreeMap, HashMap};
use std::ffi::{c_char, CStr, CString};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use snapshot_core::SharedBytes;

use crate::jsrt::TtdStreamCallbacks;
use crate::sys::JsTTDStreamHandle;

#[derive(Default)]
struct Files {
    /// Complete files, by resource name.
    files: BTreeMap<String, SharedBytes>,
    /// Problems met by the callbacks (they cannot return errors), for diagnostics.
    problems: Vec<String>,
}

type Shared = Arc<Mutex<Files>>;

fn registry() -> MutexGuard<'static, HashMap<Vec<u8>, Shared>> {
    static REGISTRY: OnceLock<Mutex<HashMap<Vec<u8>, Shared>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner())
}

fn lock(files: &Shared) -> MutexGuard<'_, Files> {
    files.lock().unwrap_or_else(|p| p.into_inner())
}

/// A set of in-memory files registered under a unique `uri` for the TTD callbacks;
/// unregistered when dropped.
pub(crate) struct MemoryStore {
    uri: CString,
    files: Shared,
}

impl MemoryStore {
    /// An empty store under a fresh `uri`.
    pub(crate) fn new() -> MemoryStore {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let uri = format!("polysnap-mem://{}/{}/", std::process::id(), n);
        let uri = CString::new(uri).expect("generated uri has no NUL");
        let files: Shared = Arc::default();
        registry().insert(uri.as_bytes().to_vec(), files.clone());
        MemoryStore { uri, files }
    }

    /// A store pre-filled with `files` (for replay); the bytes are shared, not copied.
    pub(crate) fn with_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a SharedBytes)>) -> MemoryStore {
        let store = MemoryStore::new();
        {
            let mut f = lock(&store.files);
            for (name, data) in files {
                f.files.insert(name.to_owned(), data.clone());
            }
        }
        store
    }

    /// The `uri` to hand to the engine (`emitTTDLog(uri)` or the replay runtime).
    pub(crate) fn uri(&self) -> &CStr {
        &self.uri
    }

    /// The `uri` as text.
    pub(crate) fn uri_str(&self) -> &str {
        self.uri.to_str().expect("generated uri is ASCII")
    }

    /// Removes and returns every complete file, sorted by name.
    pub(crate) fn take_files(&self) -> Vec<(String, SharedBytes)> {
        let mut f = lock(&self.files);
        std::mem::take(&mut f.files).into_iter().collect()
    }

    /// Drops the file contents (after inflation) while keeping the `uri` registered.
    pub(crate) fn clear(&self) {
        lock(&self.files).files.clear();
    }

    /// Problems the callbacks met (unknown files asked for, writes to a read stream, ...).
    pub(crate) fn problems(&self) -> Vec<String> {
        lock(&self.files).problems.clone()
    }
}

impl Drop for MemoryStore {
    fn drop(&mut self) {
        registry().remove(self.uri.as_bytes());
    }
}

enum Mode {
    Read { data: SharedBytes, pos: usize },
    Write { buf: Vec<u8> },
}

/// One open stream (the `JsTTDStreamHandle` the engine holds is a `Box<Stream>`).
pub(crate) struct Stream {
    files: Shared,
    name: String,
    mode: Mode,
}

/// Opens `name` in the store registered under `uri`. `None` (the engine then aborts with
/// a TTD assert) when the store or, for reading, the file does not exist; the reason is
/// printed to stderr, as the engine's own host does, since the process is about to end.
pub(crate) fn open(uri: &[u8], name: &[u8], read: bool, write: bool) -> Option<Box<Stream>> {
    let name = String::from_utf8_lossy(name).into_owned();
    let files = registry().get(uri).cloned();
    let Some(files) = files else {
        eprintln!(
            "polysnap/chakra: TTD asked for `{name}` under unknown location `{}`; expected a \
             location registered by this process (polysnap-mem://...)",
            String::from_utf8_lossy(uri)
        );
        return None;
    };
    if write {
        if read {
            lock(&files).problems.push(format!("`{name}` opened for read and write; treated as write"));
        }
        return Some(Box::new(Stream { files, name, mode: Mode::Write { buf: Vec::new() } }));
    }
    let data = lock(&files).files.get(&name).cloned();
    match data {
        Some(data) => Some(Box::new(Stream { files, name, mode: Mode::Read { data, pos: 0 } })),
        None => {
            let msg = format!(
                "TTD asked to read `{name}`, which the snapshot payload does not contain; \
                 the payload is incomplete or from another engine build"
            );
            eprintln!("polysnap/chakra: {msg}");
            lock(&files).problems.push(msg);
            None
        }
    }
}

impl Stream {
    /// Copies up to `out.len()` bytes; returns how many (0 at the end).
    pub(crate) fn read(&mut self, out: &mut [u8]) -> usize {
        match &mut self.mode {
            Mode::Read { data, pos } => {
                let data = data.as_slice();
                let n = out.len().min(data.len() - *pos);
                out[..n].copy_from_slice(&data[*pos..*pos + n]);
                *pos += n;
                n
            }
            Mode::Write { .. } => {
                lock(&self.files).problems.push(format!("read from `{}`, opened for writing", self.name));
                0
            }
        }
    }

    /// Appends `data`; false if the stream is not writable.
    pub(crate) fn write(&mut self, data: &[u8]) -> bool {
        match &mut self.mode {
            Mode::Write { buf } => {
                buf.extend_from_slice(data);
                true
            }
            Mode::Read { .. } => {
                lock(&self.files).problems.push(format!("write to `{}`, opened for reading", self.name));
                false
            }
        }
    }

    /// Closes the stream; a written file becomes visible in its store (replacing any
    /// earlier file of the same name).
    pub(crate) fn close(self) {
        if let Mode::Write { buf } = self.mode {
            lock(&self.files).files.insert(self.name, SharedBytes::from(buf));
        }
    }
}

/// The TTD stream callbacks of every record and replay runtime, backed by the
/// [`MemoryStore`]s of this module.
#[allow(unsafe_code)]
// SAFETY: the four shims below implement the header's stream contract over this module's
// streams: `ttd_open_shim` returns null or a `Box<Stream>` that the others use until
// `ttd_close_shim` takes it back; each checks its pointers and catches panics.
pub(crate) const CALLBACKS: TtdStreamCallbacks =
    unsafe { TtdStreamCallbacks::new(ttd_open_shim, ttd_read_shim, ttd_write_shim, ttd_close_shim) };

/// Builds a byte slice from a (pointer, length) pair the engine passed; empty when null.
///
/// # Safety
/// `ptr` must be null or point to `len` readable bytes for the returned lifetime.
#[allow(unsafe_code)]
unsafe fn bytes_from<'a>(ptr: *const c_char, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }
    }
}

/// `TTDOpenResourceStreamCallback` backed by this module.
#[allow(unsafe_code)]
unsafe extern "C" fn ttd_open_shim(
    uri_length: usize,
    uri: *const c_char,
    ascii_name_length: usize,
    ascii_resource_name: *const c_char,
    read: bool,
    write: bool,
) -> JsTTDStreamHandle {
    // SAFETY: the engine passes (pointer, length) pairs that are valid during the call.
    let (uri, name) = unsafe { (bytes_from(uri, uri_length), bytes_from(ascii_resource_name, ascii_name_length)) };
    let opened = std::panic::catch_unwind(|| open(uri, name, read, write));
    match opened {
        Ok(Some(stream)) => Box::into_raw(stream).cast(),
        _ => std::ptr::null_mut(),
    }
}

/// `JsTTDReadBytesFromStreamCallback` backed by this module.
#[allow(unsafe_code)]
unsafe extern "C" fn ttd_read_shim(
    handle: JsTTDStreamHandle,
    buff: *mut u8,
    size: usize,
    read_count: *mut usize,
) -> bool {
    if handle.is_null() || read_count.is_null() {
        return false;
    }
    let out: &mut [u8] = if buff.is_null() || size == 0 {
        &mut []
    } else {
        // SAFETY: the engine passes a buffer of `size` writable bytes.
        unsafe { std::slice::from_raw_parts_mut(buff, size) }
    };
    // SAFETY: `handle` is a `Box<Stream>` from `ttd_open_shim`, not yet closed; the engine
    // uses a stream from one thread at a time.
    let stream = unsafe { &mut *(handle as *mut Stream) };
    let n = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream.read(out))).unwrap_or(0);
    // SAFETY: checked non-null above; the engine passes a valid out pointer.
    unsafe { *read_count = n };
    n != 0
}

/// `JsTTDWriteBytesToStreamCallback` backed by this module.
#[allow(unsafe_code)]
unsafe extern "C" fn ttd_write_shim(
    handle: JsTTDStreamHandle,
    buff: *const u8,
    size: usize,
    written_count: *mut usize,
) -> bool {
    if handle.is_null() || written_count.is_null() {
        return false;
    }
    // SAFETY: the engine passes `size` readable bytes.
    let data = unsafe { bytes_from(buff.cast(), size) };
    // SAFETY: as in `ttd_read_shim`.
    let stream = unsafe { &mut *(handle as *mut Stream) };
    let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream.write(data))).unwrap_or(false);
    // SAFETY: checked non-null above.
    unsafe { *written_count = if ok { size } else { 0 } };
    ok
}

/// `JsTTDFlushAndCloseStreamCallback` backed by this module.
#[allow(unsafe_code)]
unsafe extern "C" fn ttd_close_shim(handle: JsTTDStreamHandle, _read: bool, _write: bool) {
    if handle.is_null() {
        return;
    }
    // SAFETY: `handle` came from `Box::into_raw` in `ttd_open_shim` and the engine closes
    // each stream once, so ownership returns here exactly once.
    let stream = unsafe { Box::from_raw(handle as *mut Stream) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream.close()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_read_through_the_registry() {
        let store = MemoryStore::new();
        let mut w = open(store.uri().to_bytes(), b"a.log", false, true).unwrap();
        assert!(w.write(b"hello "));
        assert!(w.write(b"world"));
        w.close();
        let mut r = open(store.uri().to_bytes(), b"a.log", true, false).unwrap();
        let mut buf = [0u8; 4];
        let mut got = Vec::new();
        loop {
            let n = r.read(&mut buf);
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, b"hello world");
        assert!(open(store.uri().to_bytes(), b"missing", true, false).is_none());
        let files = store.take_files();
        assert_eq!(files.len(), 1);
        assert_eq!((files[0].0.as_str(), files[0].1.as_slice()), ("a.log", &b"hello world"[..]));
        let uri = store.uri().to_bytes().to_vec();
        drop(store);
        assert!(open(&uri, b"a.log", false, true).is_none());
    }
}
