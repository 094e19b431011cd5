//! Conversion between engine values and [`HostValue`].
//!
//! JS → host: primitives map directly; arrays element by element; `ArrayBuffer`, typed
//! arrays and `DataView`s to [`HostValue::Bytes`] (a copy); `Error`s to an object with
//! `name`, `message` and `stack`; plain objects (prototype `Object.prototype` or `null`)
//! to their own enumerable string-keyed properties; everything else (functions, symbols,
//! class instances, `Map`, `Date`, ...), and any object met again on the way down (a
//! cycle), to a [`HostValue::Handle`] the runtime keeps alive until it is dropped.
//!
//! A native call's receiver (`this`) is converted only if primitive or wrapped; any other
//! object receiver is one handle. Handles made for a native call are released when it
//! returns.
//!
//! Wrapped objects (ObjectWrap, [`HostValue::Wrapped`]) are checked before anything else
//! an object could be: an object the bootstrap's private `WeakMap` knows (see
//! [`natives`](crate::natives)) converts to the same `Wrapped` whatever properties or
//! prototype scripts gave it, wherever it is met (argument, receiver, nested, result).
//!
//! Host → JS: the reverse; `Bytes` become a new `ArrayBuffer`, `Object` a new plain
//! object, a `Handle` the value it names, a `Wrapped` a new object made by the
//! bootstrap's private `create` and registered in its `WeakMap`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use snapshot_core::{HostValue, OpaqueHandle, StableId, Wrapped};

use crate::error::ChakraError;
use crate::jsrt::Value;
use crate::sys::{JsValueType, Jsrt};

/// Deepest nesting converted structurally; deeper values become handles.
const MAX_DEPTH: usize = 64;

/// Engine values handed to the host as [`OpaqueHandle`]s, each held with `JsAddRef`, and
/// the runtime's [`WrapBridge`].
///
/// Ids increase and are never reused, so a stale handle is reported, never confused with
/// another value.
#[derive(Default)]
pub(crate) struct Handles {
    next: u64,
    values: BTreeMap<u64, Value>,
    /// The bootstrap closure's private wrap functions; `None` in a heap inflated from a
    /// snapshot whose bootstrap predates wrapped objects.
    bridge: Option<WrapBridge>,
}

/// The private functions of the natives bootstrap (see [`natives`](crate::natives)) that
/// create and look up wrapped objects, each held with `JsAddRef` for the runtime's life.
///
/// Their `WeakMap` maps each wrapped object to its *tag*: 32 lowercase hex digits, the
/// type's [`StableId`] hash then the handle (a JS number cannot hold 64 bits; a string is
/// compared and stored exactly, and survives the TTD snapshot as text).
#[derive(Clone, Copy)]
pub(crate) struct WrapBridge {
    /// `create(tag)`: a new plain object registered under `tag`.
    pub(crate) create: Value,
    /// `lookup(object)`: its tag, or `undefined`.
    pub(crate) lookup: Value,
    /// `reopen()`: lets the next `__polysnap_wrap()` hand the functions out again (called
    /// by the recorder just before the snapshot, so that the inflated heap's host can
    /// connect).
    pub(crate) reopen: Value,
}

impl WrapBridge {
    fn values(self) -> [Value; 3] {
        [self.create, self.lookup, self.reopen]
    }
}

/// The tag of `w` in the bootstrap's `WeakMap`.
pub(crate) fn wrap_tag(w: &Wrapped) -> String {
    format!("{:016x}{:016x}", w.type_id.hash(), w.handle)
}

/// The `Wrapped` a tag names, or `None` when it is not 32 lowercase hex digits.
pub(crate) fn parse_wrap_tag(tag: &str) -> Option<Wrapped> {
    let ok = tag.len() == 32 && tag.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !ok {
        return None;
    }
    let type_hash = u64::from_str_radix(&tag[..16], 16).ok()?;
    let handle = u64::from_str_radix(&tag[16..], 16).ok()?;
    Some(Wrapped { type_id: StableId::from_hash(type_hash), handle })
}

