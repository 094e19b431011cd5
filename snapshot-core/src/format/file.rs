//! Snapshot files on disk: written atomically, read whole.
//!
//! A write goes to a temporary file in the target's folder, is flushed to disk, then renamed
//! over the target and the folder is synced: a reader (or a crash) sees the old file or the
//! new one, never a part. Mapping a file for zero-copy restore needs `unsafe` and lives in
//! the crates that hand payloads to engines.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::FormatError;
use super::{encode_to, Snapshot};

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

/// Removes the temporary files that writers no longer running left in `folder` (killed while
/// writing: their pid has no `/proc` entry, or is a zombie nobody reaped); returns how many.
/// Where there is no `/proc`, nothing is removed.
pub fn remove_stale_temp_files(folder: &Path) -> usize {
    let proc = Path::new("/proc");
    let Ok(entries) = std::fs::read_dir(folder) else { return 0 };
    if !proc.join("self").exists() {
        return 0;
    }
    let writer = |name: &str| -> Option<u32> {
        let rest = name.strip_prefix(".psnap-")?;
        if !rest.ends_with(".tmp") {
            return None;
        }
        rest.split('-').next()?.parse().ok()
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_str().and_then(writer).is_some_and(|pid| !running(proc, pid)))
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// Whether process `pid` runs: it has a `/proc` entry whose state is not `Z` (a zombie has
/// ended; it only waits to be reaped, which a container's first process may never do).
fn running(proc: &Path, pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(proc.join(pid.to_string()).join("stat")) else { return false };
    // `pid (comm) S ...`: the state follows the last `)` (comm may hold anything).
    stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next()).is_some_and(|state| state != 'Z')
}

/// Writes whatever `fill` produces to `path` atomically (first removing what killed writers
/// left beside it: [`remove_stale_temp_files`]).
pub fn write_bytes_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), FormatError> {
    let io = |source| FormatError::Io { action: "write", path: path.to_owned(), source };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_stale_temp_files(folder);
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
    fn a_write_removes_what_dead_writers_left_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let own = format!("{}abc.tmp", temp_prefix(std::process::id()));
        // Above any pid Linux hands out (pid_max is at most 2^22).
        let dead = format!("{}abc.tmp", temp_prefix(4_000_000_000));
        for name in [own.as_str(), dead.as_str(), ".psnap-notapid-abc.tmp", "other.tmp"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        write_bytes_atomic(&dir.path().join("out.bin"), |out| out.write_all(b"new")).unwrap();
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        let mut expected = vec![own, ".psnap-notapid-abc.tmp".to_owned(), "other.tmp".to_owned(), "out.bin".to_owned()];
        expected.sort();
        assert_eq!(left, expected);
    }

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
