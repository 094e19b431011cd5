//! The error raised when a snapshot file cannot be used, before any engine sees a byte.

use std::path::PathBuf;

use super::SectionKind;
use crate::engine::EngineBuild;

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
        expected: EngineBuild,
        /// The engine build recorded in the snapshot.
        found: EngineBuild,
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
