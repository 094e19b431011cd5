//! JavaScript values ↔ [`HostValue`].
//!
//! Values cross the FFI boundary in one compact byte encoding shared with the shim
//! (tag byte, little-endian lengths and numbers). The mapping:
//!
//! | JavaScript                                   | HostValue                              |
//! |----------------------------------------------|----------------------------------------|
//! | `undefined` / `null` / booleans / numbers    | `Undefined` / `Null` / `Bool` / `Number` |
//! | strings (lone surrogates become U+FFFD)      | `String`                               |
//! | `ArrayBuffer`, `SharedArrayBuffer`, any typed array or `DataView` | `Bytes` (a copy of the viewed bytes) |
//! | arrays                                       | `Array`, element by element            |
//! | wrapped objects (made from a `Wrapped`, see below) | `Wrapped`, the same type and handle |
//! | errors                                       | `Object` with `name`, `message` and `stack` (those defined) |
//! | plain objects (prototype `Object.prototype` or `null`) | `Object`: own enumerable string-keyed properties, in property order (getters run) |
//! | everything else: functions, symbols, BigInts, class instances, `Map`, `Set`, `Date`, `RegExp`, `Promise`, `Proxy` (not inspected, so no trap runs), boxed primitives, ... | `Handle`: the runtime keeps the value for the host |
//! | an object met again while converting (a cycle), or nesting deeper than 64 levels | `Handle` |
//!
//! This is the same model as backend-chakra's, so one host function behaves the same on
//! both engines. A call's receiver (`this`) is converted only if it is a primitive or a
//! wrapped object; any other object receiver is one handle, not walked. Handles made for a
//! native call's receiver and arguments are released when it returns (a native may return
//! one: it becomes the same value again); handles in values returned to the host (by
//! `run_script`, `eval`) live until [`Runtime::release_handles`](crate::Runtime::release_handles)
//! or the runtime's end. A builder drops its handles before `CreateBlob` (V8 aborts on a
//! global handle alive there).
//!
//! Back to JavaScript: `Bytes` becomes a fresh `Uint8Array` over its own `ArrayBuffer`,
//! `Object` a plain object, `Array` an array, `Handle` the value it names (a handle this
//! runtime does not keep is a `TypeError` in JavaScript).
//!
//! `Wrapped { type_id, handle }` (ObjectWrap) becomes a new object with internal fields
//! holding the type's hash and the handle: an ordinary, extensible object whose prototype is
//! `Object.prototype` and which has no own properties, so scripts may add properties or set
//! a prototype (to give it methods) but cannot see or change the fields. Such an object
//! converts back to the same `Wrapped` wherever it reaches a native (argument, `this`,
//! element of an array or property of an object, script result) and whatever scripts did to
//! it; its own properties are not converted. Every conversion makes a new object: a native
//! returning the same `Wrapped` twice gives two objects (keep the first in JavaScript when
//! identity matters). Wrapped objects survive snapshots, in the default context, in named
//! contexts and through the warm-code recipe (see the crate documentation, "Wrapped
//! objects"); an ordinary object never converts to `Wrapped`, whatever its properties.
//!
//! A native's `this` is converted like any argument (a wrapped receiver becomes
//! `Wrapped`, any other object a copy as above), except that the global object (the
//! receiver of a plain call `f()`) becomes `Undefined` rather than a copy of the global.

use snapshot_core::{HostCall, HostValue, StableId, Wrapped};

use crate::error::V8Error;

const UNDEFINED: u8 = 0;
const NULL: u8 = 1;
const FALSE: u8 = 2;
const TRUE: u8 = 3;
const NUMBER: u8 = 4;
const STRING: u8 = 5;
const BYTES: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;
const HANDLE: u8 = 9;
const WRAPPED: u8 = 10;

/// Appends the encoding of `value`. Fails only for lengths beyond `u32::MAX`.
pub(crate) fn encode(value: &HostValue, out: &mut Vec<u8>) -> Result<(), V8Error> {
    match value {
        HostValue::Undefined => out.push(UNDEFINED),
        HostValue::Null => out.push(NULL),
        HostValue::Bool(false) => out.push(FALSE),
        HostValue::Bool(true) => out.push(TRUE),
        HostValue::Number(n) => {
            out.push(NUMBER);
            out.extend_from_slice(&n.to_le_bytes());
        }
        HostValue::String(s) => {
            out.push(STRING);
            put_bytes(s.as_bytes(), out)?;
        }
        HostValue::Bytes(b) => {
            out.push(BYTES);
            put_bytes(b, out)?;
        }
        HostValue::Array(items) => {
            out.push(ARRAY);
            put_len(items.len(), out)?;
            for item in items {
                encode(item, out)?;
            }
        }
        HostValue::Object(props) => {
            out.push(OBJECT);
            put_len(props.len(), out)?;
            for (key, item) in props {
                put_bytes(key.as_bytes(), out)?;
                encode(item, out)?;
            }
        }
        HostValue::Handle(h) => {
            out.push(HANDLE);
            out.extend_from_slice(&h.0.to_le_bytes());
        }
        HostValue::Wrapped(w) => {
            out.push(WRAPPED);
            out.extend_from_slice(&w.type_id.hash().to_le_bytes());
            out.extend_from_slice(&w.handle.to_le_bytes());
        }
    }
    Ok(())
}

