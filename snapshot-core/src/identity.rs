//! Identity maps: finding JS objects again after restore by their [`StableId`], and
//! knowing which native object a JS wrapper stands for.
//!
//! Each backend keeps the objects themselves (V8: `AddData` indices; ChakraCore: a
//! host-owned table object); [`IdentityTable`] is the engine-neutral bookkeeping both use,
//! and what the snapshot stores as [`IdentityEntry`] records.

use std::collections::BTreeMap;

use crate::error::IdentityError;
use crate::format::IdentityEntry;
use crate::id::StableId;

/// A backend's map from stable ids to its engine's objects.
pub trait IdentityMap {
    /// The engine's handle to an object.
    type Object;

    /// Records `object` under `id`; binding one id twice is an error.
    fn bind(&mut self, id: StableId, object: Self::Object, wraps: Option<StableId>) -> Result<(), IdentityError>;

    /// The object bound to `id`, if any.
    fn lookup(&self, id: StableId) -> Option<Self::Object>;

    /// The entries a snapshot stores.
    fn entries(&self) -> Vec<IdentityEntry>;
}

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
