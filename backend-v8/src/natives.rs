//! Natives: host functions installed into JavaScript, and their dispatch.
//!
//! Every native is reached through one C++ callback in the shim, registered in the
//! isolate's external-reference table together with one stable pointer per native (see the
//! crate documentation). That callback calls [`dispatch`] here with the native's index in
//! the table; the index selects the [`NativeSpec`] of the live [`NativeTable`].

use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use snapshot_core::{hash_name, StableId};

use crate::convert;
use crate::error::V8Error;
use crate::ffi;

/// A host function to install in JavaScript as `__polysnap_natives[name]` (the
/// engine-neutral spec every backend takes).
pub use snapshot_core::NativeSpec;

/// The natives of one isolate, in external-reference-table order. Boxed by its owner so
/// its address (the dispatch context) is stable for the isolate's lifetime.
pub(crate) struct NativeTable {
    pub(crate) natives: Vec<NativeSpec>,
}

impl NativeTable {
    /// Checks ids (hash of the name, no duplicates) and boxes the table.
    pub(crate) fn new(natives: Vec<NativeSpec>) -> Result<Box<NativeTable>, V8Error> {
        let mut seen: HashMap<StableId, &str> = HashMap::with_capacity(natives.len());
        for n in &natives {
            if n.id.hash() != hash_name(&n.name) {
                return Err(V8Error::NativeIdMismatch { name: n.name.clone(), found: n.id });
            }
            if let Some(first) = seen.insert(n.id, &n.name) {
                return Err(V8Error::DuplicateNative { id: n.id, first: first.to_owned(), second: n.name.clone() });
            }
        }
        if u32::try_from(natives.len()).is_err() {
            return Err(V8Error::InvalidInput {
                expected: "fewer than 2^32 natives".into(),
                found: format!("{} natives", natives.len()),
            });
        }
        Ok(Box::new(NativeTable { natives }))
    }

    /// This table reordered for a blob whose external-reference table is `order`: the
    /// blob's natives in its order, then the others in this table's order. Returns how many
    /// came from the blob; every id of `order` must be here.
    pub(crate) fn in_blob_order(self, order: &[StableId]) -> Result<(Box<NativeTable>, usize), V8Error> {
        let own_order: Vec<StableId> = self.natives.iter().map(|n| n.id).collect();
        let mut by_id: HashMap<StableId, NativeSpec> = self.natives.into_iter().map(|n| (n.id, n)).collect();
        let mut ordered = Vec::with_capacity(by_id.len());
        for (position, id) in order.iter().enumerate() {
            ordered.push(by_id.remove(id).ok_or(V8Error::MissingNative { id: *id, position })?);
        }
        let in_blob = ordered.len();
        ordered.extend(own_order.iter().filter_map(|id| by_id.remove(id)));
        Ok((Box::new(NativeTable { natives: ordered }), in_blob))
    }

    /// Number of natives.
    pub(crate) fn len(&self) -> u32 {
        self.natives.len() as u32
    }

    /// Names of natives `[from..]` as `u32 len, UTF-8` records, for the shim.
    pub(crate) fn encoded_names(&self, from: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for n in &self.natives[from..] {
            out.extend_from_slice(&(n.name.len() as u32).to_le_bytes());
            out.extend_from_slice(n.name.as_bytes());
        }
        out
    }

    /// The ids in table order.
    pub(crate) fn ids(&self) -> Vec<StableId> {
        self.natives.iter().map(|n| n.id).collect()
    }

    /// The dispatch context pointer handed to the shim.
    pub(crate) fn as_ctx(&self) -> *mut c_void {
        self as *const NativeTable as *mut c_void
    }
}

/// Called by the shim's callback for every native call.
///
/// # Safety
/// `ctx` must point at a live [`NativeTable`], `args` at `args_len` readable bytes and `out`
/// at a live shim buffer; the shim guarantees all three for the duration of the call.
pub(crate) unsafe extern "C" fn dispatch(
    ctx: *mut c_void,
    index: u32,
    args: *const u8,
    args_len: usize,
    out: *mut ffi::PsBuf,
) -> c_int {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: per this function's contract, ctx is a live NativeTable.
        let table = unsafe { &*(ctx as *const NativeTable) };
        let Some(native) = table.natives.get(index as usize) else {
            return Err(format!("no native at table index {index} (table has {})", table.len()));
        };
        let bytes = if args_len == 0 {
            &[][..]
        } else {
            // SAFETY: per this function's contract, args points at args_len bytes.
            unsafe { std::slice::from_raw_parts(args, args_len) }
        };
        let call = convert::decode_call(bytes).map_err(|e| e.to_string())?;
        match (native.func)(&call) {
            Ok(value) => {
                let mut encoded = Vec::new();
                convert::encode(&value, &mut encoded)
                    .map_err(|e| format!("native `{}` returned a value JavaScript cannot hold: {e}", native.name))?;
                Ok(encoded)
            }
            Err(e) => Err(e.message),
        }
    }));
    let (status, bytes) = match outcome {
        Ok(Ok(encoded)) => (ffi::OK, encoded),
        Ok(Err(message)) => (ffi::INTERNAL_ERROR, message.into_bytes()),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into());
            (ffi::INTERNAL_ERROR, format!("native panicked: {what}").into_bytes())
        }
    };
    // SAFETY: out is a live shim buffer (contract), bytes is a valid slice.
    let appended = unsafe { ffi::polysnap__Buf__Append(out, bytes.as_ptr(), bytes.len()) };
    if appended != ffi::OK {
        return ffi::INTERNAL_ERROR;
    }
    status
}
