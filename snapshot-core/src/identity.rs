//! Identity maps: finding JS objects again after restore by their [`StableId`], and
//! knowing which native object a JS wrapper stands for.
//!
//! The objects themselves live in the heap, in a table the `snapshot` JS API keeps
//! (`snapshot.bind(name, object)`), the same on every engine; [`IdentityTable`] is the
//! engine-neutral bookkeeping of it, and what the snapshot stores as [`IdentityEntry`]
//! records (id → slot in that table).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::id::StableId;

/// Engine-neutral bookkeeping of an identity map: id → slot (the engine's index) and the
/// native type each wrapper stands for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IdentityTable {
    entries: BTreeMap<StableId, IdentityEntry>,
}

impl IdentityTable {
    /// An empty table.
    pub fn new() -> IdentityTable {
        IdentityTable::default()
    }

    /// The table a snapshot recorded; a repeated id is an error.
    pub fn from_entries(entries: &[IdentityEntry]) -> Result<IdentityTable, IdentityError> {
        let mut table = IdentityTable::new();
        for entry in entries {
            table.insert(entry.clone())?;
        }
        Ok(table)
    }

    /// Records an entry; an id already present is an error naming it.
    pub fn insert(&mut self, entry: IdentityEntry) -> Result<(), IdentityError> {
        entry.id.remembered();
        if self.entries.contains_key(&entry.id) {
            return Err(IdentityError::AlreadyBound { id: entry.id });
        }
        self.entries.insert(entry.id, entry);
        Ok(())
    }

    /// The entry for `id`.
    pub fn get(&self, id: StableId) -> Option<&IdentityEntry> {
        self.entries.get(&id)
    }

    /// The entry for `id`, or an error naming it.
    pub fn require(&self, id: StableId) -> Result<&IdentityEntry, IdentityError> {
        self.get(id).ok_or(IdentityError::NotBound { id })
    }

    /// All entries, ordered by id.
    pub fn entries(&self) -> Vec<IdentityEntry> {
        self.entries.values().cloned().collect()
    }

    /// The ids of every wrapper that stands for a native of type `wraps`.
    pub fn wrappers_of(&self, wraps: StableId) -> impl Iterator<Item = StableId> + '_ {
        self.entries.values().filter(move |e| e.wraps == Some(wraps)).map(|e| e.id)
    }
}

/// One identity-map entry: a JS object the host finds again after restore by its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityEntry {
    /// The object's identity.
    pub id: StableId,
    /// Where the engine keeps it (V8: the AddData index; ChakraCore: the host table's key).
    pub slot: u64,
    /// The type of native object it wraps, if any (`fs.FileHandle`).
    pub wraps: Option<StableId>,
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
