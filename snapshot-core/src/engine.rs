//! What a payload is bound to: the engine and its exact build, the machine, and how the
//! payload's bytes are stored. A snapshot's header records them; a backend declares them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The JavaScript engine a snapshot belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EngineKind {
    /// V8 (SnapshotCreator blobs).
    V8,
    /// ChakraCore (time-travel-debugging snapshots).
    ChakraCore,
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EngineKind::V8 => "v8",
            EngineKind::ChakraCore => "chakra",
        })
    }
}

/// The exact engine build a payload was made by; only the same build may read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineBuild {
    /// The engine.
    pub kind: EngineKind,
    /// Its version (`10.2.154.26`).
    pub version: String,
    /// What else pins the build: V8's snapshot-relevant flags, ChakraCore's library SHA-256.
    pub identity: String,
}

impl fmt::Display for EngineBuild {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.kind, self.version, self.identity)
    }
}

/// The machine a snapshot was made for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// CPU architecture (`x86_64`).
    pub arch: String,
    /// Operating system (`linux`).
    pub os: String,
}

impl Target {
    /// The machine this build runs on.
    pub fn current() -> Target {
        Target { arch: std::env::consts::ARCH.to_owned(), os: std::env::consts::OS.to_owned() }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.arch, self.os)
    }
}

/// How the engine payload's bytes are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayloadEncoding {
    /// As the engine wrote them (V8 blobs, so they can be mapped).
    Raw,
    /// A backend-defined archive, zstd-compressed (ChakraCore's TTD files).
    Zstd,
}
