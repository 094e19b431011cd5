//! The snapshot file: plain data ([`Snapshot`]) kept apart from its encoding.
//!
//! [`encode()`] lays a snapshot out as bytes, [`decode()`] validates every byte
//! before it returns anything (docs/format.md gives the layout and the validation order),
//! and [`mod@file`] writes files atomically.

pub mod decode;
pub mod dump;
pub mod encode;
mod error;
pub mod file;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::engine::{EngineBuild, PayloadEncoding, Target};
use crate::identity::IdentityEntry;
use crate::registry::RefTable;
use crate::rehydrate::RehydratorRecord;

pub use decode::decode;
pub use encode::{encode, encode_to, reseal};
pub use error::FormatError;

/// The first eight bytes of every snapshot file (`\x89PSNAP\r\n`, PNG-style: a high byte to
/// catch 7-bit transfers, CR LF to catch line-ending conversion).
pub const MAGIC: [u8; 8] = *b"\x89PSNAP\r\n";
/// The format's major version: a reader refuses any other major version.
pub const FORMAT_MAJOR: u16 = 2;
/// The format's minor version: additions a reader of the same major version may skip.
pub const FORMAT_MINOR: u16 = 0;
/// The engine payload starts at a multiple of this, so it can be used straight from a map.
pub const PAYLOAD_ALIGN: u64 = 4096;
/// Every other section starts at a multiple of this.
pub const SECTION_ALIGN: u64 = 8;
/// Size of the fixed prelude (magic, version, section count, file length, checksum).
pub const PRELUDE_LEN: u64 = 32;
/// Size of one section-directory entry.
pub const DIR_ENTRY_LEN: u64 = 32;
/// The most sections a file may declare.
pub const MAX_SECTIONS: u32 = 64;

/// How a snapshot was captured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Strategy {
    /// The engine's heap itself.
    #[default]
    Heap,
    /// The setup's sources plus the engine's code cache, re-executed at restore.
    CodeCache,
}

/// The header section: what made the snapshot and how to read its payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The engine build that made the payload.
    pub engine: EngineBuild,
    /// The machine it was made for.
    pub target: Target,
    /// The polysnap version that wrote the file.
    pub producer: String,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_unix_ms: u64,
    /// How the heap was captured.
    pub strategy: Strategy,
    /// Whether compiled code was kept (warm code).
    pub warm_code: bool,
    /// Whether the reference table carries names.
    pub names_embedded: bool,
    /// How the payload is stored.
    pub payload_encoding: PayloadEncoding,
    /// The payload's length once decoded.
    pub payload_raw_len: u64,
    /// Named contexts, in the engine's index order.
    pub contexts: Vec<String>,
    /// When names are embedded: the name of every id used in the file (identities,
    /// rehydrators, wrapped types), so that dumps and errors read them in any build.
    pub names: Vec<String>,
    /// When `make --strategy auto` chose the strategy: what it measured.
    pub choice: Option<StrategyChoice>,
}

/// What `make --strategy auto` measured before keeping the fastest usable strategy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyChoice {
    /// Each strategy it tried, in order: the median time to restore its snapshot, or why it
    /// was dropped (refused, not deterministic, a restore that differs or dies).
    pub candidates: Vec<Candidate>,
    /// The median time of a cold start of the same setup (no snapshot), for comparison.
    pub cold_ms: f64,
}

/// One strategy `auto` tried.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The strategy.
    pub strategy: Strategy,
    /// The median restore time in milliseconds, or why it is not usable.
    pub restore_ms: Result<f64, String>,
}

impl StrategyChoice {
    /// The fastest usable candidate and its time.
    pub fn fastest(&self) -> Option<(Strategy, f64)> {
        self.candidates
            .iter()
            .filter_map(|c| c.restore_ms.as_ref().ok().map(|ms| (c.strategy, *ms)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// A whole snapshot as plain data. `P` holds the payload: `Vec<u8>`, or a `&[u8]` borrowed
/// from a mapped file.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot<P> {
    /// What made it.
    pub header: Header,
    /// The external-reference table.
    pub refs: RefTable,
    /// Identity-map entries.
    pub identities: Vec<IdentityEntry>,
    /// Rehydrator records.
    pub records: Vec<RehydratorRecord>,
    /// The engine payload.
    pub payload: P,
}

/// The kinds of section a file holds, with their numbers in the section directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SectionKind {
    /// [`Header`].
    Header = 1,
    /// [`RefTable`].
    Refs = 2,
    /// [`IdentityEntry`] list.
    Identities = 3,
    /// [`RehydratorRecord`] list.
    Records = 4,
    /// The engine payload.
    Payload = 5,
}

impl SectionKind {
    /// Every kind this build knows, in file order.
    pub const ALL: [SectionKind; 5] =
        [SectionKind::Header, SectionKind::Refs, SectionKind::Identities, SectionKind::Records, SectionKind::Payload];

    /// The kind numbered `code`, if this build knows it.
    pub fn from_code(code: u32) -> Option<SectionKind> {
        Self::ALL.into_iter().find(|k| *k as u32 == code)
    }

    /// Where sections of this kind start.
    pub fn alignment(self) -> u64 {
        if self == SectionKind::Payload {
            PAYLOAD_ALIGN
        } else {
            SECTION_ALIGN
        }
    }
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SectionKind::Header => "header",
            SectionKind::Refs => "external-reference",
            SectionKind::Identities => "identity-map",
            SectionKind::Records => "rehydrator-record",
            SectionKind::Payload => "engine-payload",
        })
    }
}

/// One entry of the section directory, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SectionEntry {
    /// The section's kind number.
    pub kind: u32,
    /// Flags; bit 0 set means a reader must understand this section.
    pub flags: u32,
    /// Offset from the start of the file.
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
    /// xxh3-64 of the section's bytes.
    pub checksum: u64,
}

/// [`SectionEntry::flags`] bit: a reader that does not know this kind must refuse the file.
pub const SECTION_REQUIRED: u32 = 1;

impl<P> Snapshot<P> {
    /// Checks that this snapshot can be handed to `engine` on this machine: the same engine
    /// kind and exact build, the same arch and OS. Run before any engine sees the payload.
    pub fn check_compatible(&self, engine: &EngineBuild) -> Result<(), FormatError> {
        let here = Target::current();
        if self.header.target != here {
            return Err(FormatError::WrongTarget { expected: here.to_string(), found: self.header.target.to_string() });
        }
        if &self.header.engine != engine {
            return Err(FormatError::WrongEngine { expected: engine.clone(), found: self.header.engine.clone() });
        }
        Ok(())
    }
}
