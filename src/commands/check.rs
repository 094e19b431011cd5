//! `polysnap check-restore` (hidden): the verified capture's restore, in a process of its own.
//!
//! `make` writes the snapshot it is about to keep and the state it read before capture to
//! its scratch folder and runs this program on them: restore, read the state again, compare.
//! A restore the engine dies on ends this process, not `make`, which then refuses the
//! snapshot naming the signal and what the engine said (and `--strategy auto` drops that
//! candidate and goes on).
//!
//! Protocol: exit 0 with one declared-loss note per stdout line; exit 3 with the first
//! difference as four stdout lines (path, value at capture, value after restore, the declared
//! gap that explains it or an empty line); any other
//! status with the reason on stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::commands::guard::{signal_name, IN_CHILD_ENV};
use crate::commands::Failure;
use polysnap::host::{FilePolicy, Host, ModulePolicy};
use polysnap::verify::{self, Difference, Observed, RestoreCheck};
use polysnap::{with_backend, EngineKind, Error, SnapshotFile};

/// The exit status that says "restored, and it differs".
const DIFFERS: i32 = 3;

/// The hidden command: checks that `snapshot` restores to the state in `state`.
pub fn check_restore(snapshot: &Path, state: &Path) -> Result<(), Failure> {
    let file = SnapshotFile::open(snapshot).map_err(|e| Failure::Unusable(e.to_string()))?;
    let text = std::fs::read_to_string(state)
        .map_err(|e| Failure::Unusable(format!("cannot read the state to compare with, {}: {e}", state.display())))?;
    let before = Observed::from_text(&text);
    let host = Host::new(Vec::new(), FilePolicy::Reopen, ModulePolicy::Refuse);
    let registry = host.registry().map_err(|e| Failure::Unusable(e.to_string()))?;
    let engine = file.snapshot().header.engine.kind;
    let result: Result<Vec<String>, Error> =
        with_backend!(engine, |A| verify::check_file::<A>(&file, &registry, &before));
    match result {
        Ok(notes) => {
            notes.iter().for_each(|note| crate::commands::print_line(note));
            Ok(())
        }
        Err(Error::RestoredDiffers { difference, why, .. }) => {
            for line in [&difference.path, &difference.before, &difference.after, &why] {
                crate::commands::print_line(line);
            }
            Err(Failure::Exit(DIFFERS))
        }
        Err(other) => Err(Failure::Unusable(other.to_string())),
    }
}

/// A [`RestoreCheck`] that runs `polysnap check-restore` on files in `scratch`.
pub fn in_child_process(scratch: PathBuf) -> RestoreCheck {
    Arc::new(move |snapshot, before| {
        let engine = snapshot.header.engine.kind;
        let failed = |reason: String| Error::RestoreCheckFailed { engine, reason };
        let snapshot_path = scratch.join("check-restore.psnap");
        let state_path = scratch.join("check-restore.state");
        polysnap::write_snapshot(&snapshot_path, snapshot)?;
        std::fs::write(&state_path, before.to_text())
            .map_err(|e| failed(format!("cannot write {}: {e}", state_path.display())))?;
        let program = std::env::current_exe().map_err(|e| failed(format!("cannot find this program: {e}")))?;
        let output = Command::new(program)
            .arg("check-restore")
            .arg("--state")
            .arg(&state_path)
            .arg(&snapshot_path)
            .env(IN_CHILD_ENV, format!("child-of:{}", std::process::id()))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| failed(format!("cannot start the checking process: {e}")));
        let _ = std::fs::remove_file(&snapshot_path);
        let _ = std::fs::remove_file(&state_path);
        judge(engine, output?)
    })
}

fn judge(engine: EngineKind, output: std::process::Output) -> Result<Vec<String>, Error> {
    use std::os::unix::process::ExitStatusExt;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => Ok(stdout.lines().map(str::to_owned).collect()),
        Some(DIFFERS) => {
            let mut lines = stdout.lines().map(str::to_owned);
            let mut next = || lines.next().unwrap_or_default();
            let difference = Difference { path: next(), before: next(), after: next() };
            Err(Error::RestoredDiffers { engine, difference, why: next() })
        }
        Some(code) => Err(Error::RestoreCheckFailed {
            engine,
            reason: format!("exit {code}: {}", stderr.trim().trim_start_matches("polysnap: ")),
        }),
        None => Err(Error::RestoreDies {
            engine,
            signal: signal_name(output.status.signal().unwrap_or(0)),
            engine_said: last_words(&stderr),
        }),
    }
}

/// The last few non-empty lines an engine wrote before it died.
fn last_words(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines[lines.len().saturating_sub(3)..].join(" / ")
}
