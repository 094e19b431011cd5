//! The envelope around every blob this crate makes.
//!
//! V8 aborts the process on a blob from another build or a damaged one, and restores a
//! context wrongly (or aborts) when the external-reference table differs from the one used
//! at creation. So [`SnapshotBuilder::build`](crate::SnapshotBuilder::build) wraps V8's
//! startup data in a small header recording what restoring needs, and
//! [`Runtime::from_blob`](crate::Runtime::from_blob) checks all of it before V8 sees a byte:
//!
//! ```text
//! 0   8  magic "PSV8SNAP"
//! 8   4  format version (4), u32 LE
//! 12  4  header length H (multiple of 16), u32 LE
//! 16  8  payload length, u64 LE
//! 24  8  payload checksum, u64 LE: xxh3-64 of the payload
//! 32  4+n  build identity (u32 length, UTF-8), see build_identity()
//! ..  native table: u32 count, then per native in table order: StableId hash (u64 LE),
//!         name (u32 length, UTF-8)
//! ..  named contexts (version 2 on): u32 count, then per context in V8's `AddContext` index
//!         order (the index `Context::FromSnapshot` takes): name (u32 length, UTF-8)
//! ..  ES modules of the default context (version 4 on): u32 count, then per module in id
//!         order (its index in the context's snapshot data): URL (u32 length, UTF-8)
//! ..  zero padding to H
//! H   payload: V8 StartupData bytes
//! ```

use snapshot_core::StableId;

use crate::error::V8Error;
use crate::ffi;
use crate::platform::build_identity;

const MAGIC: &[u8; 8] = b"PSV8SNAP";
const VERSION: u32 = 4;
/// Version 3 had no module list (it reads as having none).
const VERSION_WITHOUT_MODULES: u32 = 3;
/// Version 2 checksummed the payload with the shim's multiply-xorshift.
const VERSION_SHIM_CHECKSUM: u32 = 2;
/// Version 1 had no named-context list (it reads as having none).
const VERSION_WITHOUT_CONTEXTS: u32 = 1;

/// What a blob's envelope records.
#[derive(Debug, Clone, PartialEq)]
pub struct BlobHeader {
    /// The [`build_identity`] of the process that made the blob.
    pub identity: String,
    /// The natives of its external-reference table, in table order.
    pub natives: Vec<StableId>,
    /// The names of its named contexts, in V8's `AddContext` index order (position `i` is
    /// restored with `Context::FromSnapshot(isolate, i)`).
    pub contexts: Vec<String>,
    /// The URLs of its ES modules, in id order (position `i` is the default context's
    /// snapshot data `i`).
    pub modules: Vec<String>,
    /// Byte offset of V8's startup data inside the blob.
    pub payload_offset: usize,
    /// Length of V8's startup data.
    pub payload_len: usize,
    /// Recorded checksum of the startup data.
    pub checksum: u64,
    /// The envelope's format version (which checksum it uses).
    pub version: u32,
}

/// The payload checksum an envelope of `version` records.
fn payload_checksum(version: u32, payload: &[u8]) -> u64 {
    if version >= VERSION_WITHOUT_MODULES {
        xxhash_rust::xxh3::xxh3_64(payload)
    } else {
        checksum(payload)
    }
}

/// The shim's 64-bit checksum of `bytes` (fast, detects damage; not cryptographic).
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    // SAFETY: the pointer and length come from a valid slice; the function only reads.
    unsafe { ffi::polysnap__Blob__Checksum(bytes.as_ptr(), bytes.len()) }
}

/// Wraps V8's startup data; `contexts` are the named contexts' names in index order,
/// `modules` the module URLs in id order.
pub(crate) fn wrap(
    payload: &[u8],
    natives: &[(StableId, &str)],
    contexts: &[String],
    modules: &[String],
) -> Result<Vec<u8>, V8Error> {
    let identity = build_identity()?.as_bytes();
    let mut head = Vec::with_capacity(64 + identity.len() + 8 * natives.len());
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&VERSION.to_le_bytes());
    head.extend_from_slice(&0u32.to_le_bytes()); // header length, patched below
    head.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    head.extend_from_slice(&payload_checksum(VERSION, payload).to_le_bytes());
    head.extend_from_slice(&(identity.len() as u32).to_le_bytes());
    head.extend_from_slice(identity);
    head.extend_from_slice(&(natives.len() as u32).to_le_bytes());
    for (id, name) in natives {
        head.extend_from_slice(&id.hash().to_le_bytes());
        head.extend_from_slice(&(name.len() as u32).to_le_bytes());
        head.extend_from_slice(name.as_bytes());
    }
    head.extend_from_slice(&(contexts.len() as u32).to_le_bytes());
    for name in contexts {
        head.extend_from_slice(&(name.len() as u32).to_le_bytes());
        head.extend_from_slice(name.as_bytes());
    }
    head.extend_from_slice(&(modules.len() as u32).to_le_bytes());
    for url in modules {
        head.extend_from_slice(&(url.len() as u32).to_le_bytes());
        head.extend_from_slice(url.as_bytes());
    }
    while head.len() % 16 != 0 {
        head.push(0);
    }
    let h = head.len() as u32;
    head[12..16].copy_from_slice(&h.to_le_bytes());
    let mut out = head;
    out.reserve_exact(payload.len());
    out.extend_from_slice(payload);
    Ok(out)
}

fn bad(expected: &str, found: impl Into<String>) -> V8Error {
    V8Error::BadBlob { expected: expected.into(), found: found.into() }
}

