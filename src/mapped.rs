//! Snapshot files opened for restore: mapped, validated, the payload shared without a copy.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use memmap2::Mmap;
use snapshot_core::format::decode::{validate_layout, Layout};
use snapshot_core::format::{decode, Snapshot};
use snapshot_core::{FormatError, SharedBytes};

/// A validated snapshot file: its metadata decoded, its payload left in the mapped file.
pub struct SnapshotFile {
    path: PathBuf,
    bytes: SharedBytes,
    snapshot: Snapshot<Range<usize>>,
}

impl SnapshotFile {
    /// Maps `path` and validates every byte of it (see docs/format.md).
    pub fn open(path: &Path) -> Result<SnapshotFile, FormatError> {
        let io = |action, source| FormatError::Io { action, path: path.to_owned(), source };
        let file = File::open(path).map_err(|e| io("open", e))?;
        let meta = file.metadata().map_err(|e| io("open", e))?;
        if !meta.is_file() {
            return Err(io(
                "open",
                std::io::Error::other("it is not a regular file (a directory?): pass a .psnap file"),
            ));
        }
        let bytes = if meta.len() == 0 {
            SharedBytes::from(Vec::new())
        } else {
            // SAFETY: the map is read-only and private to this process. The one hazard is
            // another process truncating the file while it is mapped (SIGBUS on access);
            // snapshot files are replaced by rename, never rewritten in place, so a file
            // polysnap wrote is never truncated under a reader.
            SharedBytes::new(Arc::new(unsafe { Mmap::map(&file) }.map_err(|e| io("map", e))?))
        };
        SnapshotFile::from_shared(path.to_owned(), bytes)
    }

    /// Validates bytes already in memory.
    pub fn from_bytes(path: PathBuf, bytes: Vec<u8>) -> Result<SnapshotFile, FormatError> {
        SnapshotFile::from_shared(path, SharedBytes::from(bytes))
    }

    fn from_shared(path: PathBuf, bytes: SharedBytes) -> Result<SnapshotFile, FormatError> {
        let all = bytes.as_slice();
        let decoded = decode(all)?;
        let start = decoded.payload.as_ptr() as usize - all.as_ptr() as usize;
        let payload = start..start + decoded.payload.len();
        let snapshot = Snapshot {
            header: decoded.header,
            refs: decoded.refs,
            identities: decoded.identities,
            records: decoded.records,
            payload,
        };
        Ok(SnapshotFile { path, bytes, snapshot })
    }

    /// Where it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The decoded metadata (its `payload` field is the payload's byte range in the file).
    pub fn snapshot(&self) -> &Snapshot<Range<usize>> {
        &self.snapshot
    }

    /// The engine payload, sharing the mapped file.
    pub fn payload(&self) -> SharedBytes {
        self.bytes.part(self.snapshot.payload.clone()).expect("validated range")
    }

    /// The file's section layout (for dumps).
    pub fn layout(&self) -> Layout {
        validate_layout(self.bytes.as_slice()).expect("validated when opened")
    }

    /// The human-readable dump (`polysnap inspect`).
    pub fn dump(&self) -> String {
        let all = self.bytes.as_slice();
        let view = Snapshot {
            header: self.snapshot.header.clone(),
            refs: self.snapshot.refs.clone(),
            identities: self.snapshot.identities.clone(),
            records: self.snapshot.records.clone(),
            payload: &all[self.snapshot.payload.clone()],
        };
        snapshot_core::format::dump::dump(&view, &self.layout())
    }
}