impl Handles {
    /// Keeps `v` alive and returns its handle.
    pub(crate) fn insert(&mut self, jsrt: &Jsrt, v: Value) -> Result<OpaqueHandle, ChakraError> {
        jsrt.add_ref(v)?;
        let id = self.next;
        self.next += 1;
        self.values.insert(id, v);
        Ok(OpaqueHandle(id))
    }

    /// The value behind `h`.
    pub(crate) fn get(&self, h: OpaqueHandle) -> Option<Value> {
        self.values.get(&h.0).copied()
    }

    /// How many handles are held.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// The id the next handle will get (a mark for [`Handles::release_from`]).
    pub(crate) fn mark(&self) -> u64 {
        self.next
    }

    /// Releases the handles given out since `mark` (those of one native call).
    pub(crate) fn release_from(&mut self, jsrt: &Jsrt, mark: u64) {
        for (_, v) in self.values.split_off(&mark) {
            let _ = jsrt.release(v);
        }
    }

    /// Releases every held value (before the runtime is disposed, or on request). The
    /// wrap bridge stays (see [`Handles::release_bridge`]).
    pub(crate) fn release_all(&mut self, jsrt: &Jsrt) {
        for (_, v) in std::mem::take(&mut self.values) {
            let _ = jsrt.release(v);
        }
    }

    /// Keeps `bridge` (each function `JsAddRef`ed) in place of any previous one.
    pub(crate) fn set_bridge(&mut self, jsrt: &Jsrt, bridge: WrapBridge) -> Result<(), ChakraError> {
        for (i, v) in bridge.values().into_iter().enumerate() {
            if let Err(e) = jsrt.add_ref(v) {
                for done in &bridge.values()[..i] {
                    let _ = jsrt.release(*done);
                }
                return Err(e);
            }
        }
        self.release_bridge(jsrt);
        self.bridge = Some(bridge);
        Ok(())
    }

    /// The wrap bridge, when this heap has one.
    pub(crate) fn bridge(&self) -> Option<WrapBridge> {
        self.bridge
    }

    /// Releases the wrap bridge (before the runtime is disposed).
    pub(crate) fn release_bridge(&mut self, jsrt: &Jsrt) {
        if let Some(bridge) = self.bridge.take() {
            for v in bridge.values() {
                let _ = jsrt.release(v);
            }
        }
    }
}

/// The `Wrapped` that object `v` stands for, or `None` for any other object (and in a heap
/// without a wrap bridge, where no object can be wrapped). `v` must be an object.
pub(crate) fn wrapped_of(jsrt: &Jsrt, handles: &RefCell<Handles>, v: Value) -> Result<Option<Wrapped>, ChakraError> {
    // Copied out: no borrow is held while JavaScript runs.
    let Some(bridge) = handles.borrow().bridge() else { return Ok(None) };
    let tag = jsrt.call(bridge.lookup, jsrt.undefined()?, &[v])?;
    match jsrt.value_type(tag)? {
        JsValueType::UNDEFINED => Ok(None),
        JsValueType::STRING => {
            let tag = jsrt.read_string(tag)?;
            parse_wrap_tag(&tag).map(Some).ok_or_else(|| ChakraError::Conversion {
                expected: "a wrapped object's tag of 32 lowercase hex digits (type hash, handle); the heap's \
                           wrap table is damaged: re-make the snapshot",
                found: format!("{tag:?}"),
            })
        }
        other => Err(ChakraError::Conversion {
            expected: "a wrapped object's tag (a string) or undefined from the wrap table; the heap's wrap table \
                       is damaged: re-make the snapshot",
            found: format!("a value of type {other:?}"),
        }),
    }
}

/// A new JS object standing for `w` (see the module documentation).
fn create_wrapped(jsrt: &Jsrt, handles: &RefCell<Handles>, w: &Wrapped) -> Result<Value, ChakraError> {
    let bridge = handles.borrow().bridge().ok_or_else(|| ChakraError::Conversion {
        expected: "a heap whose natives bootstrap can create wrapped objects; this one was inflated from a \
                   snapshot made before backend-chakra supported them: re-make the snapshot",
        found: format!("a wrapped `{}` numbered {}", w.type_id, w.handle),
    })?;
    let tag = jsrt.string(&wrap_tag(w))?;
    jsrt.call(bridge.create, jsrt.undefined()?, &[tag])
}

