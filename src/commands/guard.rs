//! A child process between the engine and the user's shell.
//!
//! Engines end the whole process when they meet heap contents they cannot serialize: V8
//! aborts in `CreateBlob`, ChakraCore fails a TTD assert. polysnap refuses every case it knows
//! of before the engine sees it (the backends' hazard tests); for the ones nobody has met
//! yet, `polysnap make` does its work in a child process (this same program, with the same
//! arguments) and turns a child ended by a signal into an error with exit status 2. Nothing
//! is left behind: the snapshot is written atomically after the capture, and the temporary
//! file and folder the child was using are removed.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

use snapshot_core::format::file::remove_temp_files_of;

use crate::commands::Failure;
use polysnap::{EngineKind, VERIFY_STEP};

/// In the child's environment: `child-of:<parent pid>`. Any other value runs the command in
/// one process, unguarded. The child removes it from its environment at once, so setup
/// scripts never see it (`process.env`) and no snapshot holds it.
pub const IN_CHILD_ENV: &str = "POLYSNAP_IN_CHILD";

const CHILD_OF: &str = "child-of:";

/// In the child's environment: a file the child writes each step of its work to as it
/// starts, so that the parent can say what the engine was doing when a signal ended it.
const STEP_FILE_ENV: &str = "POLYSNAP_MAKE_STEP_FILE";

static STEP_FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// In the child: notes that `step` starts (read by the parent if a signal ends the child).
pub fn record_step(step: &str) {
    if let Some(path) = STEP_FILE.get() {
        let _ = std::fs::write(path, step);
    }
}

/// The step the child recorded last, if any.
fn last_step(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok().filter(|s| !s.is_empty())
}

/// Whether this process should do the work itself (it is the child, or was asked to).
pub fn in_child() -> bool {
    std::env::var_os(IN_CHILD_ENV).is_some()
}

/// In the child: removes [`IN_CHILD_ENV`] from the environment and dies with its parent, so
/// that a `polysnap make` its user kills takes the engine with it (no orphan goes on to
/// write the snapshot later). Call first thing in `main`, before any thread starts.
pub fn become_child() {
    let value = std::env::var(IN_CHILD_ENV).unwrap_or_default();
    std::env::remove_var(IN_CHILD_ENV);
    if let Some(path) = std::env::var_os(STEP_FILE_ENV) {
        std::env::remove_var(STEP_FILE_ENV);
        let _ = STEP_FILE.set(path.into());
    }
    send_engine_output_to_stderr();
    let Some(parent) = value.strip_prefix(CHILD_OF).and_then(|p| p.parse::<u32>().ok()) else { return };
    // SAFETY: prctl(PR_SET_PDEATHSIG) takes a signal number and touches no memory of ours.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) };
    // A parent that died before the call would never send it: then stop now.
    if std::os::unix::process::parent_id() != parent {
        eprintln!("polysnap: the `polysnap make` that started this process ({parent}) has ended; stopping");
        std::process::exit(2);
    }
}

/// The scratch folders a `make` of process `pid` may leave (see [`scratch_prefix`]).
pub fn scratch_prefix(pid: u32) -> String {
    format!("polysnap-make-{pid}-")
}

