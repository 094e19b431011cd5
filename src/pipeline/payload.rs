//! What a strategy makes: its payload, and what the header and the other sections record
//! about it. `make` wraps it in the container, building the header once for every strategy.

use snapshot_core::{IdentityEntry, PayloadEncoding, RehydratorRecord};

use crate::pipeline::verify::Observed;

/// A strategy's payload and its metadata.
pub(crate) struct Made {
    /// The engine payload, as stored.
    pub payload: Vec<u8>,
    /// How it is stored.
    pub encoding: PayloadEncoding,
    /// Its length once decoded.
    pub raw_len: u64,
    /// Whether compiled code was kept.
    pub warm_code: bool,
    /// Named contexts, in the engine's index order.
    pub contexts: Vec<String>,
    /// Identity-map entries.
    pub identities: Vec<IdentityEntry>,
    /// Rehydrator records.
    pub records: Vec<RehydratorRecord>,
    /// The state read before capture, when the snapshot is to be proved by a restore.
    pub before: Option<Observed>,
}