struct ToHost<'a> {
    jsrt: &'a Jsrt,
    handles: &'a RefCell<Handles>,
    object_prototype: Option<Value>,
    path: Vec<usize>,
}

/// Converts a call's receiver: primitives as by [`to_host`], a wrapped object as its
/// [`HostValue::Wrapped`], any other object (often a large namespace object such as
/// `__polysnap_natives`) as one [`HostValue::Handle`] without walking it.
pub(crate) fn receiver_to_host(jsrt: &Jsrt, handles: &RefCell<Handles>, v: Value) -> Result<HostValue, ChakraError> {
    match jsrt.value_type(v)? {
        JsValueType::UNDEFINED
        | JsValueType::NULL
        | JsValueType::BOOLEAN
        | JsValueType::NUMBER
        | JsValueType::STRING => to_host(jsrt, handles, v),
        JsValueType::OBJECT => match wrapped_of(jsrt, handles, v)? {
            Some(w) => Ok(HostValue::Wrapped(w)),
            None => Ok(HostValue::Handle(handles.borrow_mut().insert(jsrt, v)?)),
        },
        _ => Ok(HostValue::Handle(handles.borrow_mut().insert(jsrt, v)?)),
    }
}

/// Converts an engine value to a [`HostValue`] (see the module documentation).
pub(crate) fn to_host(jsrt: &Jsrt, handles: &RefCell<Handles>, v: Value) -> Result<HostValue, ChakraError> {
    let mut c = ToHost { jsrt, handles, object_prototype: None, path: Vec::new() };
    c.convert(v)
}

impl ToHost<'_> {
    fn handle(&self, v: Value) -> Result<HostValue, ChakraError> {
        let h = self.handles.borrow_mut().insert(self.jsrt, v)?;
        Ok(HostValue::Handle(h))
    }

    fn is_plain_object(&mut self, v: Value) -> Result<bool, ChakraError> {
        let j = self.jsrt;
        let proto = j.prototype(v)?;
        if j.value_type(proto)? == JsValueType::NULL {
            return Ok(true);
        }
        let object_prototype = match self.object_prototype {
            Some(p) => p,
            None => {
                let p = j.get(j.get(j.global()?, "Object")?, "prototype")?;
                self.object_prototype = Some(p);
                p
            }
        };
        j.strict_equals(proto, object_prototype)
    }

    fn convert(&mut self, v: Value) -> Result<HostValue, ChakraError> {
        let j = self.jsrt;
        let t = j.value_type(v)?;
        Ok(match t {
            JsValueType::UNDEFINED => HostValue::Undefined,
            JsValueType::NULL => HostValue::Null,
            JsValueType::BOOLEAN => HostValue::Bool(j.to_bool(v)?),
            JsValueType::NUMBER => HostValue::Number(j.to_f64(v)?),
            JsValueType::STRING => HostValue::String(j.read_string(v)?),
            JsValueType::ARRAY_BUFFER => HostValue::Bytes(j.array_buffer_bytes(v)?),
            JsValueType::TYPED_ARRAY => HostValue::Bytes(j.typed_array_bytes(v)?),
            JsValueType::DATA_VIEW => HostValue::Bytes(j.data_view_bytes(v)?),
            JsValueType::ARRAY | JsValueType::OBJECT | JsValueType::ERROR => {
                if t == JsValueType::OBJECT {
                    if let Some(w) = wrapped_of(j, self.handles, v)? {
                        return Ok(HostValue::Wrapped(w));
                    }
                }
                if self.path.contains(&v.addr()) || self.path.len() >= MAX_DEPTH {
                    return self.handle(v);
                }
                if t == JsValueType::OBJECT && !self.is_plain_object(v)? {
                    return self.handle(v);
                }
                self.path.push(v.addr());
                let r = self.structured(v, t);
                self.path.pop();
                r?
            }
            _ => return self.handle(v),
        })
    }

    fn structured(&mut self, v: Value, t: JsValueType) -> Result<HostValue, ChakraError> {
        let j = self.jsrt;
        if t == JsValueType::ARRAY {
            let len = j.to_f64(j.get(v, "length")?)? as u32;
            let mut items = Vec::with_capacity(len.min(1 << 16) as usize);
            for i in 0..len {
                let item = j.get_index(v, i)?;
                items.push(self.convert(item)?);
            }
            return Ok(HostValue::Array(items));
        }
        let keys: Vec<String> = if t == JsValueType::ERROR {
            ["name", "message", "stack"].into_iter().map(String::from).collect()
        } else {
            let mut keys = Vec::new();
            for k in j.own_property_names(v)? {
                if j.is_own_enumerable(v, &k)? {
                    keys.push(k);
                }
            }
            keys
        };
        let mut fields = Vec::with_capacity(keys.len());
        for k in keys {
            let item = j.get(v, &k)?;
            if t == JsValueType::ERROR && j.value_type(item)? == JsValueType::UNDEFINED {
                continue;
            }
            let item = self.convert(item)?;
            fields.push((k, item));
        }
        Ok(HostValue::Object(fields))
    }
}

