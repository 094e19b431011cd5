//! A child process between the engine and the user's shell.
//!
//! Engines end the whole process when they meet heap contents they cannot serialize: V8
//! aborts in `CreateBlob`, ChakraCore fails a TTD assert. polysnap refuses every case it knows
//! of before the engine sees it (the backends' hazard tests); for the ones nobody has met
//! yet, `polysnap make` does its work in a child process (this same program, with the same
//! arguments) and turns a child killed by a signal into an error with exit status 2. Nothing
//! is left behind: the snapshot is written atomically after the capture, and a temporary
//! file the child was writing is removed.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

use snapshot_core::format::file::remove_temp_files_of;

use crate::commands::Failure;
use crate::EngineKind;

/// Set in the child's environment to the parent's pid: there, the command does its work
/// itself. Setting it by hand (to any value) runs `make` in one process, unguarded.
pub const IN_CHILD_ENV: &str = "POLYSNAP_IN_CHILD";

/// Whether this process should do the work itself.
pub fn in_child() -> bool {
    std::env::var_os(IN_CHILD_ENV).is_some()
}

/// In the child: dies with its parent, so that a `polysnap make` its user kills takes the
/// engine with it (no orphan goes on to write the snapshot later).
pub fn die_with_parent() {
    let Some(parent) = std::env::var(IN_CHILD_ENV).ok().and_then(|v| v.parse::<u32>().ok()) else { return };
    // SAFETY: prctl(PR_SET_PDEATHSIG) takes a signal number and touches no memory of ours.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) };
    // A parent that died before the call would never send it: then stop now.
    if std::os::unix::process::parent_id() != parent {
        std::process::exit(2);
    }
}

/// Runs this program again with its own arguments in a child process that shares stdin,
/// stdout and stderr, and waits. `Ok` when the child succeeded; [`Failure::Exit`] with its
/// status when it failed (it printed its own error); an error naming the engine and the
/// signal when it was killed.
pub fn run_in_child(engine: EngineKind, output: &Path) -> Result<(), Failure> {
    let program = std::env::current_exe()
        .map_err(|e| Failure::Unusable(format!("cannot find this program to run it in a child process: {e}")))?;
    let mut child = Command::new(&program)
        .args(std::env::args_os().skip(1))
        .env(IN_CHILD_ENV, std::process::id().to_string())
        .spawn()
        .map_err(|e| Failure::Unusable(format!("cannot start {} as a child process: {e}", program.display())))?;
    let pid = child.id();
    let status = child.wait().map_err(|e| Failure::Unusable(format!("lost the child process {pid}: {e}")))?;
    if status.success() {
        return Ok(());
    }
    if let Some(code) = status.code() {
        return Err(Failure::Exit(code));
    }
    let folder = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_temp_files_of(folder, pid);
    let signal = status.signal().unwrap_or(0);
    Err(Failure::Unusable(format!(
        "the {engine} engine ended the process while making the snapshot ({}): the setup left something in the \
         heap the engine cannot serialize and polysnap does not check for yet. Expected a snapshot or an error; \
         nothing was written to {}. Look at the engine's message above, keep that object out of the heap at \
         capture (or drop the last reference to it), and please report the setup so that polysnap can refuse \
         it by name",
        signal_name(signal),
        output.display()
    )))
}

fn signal_name(signal: i32) -> String {
    let name = match signal {
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => return format!("signal {signal}"),
    };
    format!("signal {signal}, {name}")
}