/// Runs this program again with its own arguments in a child process that shares stdin,
/// stdout and stderr, and waits. `Ok` when the child succeeded; [`Failure::Exit`] with its
/// status when it failed (it printed its own error); an error naming the engine and the
/// signal when a signal ended it.
pub fn run_in_child(engine: EngineKind, output: &Path) -> Result<(), Failure> {
    let program = std::env::current_exe()
        .map_err(|e| Failure::Unusable(format!("cannot find this program to run it in a child process: {e}")))?;
    let before = file_identity(output);
    let step_file = std::env::temp_dir().join(format!("{}step", scratch_prefix(std::process::id())));
    let _ = std::fs::remove_file(&step_file);
    let mut child = Command::new(&program)
        .args(std::env::args_os().skip(1))
        .env(IN_CHILD_ENV, format!("{CHILD_OF}{}", std::process::id()))
        .env(STEP_FILE_ENV, &step_file)
        .spawn()
        .map_err(|e| Failure::Unusable(format!("cannot start {} as a child process: {e}", program.display())))?;
    let pid = child.id();
    let status = child.wait().map_err(|e| Failure::Unusable(format!("lost the child process {pid}: {e}")))?;
    let step = last_step(&step_file);
    let _ = std::fs::remove_file(&step_file);
    if status.success() {
        return Ok(());
    }
    if let Some(code) = status.code() {
        return Err(Failure::Exit(code));
    }
    clean_up_after(pid, output);
    let signal = status.signal().unwrap_or(0);
    let written = if file_identity(output) == before {
        format!("{} was not written", output.display())
    } else {
        format!("{} had already been written whole (the signal came after)", output.display())
    };
    let cause = match signal {
        libc::SIGKILL | libc::SIGTERM | libc::SIGINT | libc::SIGHUP => format!(
            "the process making the snapshot was killed ({}), by the kernel's out-of-memory killer or another \
             process. Expected a snapshot or an error; {written}. Make it again with more memory or a smaller heap",
            signal_name(signal)
        ),
        _ if step.as_deref() == Some(VERIFY_STEP) => format!(
            "a restore of the snapshot just made ended the process ({}): the {engine} engine cannot restore what \
             this setup leaves in the heap, and every process restoring it would die the same way, so {written}. \
             The engine's own message, if it left one, is above on stderr. Keep the object it names out of the heap \
             at capture (or drop the last reference to it), or make the snapshot with the other engine; please \
             report the setup so that polysnap can refuse it by name before capture",
            signal_name(signal)
        ),
        _ => format!(
            "the {engine} engine ended the process while {} ({}): the setup left something in the heap the engine \
             cannot serialize and polysnap does not check for yet. Expected a snapshot or an error; {written}. The \
             engine's own message, if it left one, is above on stderr. Keep that object out of the heap at capture \
             (or drop the last reference to it), and please report the setup so that polysnap can refuse it by name",
            step.as_deref().unwrap_or("making the snapshot"),
            signal_name(signal)
        ),
    };
    Err(Failure::Unusable(cause))
}

/// Device, inode, size and modification time of `path`, if it exists.
fn file_identity(path: &Path) -> Option<(u64, u64, u64, i64, i64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino(), m.size(), m.mtime(), m.mtime_nsec()))
}

/// Removes the temporary file and scratch folders child `pid` was using.
fn clean_up_after(pid: u32, output: &Path) {
    let folder = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_temp_files_of(folder, pid);
    let prefix = scratch_prefix(pid);
    if let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) {
        for entry in entries.flatten() {
            if entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix)) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// `signal 6, SIGABRT`.
pub fn signal_name(signal: i32) -> String {
    let name = match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGILL => "SIGILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGTERM => "SIGTERM",
        _ => return format!("signal {signal}"),
    };
    format!("signal {signal}, {name}")
}

extern "C" {
    /// The C library's standard streams (glibc exports them as variables).
    static mut stdout: *mut libc::FILE;
    static mut stderr: *mut libc::FILE;
}

/// Engines write their own last words (ChakraCore's "TTD assert failed: ...") with the C
/// library's `printf`, to C's `stdout`, buffered when that is not a terminal, so that a
/// process that then aborts loses them. In the child, C's `stdout` is pointed at its
/// unbuffered `stderr`: those messages reach stderr, whole, before the process dies. The
/// host runtime's own output (console.log) goes through Rust's stdout, which is untouched.
fn send_engine_output_to_stderr() {
    // SAFETY: called first thing in `main`, before any thread starts and before anything
    // has written through C's `stdout`; both are valid `FILE*` set up by the C runtime, and
    // only the pointer variable is changed.
    unsafe {
        libc::fflush(stdout);
        stdout = stderr;
    }
}
