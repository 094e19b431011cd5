//! Snapshot files on disk: written atomically, read whole.
//!
//! A write goes to a temporary file in the target's folder, is flushed to disk, then renamed
//! over the target and the folder is synced: a reader (or a crash) sees the old file or the
//! new one, never a part. Mapping a file for zero-copy restore needs `unsafe` and lives in
//! the crates that hand payloads to engines.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::{encode_to, Snapshot};
use crate::error::FormatError;

/// Writes `snapshot` to `path` atomically (temp file, fsync, rename, fsync of the folder).
pub fn write_atomic<P: AsRef<[u8]>>(path: &Path, snapshot: &Snapshot<P>) -> Result<(), FormatError> {
    write_bytes_atomic(path, |out| encode_to(snapshot, out))
}

/// Writes whatever `fill` produces to `path` atomically.
pub fn write_bytes_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), FormatError> {
    let io = |source| FormatError::Io { action: "write", path: path.to_owned(), source };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new().prefix(".psnap-").suffix(".tmp").tempfile_in(folder).map_err(io)?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, temp.as_file());
        fill(&mut out).map_err(io)?;
        out.flush().map_err(io)?;
    }
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    File::open(folder).and_then(|dir| dir.sync_all()).map_err(io)?;
    Ok(())
}

/// Reads a whole file into memory (for small files, tests and tools; restores map instead).
pub fn read(path: &Path) -> Result<Vec<u8>, FormatError> {
    std::fs::read(path).map_err(|source| FormatError::Io { action: "read", path: path.to_owned(), source })
}
