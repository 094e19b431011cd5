//! The process-wide V8 platform, the V8 version and the build identity.

use std::ffi::CStr;
use std::sync::OnceLock;

use crate::buf::Buf;
use crate::error::V8Error;
use crate::ffi;

/// Loads the shim (and with it libnode) and initializes V8's process-wide platform, once.
/// Every constructor in this crate calls it; calling it yourself is only useful to pay the
/// cost (a few ms) up front, or to learn early that the engine cannot be loaded
/// ([`V8Error::ShimNotLoaded`]).
pub fn init() -> Result<(), V8Error> {
    static INIT: OnceLock<Result<(), V8Error>> = OnceLock::new();
    INIT.get_or_init(|| {
        ffi::load()?;
        let buf = Buf::new()?;
        // SAFETY: `buf` is a live buffer; platform init is idempotent and thread-safe.
        let status = unsafe { ffi::polysnap__Platform__Init(buf.as_ptr()) };
        buf.check(status, "<platform>")
    })
    .clone()
}

/// The version of the V8 library this process runs, as V8 reports it
/// (e.g. `10.2.154.26-node.36`).
pub fn v8_version() -> Result<String, V8Error> {
    ffi::load()?;
    // SAFETY: the shim is loaded; V8::GetVersion returns a pointer to a static
    // NUL-terminated string and needs no initialization.
    Ok(unsafe { CStr::from_ptr(ffi::v8__V8__GetVersion()) }.to_string_lossy().into_owned())
}

/// The identity of this V8 build for snapshot compatibility: V8's run-time version, the
/// header version the shim was compiled against, the architecture and the compile-time
/// layout flags that change the snapshot format (pointer size, pointer compression, Smi
/// width, tagged size, sandbox, sandboxed external pointers).
///
/// Two processes can exchange snapshots only if their identities are equal; restoring
/// checks it. The lead's container header can record it as is.
pub fn build_identity() -> Result<&'static str, V8Error> {
    static ID: OnceLock<Result<String, V8Error>> = OnceLock::new();
    let id = ID.get_or_init(|| {
        ffi::load()?;
        let buf = Buf::new()?;
        // SAFETY: the shim is loaded and `buf` is a live buffer; the function only formats
        // constants.
        let status = unsafe { ffi::v8__V8__BuildIdentity(buf.as_ptr()) };
        buf.check(status, "<identity>")?;
        Ok(format!("{}; shim-encoding 1", String::from_utf8_lossy(buf.bytes())))
    });
    id.as_deref().map_err(Clone::clone)
}
