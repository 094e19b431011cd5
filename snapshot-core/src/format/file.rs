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

/// How the temporary files of process `pid` begin (`.psnap-<pid>-XXXXXX.tmp`, beside the target):
/// whoever sees that process killed can remove exactly its leftovers.
pub fn temp_prefix(pid: u32) -> String {
    format!(".psnap-{pid}-")
}

/// Removes the temporary files process `pid` left in `folder` (it was killed while writing);
/// returns how many.
pub fn remove_temp_files_of(folder: &Path, pid: u32) -> usize {
    let prefix = temp_prefix(pid);
    let Ok(entries) = std::fs::read_dir(folder) else { return 0 };
    entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".tmp")))
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
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
    let prefix = temp_prefix(std::process::id());
    let temp = tempfile::Builder::new().prefix(&prefix).suffix(".tmp").tempfile_in(folder).map_err(io)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_process_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for name in [".psnap-41-abc.tmp", ".psnap-41-def.tmp", ".psnap-414-abc.tmp", ".psnap-41-x.psnap", "app.psnap"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert_eq!(remove_temp_files_of(dir.path(), 41), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".psnap-41-x.psnap", ".psnap-414-abc.tmp", "app.psnap"]);
        assert_eq!(remove_temp_files_of(&dir.path().join("missing"), 41), 0);
    }
}
