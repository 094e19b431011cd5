//! The backend's error type.

use std::path::PathBuf;

use snapshot_core::{BackendError, JsException, NotAFunction};

use crate::sys::{JsErrorCode, LoadError};

/// Everything that can go wrong in the ChakraCore backend.
///
/// Messages say what was expected, what was found and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ChakraError {
    /// The library file could not be loaded.
    #[error(
        "could not load the ChakraCore library at {path}: {source}. Expected libChakraCore.so \
         (pyChakraCore 0.2.0, ChakraCore 1.11.24); put it there or set POLYSNAP_CHAKRA_LIB to its path"
    )]
    LibraryOpen {
        /// The file tried.
        path: PathBuf,
        /// The loader's error.
        source: libloading::Error,
    },

    /// The library lacks a JSRT function the backend needs.
    #[error(
        "the ChakraCore library at {path} does not export `{symbol}` ({source}). Expected a \
         ChakraCore 1.11 build with time-travel debugging (TTD) enabled, as shipped by \
         pyChakraCore 0.2.0; point POLYSNAP_CHAKRA_LIB at such a build"
    )]
    MissingSymbol {
        /// The library file.
        path: PathBuf,
        /// The missing function.
        symbol: &'static str,
        /// The loader's error.
        source: libloading::Error,
    },

    /// Promise jobs kept queueing more jobs past the limit: an endless chain.
    #[error(
        "the promise jobs never settle: {jobs} jobs ran without the queue emptying. Expected the microtask queue to \
         drain; found an endless chain of jobs. On ChakraCore 1.11 a `then` defined on Object.prototype (or \
         String.prototype, Number.prototype) makes the engine treat every string or number a promise resolves \
         with as a thenable again, forever (V8 does not); remove that `then`, or run the setup on V8"
    )]
    EndlessJobs {
        /// How many jobs ran.
        jobs: u64,
    },

    /// The library file does not exist (or its path cannot be resolved).
    #[error(
        "no ChakraCore library at {path} ({source}). Expected libChakraCore.so from \
         pyChakraCore 0.2.0 there: run `cargo xtask setup` (it fetches and verifies it into \
         <workspace>/.engines/chakra/), or set POLYSNAP_CHAKRA_LIB to its path"
    )]
    LibraryNotFound {
        /// The path tried.
        path: PathBuf,
        /// The file-system error.
        source: std::io::Error,
    },

    /// Reading a file failed.
    #[error("could not read {path}: {source}; check that the file exists and is readable")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// A JSRT call returned an error code (other than a script exception).
    #[error("ChakraCore call {call} failed: expected JsNoError, got {code}")]
    Engine {
        /// The JSRT function called.
        call: &'static str,
        /// What it returned.
        code: JsErrorCode,
    },

    /// JavaScript threw (or failed to compile); the pending exception was taken and cleared.
    #[error("JavaScript {}: {message}{}", if *.compile { "compile error" } else { "exception" }, stack.as_deref().map(|s| format!("\n{s}")).unwrap_or_default())]
    Script {
        /// The JSRT call during which it was thrown.
        call: &'static str,
        /// True when the script did not parse (`JsErrorScriptCompile`).
        compile: bool,
        /// `String(exception.message)` for Error objects (prefixed with the error's name),
        /// else `String(exception)`.
        message: String,
        /// `exception.stack`, when the exception had one.
        stack: Option<String>,
    },

    /// A snapshot payload is not valid.
    #[error("invalid TTD snapshot payload: {reason}. Expected bytes written by TtdPayload::encode of this backend; re-capture the snapshot")]
    Payload {
        /// What was wrong.
        reason: String,
    },

    /// A bytecode cache (from [`Runtime::serialize_script`](crate::Runtime::serialize_script))
    /// failed a check before ChakraCore saw it.
    #[error(
        "invalid ChakraCore bytecode cache: {reason}. Expected the bytes Runtime::serialize_script returned for this exact source on this library build; make them again with serialize_script"
    )]
    Bytecode {
        /// What was wrong.
        reason: String,
    },

    /// A value had a shape the conversion cannot handle.
    #[error("cannot convert value: expected {expected}, found {found}")]
    Conversion {
        /// What the conversion needs.
        expected: &'static str,
        /// What it got.
        found: String,
    },

    /// The API was used in a way this backend does not support.
    #[error("{0}")]
    Usage(String),

    /// A native that is not a function was handed to the backend.
    #[error("backend-chakra installs {0}")]
    NotAFunction(#[from] NotAFunction),

    /// The heap holds numbers of magnitude ≥ 1e30 that polysnap cannot set aside while TTD
    /// writes the snapshot (its text format fails on them and ends the process).
    #[error(
        "ChakraCore cannot record numbers of magnitude >= 1e30 (its TTD text format fails: \"Formatting failed or \
         result is too big\"; capability EXACT_NUMBERS is absent), and polysnap could not set these aside for the \
         capture: {paths}; make them writable, keep them in a Float64Array, or as strings"
    )]
    HugeNumbers {
        /// Each number's path from the global object and why it could not be set aside.
        paths: String,
    },

    /// A time-travel (snapshot) step did not go as expected.
    #[error("TTD {step} failed: {detail}")]
    Ttd {
        /// The step (`"capture"`, `"inflate"`, ...).
        step: &'static str,
        /// What happened and what to do.
        detail: String,
    },
}

impl ChakraError {
    /// For [`ChakraError::Script`], the exception's message.
    pub fn script_message(&self) -> Option<&str> {
        match self {
            ChakraError::Script { message, .. } => Some(message),
            _ => None,
        }
    }
}

impl From<LoadError> for ChakraError {
    fn from(e: LoadError) -> ChakraError {
        match e {
            LoadError::Open { path, source } => ChakraError::LibraryOpen { path, source },
            LoadError::MissingSymbol { path, symbol, source } => ChakraError::MissingSymbol { path, symbol, source },
        }
    }
}

impl BackendError for ChakraError {
    fn into_exception(self) -> Result<JsException, ChakraError> {
        match self {
            ChakraError::Script { message, stack, .. } => Ok(JsException { message, stack }),
            other => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::sys::Jsrt;

    #[test]
    fn engine_errors_name_the_code() {
        let e = ChakraError::Engine { call: "JsTTDStart", code: JsErrorCode(0x10003) };
        assert_eq!(
            e.to_string(),
            "ChakraCore call JsTTDStart failed: expected JsNoError, got JsErrorNoCurrentContext \
             (0x10003: the call needs a current script context and none is set)"
        );
    }

    #[test]
    fn missing_library_names_the_variable() {
        let e = ChakraError::from(Jsrt::open(Path::new("/nonexistent/libChakraCore.so")).unwrap_err());
        assert!(e.to_string().contains("POLYSNAP_CHAKRA_LIB"), "{e}");
    }
}
