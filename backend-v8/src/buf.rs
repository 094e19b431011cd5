//! A Rust owner for the shim's output buffer, and status-code handling.

use std::ptr::NonNull;

use crate::convert::Reader;
use crate::error::V8Error;
use crate::ffi;

/// An owned `PsBuf`.
pub(crate) struct Buf(NonNull<ffi::PsBuf>);

impl Buf {
    /// A new empty buffer.
    pub(crate) fn new() -> Result<Buf, V8Error> {
        ffi::load()?;
        // SAFETY: the shim is loaded; polysnap__Buf__New has no preconditions; it returns null only
        // when out of memory.
        let ptr = unsafe { ffi::polysnap__Buf__New() };
        NonNull::new(ptr).map(Buf).ok_or_else(|| V8Error::Internal("out of memory allocating a shim buffer".into()))
    }

    /// The pointer to pass to the shim.
    pub(crate) fn as_ptr(&self) -> *mut ffi::PsBuf {
        self.0.as_ptr()
    }

    /// The buffer's current bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        let mut len = 0usize;
        // SAFETY: the buffer is alive (we own it); the returned pointer is valid for `len`
        // bytes until the buffer is modified, which cannot happen while `&self` is borrowed
        // because every mutation goes through a shim call taking `as_ptr()` from `&self`
        // only inside this crate, never while a returned slice is held.
        unsafe {
            let data = ffi::polysnap__Buf__Data(self.0.as_ptr(), &mut len);
            if len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(data, len)
            }
        }
    }

    /// Turns a shim status into a result, reading the error out of this buffer.
    /// `file` names the script for JavaScript errors.
    pub(crate) fn check(&self, status: std::ffi::c_int, file: &str) -> Result<(), V8Error> {
        match status {
            ffi::OK => Ok(()),
            ffi::JS_ERROR => Err(decode_js_error(self.bytes(), file)),
            _ => Err(V8Error::Internal(String::from_utf8_lossy(self.bytes()).into_owned())),
        }
    }
}

impl Drop for Buf {
    fn drop(&mut self) {
        // SAFETY: the pointer came from polysnap__Buf__New and is freed exactly once, here.
        unsafe { ffi::polysnap__Buf__Delete(self.0.as_ptr()) }
    }
}

fn decode_js_error(bytes: &[u8], file: &str) -> V8Error {
    let mut r = Reader::new(bytes);
    let parsed = (|| Some((r.string().ok()?, r.string().ok()?, r.string().ok()?)))();
    match parsed {
        Some((message, stack, location)) => V8Error::Js {
            file: file.to_owned(),
            message,
            stack: if stack.is_empty() { None } else { Some(stack) },
            location: if location.is_empty() { "unknown location".to_owned() } else { location },
        },
        None => V8Error::Conversion("malformed JavaScript error record from the shim".into()),
    }
}
