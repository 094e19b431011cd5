//! Conversion between engine values and [`HostValue`].
//!
//! JS → host: primitives map directly; arrays element by element; `ArrayBuffer`, typed
//! arrays and `DataView`s to [`HostValue::Bytes`] (a copy); `Error`s to an object with
//! `name`, `message` and `stack`; plain objects (prototype `Object.prototype` or `null`)
//! to their own enumerable string-keyed properties; everything else (functions, symbols,
//! class instances, `Map`, `Date`, ...), and any object met again on the way down (a
//! cycle), to a [`HostValue::Handle`] the runtime keeps alive until it is dropped.
//!
//! A native call's receiver (`this`) is converted only if primitive; an object receiver
//! is one handle. Handles made for a native call are released when it returns.
//!
//! Host → JS: the reverse; `Bytes` become a new `ArrayBuffer`, `Object` a new plain
//! object, a `Handle` the value it names.

use std::cell::RefCell;
use std::collections::BTreeMap;

use snapshot_core::{HostValue, OpaqueHandle};

use crate::error::ChakraError;
use crate::ffi::{JsValueType, Jsrt, Value};

/// Deepest nesting converted structurally; deeper values become handles.
const MAX_DEPTH: usize = 64;

/// Engine values handed to the host as [`OpaqueHandle`]s, each held with `JsAddRef`.
///
/// Ids increase and are never reused, so a stale handle is reported, never confused with
/// another value.
#[derive(Default)]
pub(crate) struct Handles {
    next: u64,
    values: BTreeMap<u64, Value>,
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

    /// Releases every held value (before the runtime is disposed, or on request).
    pub(crate) fn release_all(&mut self, jsrt: &Jsrt) {
        for (_, v) in std::mem::take(&mut self.values) {
            let _ = jsrt.release(v);
        }
    }
}

struct ToHost<'a> {
    jsrt: &'a Jsrt,
    handles: &'a RefCell<Handles>,
    object_prototype: Option<Value>,
    path: Vec<usize>,
}

/// Converts a call's receiver: primitives as by [`to_host`], any object (often a large
/// namespace object such as `__polysnap_natives`) as one [`HostValue::Handle`] without
/// walking it.
pub(crate) fn receiver_to_host(jsrt: &Jsrt, handles: &RefCell<Handles>, v: Value) -> Result<HostValue, ChakraError> {
    match jsrt.value_type(v)? {
        JsValueType::UNDEFINED
        | JsValueType::NULL
        | JsValueType::BOOLEAN
        | JsValueType::NUMBER
        | JsValueType::STRING => to_host(jsrt, handles, v),
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
        HostValue::Wrapped(w) => {
            return Err(ChakraError::Conversion {
                expected: "a value backend-chakra can create (wrapped objects are not implemented yet)",
                found: format!("a wrapped `{}` numbered {}", w.type_id, w.handle),
            })
        }
    })
}
