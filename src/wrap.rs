//! ObjectWrap, engine-neutral: a native struct behind a JS object.
//!
//! A [`WrapStore<T>`] owns the native structs of one type; JavaScript holds only each
//! struct's number (a wrapper object keeps it in a property), and natives reach the struct
//! through the store. The store is its own rehydrator: before the snapshot every live struct
//! is serialized (serde, postcard) under the type's stable id; after restore the structs are
//! rebuilt under the same numbers, so the wrappers in the restored heap find them again.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use snapshot_core::{DynScriptHost, HostError, RehydrateError, Rehydrator, StableId};

/// The native structs of one wrapped type, by number.
pub struct WrapStore<T> {
    type_id: StableId,
    inner: Arc<Mutex<Store<T>>>,
}

impl<T> Clone for WrapStore<T> {
    fn clone(&self) -> Self {
        WrapStore { type_id: self.type_id, inner: self.inner.clone() }
    }
}

struct Store<T> {
    next: u64,
    live: BTreeMap<u64, T>,
}

/// One saved struct: its number and its state.
#[derive(Serialize, Deserialize)]
pub struct WrapRecord<T> {
    /// The number JavaScript holds.
    pub handle: u64,
    /// The struct.
    pub value: T,
}

impl<T: Serialize + DeserializeOwned> WrapStore<T> {
    /// An empty store for the type named `type_id` (`fs.FileHandle`).
    pub fn new(type_id: StableId) -> WrapStore<T> {
        WrapStore {
            type_id: type_id.remembered(),
            inner: Arc::new(Mutex::new(Store { next: 1, live: BTreeMap::new() })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Store<T>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `value` and returns the number a JS wrapper holds for it.
    pub fn insert(&self, value: T) -> u64 {
        let mut store = self.lock();
        let handle = store.next;
        store.next += 1;
        store.live.insert(handle, value);
        handle
    }

    /// Runs `f` on the struct numbered `handle`; an unknown number is a JS error naming the type.
    pub fn with<R>(&self, handle: u64, f: impl FnOnce(&mut T) -> R) -> Result<R, HostError> {
        let mut store = self.lock();
        let type_id = self.type_id;
        store
            .live
            .get_mut(&handle)
            .map(f)
            .ok_or_else(|| HostError::new(format!("no live `{type_id}` object numbered {handle} (was it disposed?)")))
    }

    /// Drops the struct numbered `handle`.
    pub fn remove(&self, handle: u64) -> Option<T> {
        self.lock().live.remove(&handle)
    }

    /// How many structs are alive.
    pub fn len(&self) -> usize {
        self.lock().live.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: Serialize + DeserializeOwned + Clone> Rehydrator<DynScriptHost> for WrapStore<T> {
    type Record = WrapRecord<T>;

    fn id(&self) -> StableId {
        self.type_id
    }

    fn before_snapshot(&mut self, _: &mut DynScriptHost) -> Result<Vec<WrapRecord<T>>, RehydrateError> {
        Ok(self.lock().live.iter().map(|(&handle, value)| WrapRecord { handle, value: value.clone() }).collect())
    }

    fn after_restore(&mut self, _: &mut DynScriptHost, records: Vec<WrapRecord<T>>) -> Result<(), RehydrateError> {
        let mut store = self.lock();
        for record in records {
            store.next = store.next.max(record.handle + 1);
            store.live.insert(record.handle, record.value);
        }
        Ok(())
    }
}
