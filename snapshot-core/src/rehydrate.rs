//! Rehydrators: per-type hooks for what a heap cannot hold.
//!
//! Before the snapshot, a rehydrator turns native state (open files, pending timers, the
//! struct behind an ObjectWrap) into serde records, stored with postcard in the snapshot;
//! after restore it rebuilds that state from them. `C` is whatever the host gives its
//! rehydrators to act on (the runtime).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::id::StableId;

/// Saves and restores one kind of native state.
pub trait Rehydrator<C: ?Sized> {
    /// What one saved item looks like.
    type Record: Serialize + DeserializeOwned;

    /// This rehydrator's identity (`timers.Timeout`); its records are filed under it.
    fn id(&self) -> StableId;

    /// Turns live native state into records, just before the snapshot is taken.
    fn before_snapshot(&mut self, cx: &mut C) -> Result<Vec<Self::Record>, RehydrateError>;

    /// Rebuilds native state from the records, just after restore.
    fn after_restore(&mut self, cx: &mut C, records: Vec<Self::Record>) -> Result<(), RehydrateError>;
}

/// A rehydrator with its record type erased to postcard bytes.
trait ErasedRehydrator<C: ?Sized> {
    fn collect(&mut self, cx: &mut C) -> Result<Vec<Vec<u8>>, RehydrateError>;
    fn restore(&mut self, cx: &mut C, records: &[&[u8]]) -> Result<(), RehydrateError>;
}

impl<C: ?Sized, R: Rehydrator<C>> ErasedRehydrator<C> for R {
    fn collect(&mut self, cx: &mut C) -> Result<Vec<Vec<u8>>, RehydrateError> {
        let id = self.id();
        self.before_snapshot(cx)?
            .iter()
            .map(|record| {
                postcard::to_stdvec(record)
                    .map_err(|e| RehydrateError::Encode { rehydrator: id, reason: e.to_string() })
            })
            .collect()
    }

    fn restore(&mut self, cx: &mut C, records: &[&[u8]]) -> Result<(), RehydrateError> {
        let id = self.id();
        let decoded = records
            .iter()
            .map(|bytes| {
                postcard::from_bytes(bytes)
                    .map_err(|e| RehydrateError::Decode { rehydrator: id, reason: e.to_string() })
            })
            .collect::<Result<Vec<R::Record>, _>>()?;
        self.after_restore(cx, decoded)
    }
}

/// The rehydrators a host has, keyed by their ids.
pub struct Rehydrators<C: ?Sized> {
    by_id: BTreeMap<StableId, Box<dyn ErasedRehydrator<C>>>,
    order: Vec<StableId>,
}

impl<C: ?Sized> Default for Rehydrators<C> {
    fn default() -> Self {
        Rehydrators { by_id: BTreeMap::new(), order: Vec::new() }
    }
}

impl<C: ?Sized> Rehydrators<C> {
    /// No rehydrators.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rehydrator; a second one with the same id is an error.
    pub fn add<R: Rehydrator<C> + 'static>(&mut self, rehydrator: R) -> Result<(), RehydrateError> {
        let id = rehydrator.id().remembered();
        if self.by_id.contains_key(&id) {
            return Err(RehydrateError::Duplicate { rehydrator: id });
        }
        self.order.push(id);
        self.by_id.insert(id, Box::new(rehydrator));
        Ok(())
    }

    /// The ids, in the order they were added (the order they run in).
    pub fn ids(&self) -> &[StableId] {
        &self.order
    }

    /// Runs every `before_snapshot`, in order, and files the records under their ids.
    pub fn collect(&mut self, cx: &mut C) -> Result<Vec<RehydratorRecord>, RehydrateError> {
        let mut out = Vec::new();
        for id in &self.order {
            let rehydrator = self.by_id.get_mut(id).expect("ids and map agree");
            out.extend(rehydrator.collect(cx)?.into_iter().map(|data| RehydratorRecord { rehydrator: *id, data }));
        }
        Ok(out)
    }

    /// Checks that every record has a rehydrator here, before anything is restored.
    pub fn check(&self, records: &[RehydratorRecord]) -> Result<(), RehydrateError> {
        let mut unknown: Vec<StableId> =
            records.iter().map(|r| r.rehydrator).filter(|id| !self.by_id.contains_key(id)).collect();
        unknown.dedup();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(RehydrateError::Unknown { rehydrators: unknown })
        }
    }

    /// Hands each rehydrator its records (every rehydrator runs, with none if it has none).
    pub fn restore(&mut self, cx: &mut C, records: &[RehydratorRecord]) -> Result<(), RehydrateError> {
        self.check(records)?;
        for id in &self.order {
            let mine: Vec<&[u8]> = records.iter().filter(|r| r.rehydrator == *id).map(|r| r.data.as_slice()).collect();
            self.by_id.get_mut(id).expect("ids and map agree").restore(cx, &mine)?;
        }
        Ok(())
    }
}

/// One record a rehydrator wrote before the snapshot (postcard bytes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RehydratorRecord {
    /// The rehydrator that wrote it and will read it (`timers.Timeout`).
    pub rehydrator: StableId,
    /// The record, encoded by the rehydrator.
    pub data: Vec<u8>,
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
