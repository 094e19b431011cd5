//! The CLI's commands, written against polysnap's public library API (`main` only parses
//! arguments): `make`, `run`, `exec`, `inspect`, `bench`, and the hidden `check-restore`.

pub mod bench;
pub mod check;
pub mod exec;
pub mod guard;
pub mod inspect;
pub mod make;
pub mod run;

use std::fmt;

use polysnap::host::natives::EXIT_MARKER;
use polysnap::host::Host;
use polysnap::Error;

/// How a command failed, with the exit status it maps to.
#[derive(Debug)]
pub enum Failure {
    /// An uncaught JavaScript error (exit 1): message and stack.
    Js(String),
    /// A usage error or a snapshot that cannot be used (exit 2): what is wrong, what to do.
    Unusable(String),
    /// The script called `process.exit(code)`.
    Exit(i32),
}

impl Failure {
    /// The process exit status.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Js(_) => 1,
            Failure::Unusable(_) => 2,
            Failure::Exit(code) => *code,
        }
    }

    /// Classifies a polysnap error raised while `host` ran scripts.
    pub fn from_error(error: Error, host: &Host) -> Failure {
        if let Some(code) = *host.state.exit_code.lock().unwrap_or_else(|e| e.into_inner()) {
            return Failure::Exit(code);
        }
        match error.js_exception() {
            Some(js) if js.message.contains(EXIT_MARKER) => Failure::Exit(0),
            Some(js) => Failure::Js(format!("Uncaught {js}")),
            None => Failure::Unusable(error.to_string()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Js(text) | Failure::Unusable(text) => f.write_str(text),
            Failure::Exit(code) => write!(f, "process.exit({code})"),
        }
    }
}

/// Reads the script files named on the command line (`.mjs` files are ES modules, and
/// every file when `as_modules`: the CLI's `--module`).
pub fn read_scripts(paths: &[std::path::PathBuf], as_modules: bool) -> Result<Vec<polysnap::Script>, Failure> {
    paths
        .iter()
        .map(|p| {
            let script =
                if as_modules { polysnap::Script::module_from_file(p) } else { polysnap::Script::from_file(p) };
            script.map_err(|e| match e {
                Error::Format(snapshot_core::FormatError::Io { source, .. }) => {
                    Failure::Unusable(format!("cannot read script {}: {source}", p.display()))
                }
                other => Failure::Unusable(other.to_string()),
            })
        })
        .collect()
}

/// Writes `text` and a newline to stdout. A reader that went away (`polysnap inspect | head`)
/// is not an error worth a message: the process exits quietly with status 0.
pub fn print_line(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("polysnap: cannot write to stdout: {e}");
        std::process::exit(2);
    }
}