fn put_len(len: usize, out: &mut Vec<u8>) -> Result<(), V8Error> {
    let len = u32::try_from(len).map_err(|_| V8Error::InvalidInput {
        expected: "strings, byte arrays, arrays and objects of at most 4 GiB / 2^32 items".into(),
        found: format!("a length of {len}"),
    })?;
    out.extend_from_slice(&len.to_le_bytes());
    Ok(())
}

fn put_bytes(bytes: &[u8], out: &mut Vec<u8>) -> Result<(), V8Error> {
    put_len(bytes.len(), out)?;
    out.extend_from_slice(bytes);
    Ok(())
}

/// Decodes one value that must fill `bytes` exactly.
pub(crate) fn decode(bytes: &[u8]) -> Result<HostValue, V8Error> {
    let mut r = Reader::new(bytes);
    let v = r.value(0)?;
    r.finish()?;
    Ok(v)
}

/// Decodes a native call: `this`, then u32 count and the arguments.
pub(crate) fn decode_call(bytes: &[u8]) -> Result<HostCall, V8Error> {
    let mut r = Reader::new(bytes);
    let this = r.value(0)?;
    let n = r.u32()? as usize;
    let mut args = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        args.push(r.value(0)?);
    }
    r.finish()?;
    Ok(HostCall { this, args })
}

/// A cursor over encoded bytes.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], V8Error> {
        if self.bytes.len() - self.pos < n {
            return Err(V8Error::Conversion(format!(
                "truncated value encoding: needed {n} bytes at offset {}, {} left",
                self.pos,
                self.bytes.len() - self.pos
            )));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, V8Error> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    fn u64(&mut self) -> Result<u64, V8Error> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub(crate) fn string(&mut self) -> Result<String, V8Error> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        Ok(match std::str::from_utf8(b) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(b).into_owned(),
        })
    }

    fn value(&mut self, depth: usize) -> Result<HostValue, V8Error> {
        if depth > 1024 {
            return Err(V8Error::Conversion("value nested deeper than 1024 levels".into()));
        }
        let tag = self.take(1)?[0];
        Ok(match tag {
            UNDEFINED => HostValue::Undefined,
            NULL => HostValue::Null,
            FALSE => HostValue::Bool(false),
            TRUE => HostValue::Bool(true),
            NUMBER => HostValue::Number(f64::from_bits(self.u64()?)),
            STRING => HostValue::String(self.string()?),
            BYTES => {
                let n = self.u32()? as usize;
                HostValue::Bytes(self.take(n)?.to_vec())
            }
            ARRAY => {
                let n = self.u32()? as usize;
                let mut items = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                HostValue::Array(items)
            }
            OBJECT => {
                let n = self.u32()? as usize;
                let mut props = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    let key = self.string()?;
                    props.push((key, self.value(depth + 1)?));
                }
                HostValue::Object(props)
            }
            HANDLE => HostValue::Handle(snapshot_core::OpaqueHandle(self.u64()?)),
            WRAPPED => {
                let type_id = StableId::from_hash(self.u64()?);
                HostValue::Wrapped(Wrapped { type_id, handle: self.u64()? })
            }
            other => return Err(V8Error::Conversion(format!("unknown value tag {other}"))),
        })
    }

    fn finish(&self) -> Result<(), V8Error> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(V8Error::Conversion(format!("{} trailing bytes after a value", self.bytes.len() - self.pos)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let v = HostValue::Object(vec![
            ("a".into(), HostValue::Number(1.5)),
            ("b".into(), HostValue::Array(vec![HostValue::Null, HostValue::Bool(true)])),
            ("c".into(), HostValue::Bytes(vec![1, 2, 3])),
            ("d".into(), HostValue::String("héllo".into())),
            ("e".into(), HostValue::Undefined),
            ("f".into(), HostValue::Wrapped(Wrapped { type_id: StableId::new("test.Thing"), handle: u64::MAX - 1 })),
        ]);
        let mut out = Vec::new();
        encode(&v, &mut out).unwrap();
        assert_eq!(decode(&out).unwrap(), v);
        assert!(decode(&out[..out.len() - 1]).is_err());
    }
}