/// Converts a [`HostValue`] to a new engine value (see the module documentation).
pub(crate) fn from_host(jsrt: &Jsrt, handles: &RefCell<Handles>, h: &HostValue) -> Result<Value, ChakraError> {
    Ok(match h {
        HostValue::Undefined => jsrt.undefined()?,
        HostValue::Null => jsrt.null()?,
        HostValue::Bool(b) => jsrt.boolean(*b)?,
        HostValue::Number(n) => jsrt.number(*n)?,
        HostValue::String(s) => jsrt.string(s)?,
        HostValue::Bytes(b) => jsrt.create_array_buffer(b)?,
        HostValue::Array(items) => {
            let len = u32::try_from(items.len()).map_err(|_| ChakraError::Conversion {
                expected: "an array of at most 2^32 - 1 elements",
                found: format!("{} elements", items.len()),
            })?;
            let array = jsrt.create_array(len)?;
            for (i, item) in items.iter().enumerate() {
                let item = from_host(jsrt, handles, item)?;
                jsrt.set_index(array, i as u32, item)?;
            }
            array
        }
        HostValue::Object(fields) => {
            let object = jsrt.create_object()?;
            for (k, item) in fields {
                let item = from_host(jsrt, handles, item)?;
                jsrt.set(object, k, item)?;
            }
            object
        }
        HostValue::Handle(handle) => handles.borrow().get(*handle).ok_or_else(|| ChakraError::Conversion {
            expected: "a handle this runtime gave out",
            found: format!("handle {} (this runtime holds {})", handle.0, handles.borrow().len()),
        })?,
        HostValue::Wrapped(w) => create_wrapped(jsrt, handles, w)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_tags_round_trip_all_64_bits() {
        let w = Wrapped { type_id: StableId::new("fs.FileHandle"), handle: u64::MAX - 1 };
        let tag = wrap_tag(&w);
        assert_eq!(tag.len(), 32);
        assert_eq!(&tag[16..], "fffffffffffffffe");
        let back = parse_wrap_tag(&tag).unwrap();
        assert_eq!(back, w);
        assert_eq!(back.type_id.hash(), w.type_id.hash());
        let zero = Wrapped { type_id: StableId::from_hash(0), handle: 0 };
        assert_eq!(parse_wrap_tag(&wrap_tag(&zero)), Some(zero));
    }

    #[test]
    fn malformed_wrap_tags_are_refused() {
        for bad in [
            "",
            "0123",
            &"0".repeat(31),
            &"0".repeat(33),
            &"A".repeat(32),
            &format!("{}g", "0".repeat(31)),
            &format!("+{}", "0".repeat(31)),
        ] {
            assert_eq!(parse_wrap_tag(bad), None, "{bad:?}");
        }
    }
}
