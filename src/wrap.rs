//! ObjectWrap, engine-neutral: a native struct behind a JS object.
//!
//! A [`WrapStore<T>`] owns the native structs of one type; JavaScript holds only a
//! reference to each struct, and natives reach the struct through the store. Two ways:
//!
//! * [`wrap`](WrapStore::wrap) / [`with_wrapped`](WrapStore::with_wrapped): the native
//!   returns a [`HostValue::Wrapped`], which the engine turns into an object scripts cannot
//!   look inside or forge (V8: internal fields; see the backend's documentation); when that
//!   object comes back into a native (argument or `this`), `with_wrapped` checks its type
//!   and finds the struct.
//! * [`insert`](WrapStore::insert) / [`with`](WrapStore::with): the native returns the
//!   struct's number and a script keeps it (in a property of its own wrapper object, say).
//!
//! The store is its own rehydrator: before the snapshot every live struct is serialized
//! (serde, postcard) under the type's stable id; after restore the structs are rebuilt under
//! the same numbers, so the wrappers in the restored heap find them again.
//!
//! ```
//! use polysnap::core::{HostCall, HostValue, StableId};
//! use polysnap::wrap::WrapStore;
//!
//! #[derive(Clone, serde::Serialize, serde::Deserialize)]
//! struct Counter { n: u32 }
//!
//! let counters: WrapStore<Counter> = WrapStore::new(StableId::new("app.Counter"));
//! // `app.Counter.new`: a native returning a new wrapped counter.
//! let object = counters.wrap(Counter { n: 0 });
//! // `app.Counter.bump`: a native receiving it back as `this`.
//! let call = HostCall { this: object, args: vec![] };
//! let n = counters.with_wrapped(&call.this, |c| { c.n += 1; c.n }).unwrap();
//! assert_eq!(n, 1);
//! // Anything else is a clear error, thrown into JavaScript by the native.
//! let err = counters.with_wrapped(&HostValue::Number(1.0), |c| c.n).unwrap_err();
//! assert!(err.message.contains("expected a wrapped `app.Counter` object, found a number"));
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use snapshot_core::{DynScriptHost, HostError, HostValue, RehydrateError, Rehydrator, StableId, Wrapped};

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

    /// The wrapped type's stable id (the `type_id` of every [`wrap`](Self::wrap) result).
    pub fn type_id(&self) -> StableId {
        self.type_id
    }

    /// Keeps `value` and returns its JavaScript face: a [`HostValue::Wrapped`] of this
    /// store's type and the struct's number, for a native to return. The engine makes it an
    /// object scripts cannot look inside; passed back to a native, it finds the struct
    /// through [`with_wrapped`](Self::with_wrapped).
    pub fn wrap(&self, value: T) -> HostValue {
        HostValue::Wrapped(Wrapped { type_id: self.type_id, handle: self.insert(value) })
    }

    /// Runs `f` on the struct behind `value`, a native's argument or `this` made by
    /// [`wrap`](Self::wrap).
    ///
    /// Fails with a [`HostError`] (a JavaScript `Error` when the native returns it) that
    /// names the expected type and what was found instead: a wrapped object of another type,
    /// any other value (a plain object that merely looks like a wrapper included), or the
    /// number of a struct this store no longer holds (removed).
    pub fn with_wrapped<R>(&self, value: &HostValue, f: impl FnOnce(&mut T) -> R) -> Result<R, HostError> {
        let expected = self.type_id;
        match value {
            HostValue::Wrapped(w) if w.type_id == expected => self.with(w.handle, f),
            HostValue::Wrapped(w) => Err(HostError::new(format!(
                "expected a wrapped `{expected}` object, found a wrapped `{}` object (numbered {}): this native \
                 works on `{expected}` objects only",
                w.type_id, w.handle
            ))),
            other => Err(HostError::new(format!(
                "expected a wrapped `{expected}` object, found {}: pass an object made by a `{expected}` native \
                 (copies and look-alike objects are not wrapped)",
                describe(other)
            ))),
        }
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

/// What a non-wrapped value is, for error messages: `a number`, `a plain object with keys
/// a, b`.
fn describe(value: &HostValue) -> String {
    match value {
        HostValue::Undefined => "undefined".into(),
        HostValue::Null => "null".into(),
        HostValue::Bool(b) => format!("the boolean {b}"),
        HostValue::Number(_) => "a number".into(),
        HostValue::String(_) => "a string".into(),
        HostValue::Bytes(_) => "bytes (an ArrayBuffer or a view)".into(),
        HostValue::Array(_) => "an array".into(),
        HostValue::Object(props) if props.is_empty() => "an object without wrapped data".into(),
        HostValue::Object(props) => {
            let keys: Vec<&str> = props.iter().take(5).map(|(k, _)| k.as_str()).collect();
            let more = if props.len() > 5 { ", …" } else { "" };
            format!("an object without wrapped data (keys {}{more})", keys.join(", "))
        }
        HostValue::Handle(h) => format!("an opaque handle ({})", h.0),
        HostValue::Wrapped(w) => format!("a wrapped `{}` object", w.type_id),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Thing(u32);

    fn store() -> WrapStore<Thing> {
        WrapStore::new(StableId::new("test.wrap.Thing"))
    }

    #[test]
    fn wrap_then_with_wrapped_finds_the_struct() {
        let things = store();
        let a = things.wrap(Thing(1));
        let b = things.wrap(Thing(2));
        let HostValue::Wrapped(w) = &b else { panic!("wrap gives Wrapped, got {b:?}") };
        assert_eq!((w.type_id, w.handle), (things.type_id(), 2));
        assert_eq!(things.with_wrapped(&a, |t| t.0).unwrap(), 1);
        things.with_wrapped(&b, |t| t.0 += 10).unwrap();
        assert_eq!(things.with(2, |t| t.clone()).unwrap(), Thing(12));
        assert_eq!(things.len(), 2);
    }

    #[test]
    fn with_wrapped_names_expected_and_found() {
        let things = store();
        let others: WrapStore<Thing> = WrapStore::new(StableId::new("test.wrap.Other"));
        let other = others.wrap(Thing(0));
        let err = things.with_wrapped(&other, |t| t.0).unwrap_err();
        assert!(
            err.message
                .contains("expected a wrapped `test.wrap.Thing` object, found a wrapped `test.wrap.Other` object"),
            "{err}"
        );
        let forged = HostValue::Object(vec![("handle".into(), HostValue::Number(1.0))]);
        let err = things.with_wrapped(&forged, |t| t.0).unwrap_err();
        assert!(err.message.contains("found an object without wrapped data (keys handle)"), "{err}");
        let err = things.with_wrapped(&HostValue::Undefined, |t| t.0).unwrap_err();
        assert!(err.message.contains("found undefined"), "{err}");
        // A removed struct: the wrapper outlived it.
        let gone = things.wrap(Thing(3));
        let HostValue::Wrapped(w) = gone else { unreachable!() };
        things.remove(w.handle);
        let err = things.with_wrapped(&gone, |t| t.0).unwrap_err();
        assert!(err.message.contains("no live `test.wrap.Thing` object numbered 1"), "{err}");
    }
}
