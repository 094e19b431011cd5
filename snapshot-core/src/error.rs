//! Errors of the engine-neutral core. Each message says what was expected, what was found
//! and what to do, and names natives and sections by their stable ids.

use std::fmt;
use std::path::PathBuf;

use crate::format::SectionKind;
use crate::id::StableId;
use crate::registry::NativeKind;

/// Registering a native failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegistryError {
    /// The same name was registered twice.
    #[error("native `{name}` is registered twice: each native needs exactly one registration; remove the second")]
    Duplicate {
        /// The name.
        name: &'static str,
    },
    /// Two different names hash to one stable id.
    #[error(
        "natives `{first}` and `{second}` have the same stable id #{hash:016x}: ids must be unique; rename one of them"
    )]
    HashCollision {
        /// The name registered first.
        first: &'static str,
        /// The name registered second.
        second: &'static str,
        /// The shared hash.
        hash: u64,
    },
}

/// The live registry does not match a snapshot's external-reference table.
///
/// Every problem found is listed, so one run tells the whole story.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReconcileError {
    /// Ids the snapshot refers to that nothing registered.
    pub missing: Vec<StableId>,
    /// Ids registered now that the snapshot does not know.
    pub extra: Vec<StableId>,
    /// Ids whose kind differs: (id, kind in the snapshot, kind now).
    pub kind_changed: Vec<(StableId, NativeKind, NativeKind)>,
    /// Apparent renames: (id in the snapshot, id registered now).
    pub renamed: Vec<(StableId, StableId)>,
}

impl ReconcileError {
    /// Whether no problem was recorded.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.kind_changed.is_empty() && self.renamed.is_empty()
    }
}

impl fmt::Display for ReconcileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the natives registered now do not match the snapshot's external-reference table:")?;
        for id in &self.missing {
            writeln!(f, "  missing: `{id}` is used by the snapshot but not registered")?;
        }
        for (old, new) in &self.renamed {
            writeln!(f, "  renamed: the snapshot has `{old}`, this build registers `{new}` instead")?;
        }
        for (id, was, now) in &self.kind_changed {
            writeln!(f, "  changed: `{id}` was a {was} in the snapshot, is a {now} now")?;
        }
        for id in &self.extra {
            writeln!(f, "  extra: `{id}` is registered but the snapshot does not know it")?;
        }
        write!(f, "register the same natives the snapshot was made with, or rebuild the snapshot with this build")
    }
}

impl std::error::Error for ReconcileError {}

/// A snapshot file could not be used. Raised before any engine sees a byte of it.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Reading or writing the file failed.
    #[error("cannot {action} snapshot file {path}: {source}")]
    Io {
        /// What was being done (`read`, `write`, `map`).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file ends before a structure it must hold.
    #[error("snapshot is truncated: {what} needs bytes up to offset {needed}, the file has {found}; the file is incomplete, make it again")]
    Truncated {
        /// The structure that does not fit.
        what: String,
        /// The offset it needs.
        needed: u64,
        /// The file's length.
        found: u64,
    },
    /// The file does not start with polysnap's magic.
    #[error("not a polysnap snapshot: expected the magic bytes {expected:02x?}, found {found:02x?}; pass a file written by `polysnap make`")]
    BadMagic {
        /// The magic.
        expected: [u8; 8],
        /// What the file starts with.
        found: Vec<u8>,
    },
    /// The format's major version is not this build's.
    #[error("snapshot format {found_major}.{found_minor} cannot be read by this build, which reads format {expected_major}.x; rebuild the snapshot with this build")]
    UnsupportedVersion {
        /// This build's major version.
        expected_major: u16,
        /// The file's major version.
        found_major: u16,
        /// The file's minor version.
        found_minor: u16,
    },
    /// A checksum does not match: the bytes changed after writing.
    #[error("snapshot is corrupted: the checksum of {what} is {found:016x}, expected {expected:016x}; the file was damaged after it was written, make it again")]
    Checksum {
        /// Which part.
        what: String,
        /// The checksum stored in the file.
        expected: u64,
        /// The checksum of the bytes found.
        found: u64,
    },
    /// The section directory is inconsistent.
    #[error("snapshot is malformed: {what}; expected {expected}, found {found}; the file is damaged or was not written by polysnap, make it again")]
    Malformed {
        /// What is wrong.
        what: String,
        /// What a valid file has.
        expected: String,
        /// What this file has.
        found: String,
    },
    /// A required section is absent.
    #[error("snapshot has no {0} section; the file is damaged or was not written by polysnap, make it again")]
    MissingSection(SectionKind),
    /// A metadata section does not decode.
    #[error("snapshot's {section} section does not decode ({reason}); the file is damaged or was written by an incompatible build, make it again")]
    Decode {
        /// The section.
        section: SectionKind,
        /// The decoder's reason.
        reason: String,
    },
    /// The snapshot was made by another engine or engine build.
    #[error("snapshot was made by {found}, this build has {expected}; a payload only loads into the exact engine build that made it: rebuild the snapshot with this build")]
    WrongEngine {
        /// The engine build this program has.
        expected: crate::format::EngineBuild,
        /// The engine build recorded in the snapshot.
        found: crate::format::EngineBuild,
    },
    /// The snapshot was made for another machine.
    #[error("snapshot was made for {found}, this machine is {expected}; make the snapshot on a {expected} machine")]
    WrongTarget {
        /// This machine's arch/OS.
        expected: String,
        /// The file's arch/OS.
        found: String,
    },
}

/// An identity-map operation failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    /// An id was bound twice.
    #[error("identity `{id}` is already bound to an object: each id names one object; use another id")]
    AlreadyBound {
        /// The id.
        id: StableId,
    },
    /// A lookup found nothing.
    #[error("identity `{id}` is not bound to any object in this snapshot: bind it before the snapshot is made")]
    NotBound {
        /// The id.
        id: StableId,
    },
}

/// A rehydrator failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RehydrateError {
    /// Two rehydrators share an id.
    #[error("rehydrator `{rehydrator}` is added twice: each kind of native state needs one rehydrator")]
    Duplicate {
        /// The id.
        rehydrator: StableId,
    },
    /// The snapshot has records for rehydrators this host lacks.
    #[error(
        "the snapshot has records for rehydrators this host does not have: {}; add them, or rebuild the snapshot",
        list(rehydrators)
    )]
    Unknown {
        /// Their ids.
        rehydrators: Vec<StableId>,
    },
    /// A record could not be encoded.
    #[error("rehydrator `{rehydrator}` could not encode a record: {reason}")]
    Encode {
        /// The rehydrator.
        rehydrator: StableId,
        /// Why.
        reason: String,
    },
    /// A record could not be decoded.
    #[error("rehydrator `{rehydrator}` could not decode its record ({reason}); the snapshot was made by an incompatible build: rebuild it")]
    Decode {
        /// The rehydrator.
        rehydrator: StableId,
        /// Why.
        reason: String,
    },
    /// The rehydrator refused (policy, missing file, …).
    #[error("rehydrator `{rehydrator}`: {message}")]
    Refused {
        /// The rehydrator.
        rehydrator: StableId,
        /// What is wrong and what to do.
        message: String,
    },
}

fn list(ids: &[StableId]) -> String {
    ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ")
}
