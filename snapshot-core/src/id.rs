//! Stable identities: 64-bit hashes of dotted names such as `fs.open`.
//!
//! A [`StableId`] is computed at compile time from a name, so the same name gives the same
//! id in every build. Debug builds (or builds with the `keep-names` feature) keep the name
//! beside the hash so that every error, dump and log line reads `fs.open` rather than a
//! number; release builds carry only the hash unless a snapshot embeds its names, in which
//! case [`StableId::with_interned_name`] attaches them again.

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

/// A 64-bit identity derived from a dotted name (`"timers.Timeout"`).
///
/// Equality, ordering and hashing look at the hash only; the name, when present, is for
/// people. Serialized as the bare `u64`.
#[derive(Clone, Copy)]
pub struct StableId {
    hash: u64,
    name: Option<&'static str>,
}

/// Hashes a name the way [`StableId::new`] does (xxh3-64, seed 0, of the UTF-8 bytes).
pub const fn hash_name(name: &str) -> u64 {
    xxhash_rust::const_xxh3::xxh3_64(name.as_bytes())
}

impl StableId {
    /// The id of `name`, computed at compile time when used in a `const`.
    pub const fn new(name: &'static str) -> StableId {
        cfg_if::cfg_if! {
            if #[cfg(any(debug_assertions, feature = "keep-names"))] {
                StableId { hash: hash_name(name), name: Some(name) }
            } else {
                StableId { hash: hash_name(name), name: None }
            }
        }
    }

    /// An id known only by its hash (read from a snapshot without embedded names).
    /// Its name is looked up among the names this process has interned.
    pub fn from_hash(hash: u64) -> StableId {
        StableId { hash, name: interned_name(hash) }
    }

    /// The id of a name known only at run time (read from a snapshot that embeds names).
    /// The name is interned once per process, so repeated loads do not grow memory.
    pub fn with_interned_name(name: &str) -> StableId {
        let name = intern(name);
        StableId { hash: hash_name(name), name: Some(name) }
    }

    /// The 64-bit hash.
    pub const fn hash(self) -> u64 {
        self.hash
    }

    /// The name, when this build or the snapshot kept it.
    pub fn name(self) -> Option<&'static str> {
        self.name.or_else(|| interned_name(self.hash))
    }

    /// Remembers this id's name (when it has one) for the process, so ids read back by
    /// hash display it too; returns the id.
    pub fn remembered(self) -> StableId {
        if let Some(name) = self.name {
            names().lock().expect("name table poisoned").entry(self.hash).or_insert(name);
        }
        self
    }

    /// Remembers `name` for this id's hash, in every build (registered natives).
    pub(crate) fn remember_name(self, name: &'static str) {
        names().lock().expect("name table poisoned").entry(self.hash).or_insert(name);
    }
}

fn names() -> &'static Mutex<HashMap<u64, &'static str>> {
    static NAMES: OnceLock<Mutex<HashMap<u64, &'static str>>> = OnceLock::new();
    NAMES.get_or_init(Default::default)
}

fn interned_name(hash: u64) -> Option<&'static str> {
    names().lock().expect("name table poisoned").get(&hash).copied()
}

fn intern(name: &str) -> &'static str {
    let hash = hash_name(name);
    let mut table = names().lock().expect("name table poisoned");
    match table.get(&hash) {
        Some(known) if *known == name => known,
        // A different name with the same hash: keep the first, hand back a leaked copy of
        // this one (the registry reports the collision).
        Some(_) => Box::leak(name.to_owned().into_boxed_str()),
        None => {
            let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
            table.insert(hash, leaked);
            leaked
        }
    }
}

impl PartialEq for StableId {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
    }
}
impl Eq for StableId {}
impl Hash for StableId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
    }
}
impl PartialOrd for StableId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for StableId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.hash.cmp(&other.hash)
    }
}

impl fmt::Display for StableId {
    /// The name where known, else `#` and 16 hex digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "#{:016x}", self.hash),
        }
    }
}

impl fmt::Debug for StableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StableId({self})")
    }
}

impl Serialize for StableId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.hash)
    }
}

impl<'de> Deserialize<'de> for StableId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u64::deserialize(d).map(StableId::from_hash)
    }
}

/// `stable_id!("fs.open")`: a `StableId` computed at compile time, whose name (in builds
/// that keep names) is remembered so that ids read back from files display it too. In a
/// `const`, use [`StableId::new`].
#[macro_export]
macro_rules! stable_id {
    ($name:expr) => {{
        const ID: $crate::StableId = $crate::StableId::new($name);
        ID.remembered()
    }};
}