/// A list of distinct, non-empty UTF-8 strings (u32 count, then u32 length + bytes each),
/// read through `take`; `what` names them in errors. The count must fit `header_len`.
fn distinct_names<'b>(
    take: &mut dyn FnMut(usize) -> Result<&'b [u8], V8Error>,
    header_len: usize,
    what: &str,
) -> Result<Vec<String>, V8Error> {
    let count = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
    if count > header_len / 4 {
        return Err(bad(&format!("a count of {what} that fits the header"), count.to_string()));
    }
    let mut names: Vec<String> = Vec::with_capacity(count);
    for _ in 0..count {
        let len = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        let name = std::str::from_utf8(take(len)?).map_err(|_| bad(&format!("UTF-8 {what}"), "invalid UTF-8"))?;
        if name.is_empty() || names.iter().any(|n| n == name) {
            return Err(bad(&format!("distinct, non-empty {what}"), format!("{name:?} after {names:?}")));
        }
        names.push(name.to_owned());
    }
    Ok(names)
}

/// Reads a blob's envelope (magic, version, lengths, identity, native table, named
/// contexts, modules) without checking the identity or the checksum. Reads format versions
/// 1 (no named contexts), 2 (the shim's checksum), 3 (no modules) and 4.
pub fn read_header(blob: &[u8]) -> Result<BlobHeader, V8Error> {
    if blob.len() < 32 || &blob[..8] != MAGIC {
        let shown: Vec<u8> = blob.iter().take(8).copied().collect();
        return Err(bad(
            "the magic bytes \"PSV8SNAP\" and at least 32 bytes",
            format!("{} bytes starting {:?}", blob.len(), String::from_utf8_lossy(&shown)),
        ));
    }
    let u32_at = |o: usize| u32::from_le_bytes(blob[o..o + 4].try_into().expect("4 bytes"));
    let u64_at = |o: usize| u64::from_le_bytes(blob[o..o + 8].try_into().expect("8 bytes"));
    let version = u32_at(8);
    if !(VERSION_WITHOUT_CONTEXTS..=VERSION).contains(&version) {
        return Err(bad(
            &format!("envelope format version {VERSION_WITHOUT_CONTEXTS} to {VERSION}"),
            format!("version {version}"),
        ));
    }
    let h = u32_at(12) as usize;
    let payload_len = u64_at(16);
    let checksum = u64_at(24);
    if h < 32 || h > blob.len() || (blob.len() - h) as u64 != payload_len {
        return Err(bad(
            "header length + payload length = blob length",
            format!("header {h} + payload {payload_len} for a blob of {} bytes (truncated?)", blob.len()),
        ));
    }
    let mut pos = 32;
    let take = |pos: &mut usize, n: usize| -> Result<&[u8], V8Error> {
        if h - *pos < n {
            return Err(bad("a complete header", "a header shorter than its fields"));
        }
        let s = &blob[*pos..*pos + n];
        *pos += n;
        Ok(s)
    };
    let id_len = u32::from_le_bytes(take(&mut pos, 4)?.try_into().expect("4 bytes")) as usize;
    let identity = String::from_utf8_lossy(take(&mut pos, id_len)?).into_owned();
    let count = u32::from_le_bytes(take(&mut pos, 4)?.try_into().expect("4 bytes")) as usize;
    if count > (h - pos) / 12 {
        return Err(bad("a native count that fits the header", count.to_string()));
    }
    let mut natives = Vec::with_capacity(count);
    for _ in 0..count {
        let hash = u64::from_le_bytes(take(&mut pos, 8)?.try_into().expect("8 bytes"));
        let len = u32::from_le_bytes(take(&mut pos, 4)?.try_into().expect("4 bytes")) as usize;
        let name = std::str::from_utf8(take(&mut pos, len)?).map_err(|_| bad("UTF-8 native names", "invalid UTF-8"))?;
        if snapshot_core::hash_name(name) != hash {
            return Err(bad(&format!("native name hashing to {hash:016x}"), format!("name {name:?}")));
        }
        natives.push(StableId::with_interned_name(name));
    }
    let contexts = if version >= VERSION_SHIM_CHECKSUM {
        distinct_names(&mut |n| take(&mut pos, n), h, "context names")?
    } else {
        Vec::new()
    };
    let modules = if version > VERSION_WITHOUT_MODULES {
        distinct_names(&mut |n| take(&mut pos, n), h, "module URLs")?
    } else {
        Vec::new()
    };
    Ok(BlobHeader {
        identity,
        natives,
        contexts,
        modules,
        payload_offset: h,
        payload_len: payload_len as usize,
        checksum,
        version,
    })
}

/// Reads the envelope and checks everything V8 would otherwise abort or crash on: build
/// identity, the payload checksum (the only one: V8's own is turned off, and damaged bytes
/// would crash its deserializer), and V8's own version check.
/// Returns the header and V8's startup data.
pub(crate) fn open(blob: &[u8]) -> Result<(BlobHeader, &[u8]), V8Error> {
    let header = read_header(blob)?;
    let identity = build_identity()?;
    if header.identity != identity {
        return Err(V8Error::BuildMismatch { expected: identity.to_owned(), found: header.identity });
    }
    let payload = &blob[header.payload_offset..];
    let actual = payload_checksum(header.version, payload);
    if actual != header.checksum {
        return Err(bad(
            &format!("payload checksum {:016x}", header.checksum),
            format!("checksum {actual:016x} (the blob is damaged)"),
        ));
    }
    if payload.len() > i32::MAX as usize {
        return Err(bad("V8 startup data under 2 GiB", format!("{} bytes", payload.len())));
    }
    // SAFETY: reads the slice only (V8's version-string check).
    if unsafe { ffi::v8__StartupData__IsValid(payload.as_ptr(), payload.len()) } == 0 {
        return Err(bad("V8 startup data this V8 version accepts", "data V8 rejects (StartupData::IsValid is false)"));
    }
    Ok((header, payload))
}
