//! Bytecode cache primitives: ChakraCore's own bytecode (`JsSerialize` /
//! `JsRunSerialized`) wrapped in a polysnap envelope.
//!
//! ChakraCore checks only the header of a bytecode buffer (its magic `ChBc`, the engine's
//! bytecode version, architecture and a few table sizes). It is never told the buffer's
//! length and the body carries no checksum: offsets inside the body are followed as
//! pointers. A truncated or damaged buffer therefore makes the engine read wild memory
//! and kill the process (see the `raw_*` child tests of the `runtime` module), and bytecode of
//! another source runs that other program while `Function.prototype.toString` and error
//! positions slice the wrong text. So [`Runtime::serialize_script`] returns the bytecode
//! inside an envelope and [`Runtime::run_serialized`] accepts nothing else; every field
//! is checked before ChakraCore sees a byte.
//!
//! Envelope (all integers little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `b"PSNAPJBC"` |
//! | 8 | 4 | envelope version ([`ENVELOPE_VERSION`]) |
//! | 12 | 32 | library identity: SHA-256 of `libChakraCore.so` ([`library_identity`]) |
//! | 44 | 16 | xxh3-128 of the script's source (UTF-8) |
//! | 60 | 8 | source length in bytes |
//! | 68 | 8 | bytecode length *n* |
//! | 76 | *n* | ChakraCore bytecode (starts with `ChBc` and its own length) |
//! | 76 + *n* | 8 | xxh3-64 of every byte before it |
//!
//! Like the snapshot container's, these checks catch accidents (a flipped bit, a
//! truncated copy, another library build, another source), not a hostile file: the
//! checksum is not a signature, and well-formed bytecode is code.
//!
//! [`Runtime::serialize_script`]: crate::Runtime::serialize_script
//! [`Runtime::run_serialized`]: crate::Runtime::run_serialized
//! [`library_identity`]: crate::library_identity

use std::sync::Arc;

use snapshot_core::SharedBytes;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use crate::error::ChakraError;
use crate::jsrt::Value;
use crate::sys::{JsSourceContext, JsValueRef, Jsrt, JS_PARSE_SCRIPT_ATTRIBUTE_NONE};

/// First bytes of every bytecode envelope.
pub const ENVELOPE_MAGIC: &[u8; 8] = b"PSNAPJBC";
/// Version of the envelope layout written by this build.
pub const ENVELOPE_VERSION: u32 = 1;
/// Bytes before the bytecode.
const HEADER_LEN: usize = 76;
/// Bytes after the bytecode (the checksum).
const TRAILER_LEN: usize = 8;
/// ChakraCore's bytecode magic (`ByteCodeSerializer.cpp`: `magicConstant`).
const CHAKRA_MAGIC: &[u8; 4] = b"ChBc";
/// ChakraCore's header is 81 bytes long (magic .. count of strings); anything shorter
/// cannot be bytecode.
const CHAKRA_MIN_LEN: usize = 81;

/// Wraps `bytecode` (from `JsSerialize` of `source` on the library `identity`) in the
/// envelope.
pub(crate) fn seal(identity: &[u8; 32], source: &str, bytecode: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + bytecode.len() + TRAILER_LEN);
    out.extend_from_slice(ENVELOPE_MAGIC);
    out.extend_from_slice(&ENVELOPE_VERSION.to_le_bytes());
    out.extend_from_slice(identity);
    out.extend_from_slice(&xxh3_128(source.as_bytes()).to_le_bytes());
    out.extend_from_slice(&(source.len() as u64).to_le_bytes());
    out.extend_from_slice(&(bytecode.len() as u64).to_le_bytes());
    out.extend_from_slice(bytecode);
    let sum = xxh3_64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// Bytecode that passed every check of [`open`]: the only bytecode the crate hands to
/// `JsRunSerialized`.
pub(crate) struct Verified<'a> {
    bytecode: &'a [u8],
}

impl<'a> Verified<'a> {
    /// The ChakraCore bytecode inside the envelope.
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.bytecode
    }

    /// Skips every check: only for the child-process tests that show what ChakraCore does
    /// with bad bytecode.
    #[cfg(test)]
    pub(crate) fn unchecked_for_test(bytecode: &'a [u8]) -> Verified<'a> {
        Verified { bytecode }
    }
}

fn bad(reason: String) -> ChakraError {
    ChakraError::Bytecode { reason }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Checks `envelope` against this library build and `source`; returns the bytecode.
pub(crate) fn open<'a>(identity: &[u8; 32], source: &str, envelope: &'a [u8]) -> Result<Verified<'a>, ChakraError> {
    if envelope.len() < 8 || &envelope[..8] != ENVELOPE_MAGIC {
        let found = &envelope[..envelope.len().min(8)];
        return Err(bad(format!(
            "expected the magic {:?} at the start, found {:?} ({} bytes in all)",
            String::from_utf8_lossy(ENVELOPE_MAGIC),
            String::from_utf8_lossy(found),
            envelope.len()
        )));
    }
    if envelope.len() < HEADER_LEN + TRAILER_LEN {
        return Err(bad(format!(
            "expected at least {} bytes (header and checksum), found {} (truncated)",
            HEADER_LEN + TRAILER_LEN,
            envelope.len()
        )));
    }
    let version = u32::from_le_bytes([envelope[8], envelope[9], envelope[10], envelope[11]]);
    if version != ENVELOPE_VERSION {
        return Err(bad(format!("expected envelope version {ENVELOPE_VERSION}, found {version}")));
    }
    let declared = u64_at(envelope, 68);
    let expected_total = (HEADER_LEN as u64 + TRAILER_LEN as u64).checked_add(declared);
    if expected_total != Some(envelope.len() as u64) {
        return Err(bad(format!(
            "expected {} bytes in all for the declared {declared} bytes of bytecode, found {} (truncated or extended)",
            expected_total.map_or_else(|| "more than 2^64".to_owned(), |t| t.to_string()),
            envelope.len()
        )));
    }
    let body_end = envelope.len() - TRAILER_LEN;
    let stored = u64_at(envelope, body_end);
    let computed = xxh3_64(&envelope[..body_end]);
    if stored != computed {
        return Err(bad(format!(
            "expected checksum {stored:016x} (stored), computed {computed:016x}: the bytes are damaged"
        )));
    }
    let lib = &envelope[12..44];
    if lib != identity {
        return Err(bad(format!(
            "made by the ChakraCore library with SHA-256 {}, this process loaded {}; bytecode only runs on the build that made it",
            hex(lib),
            hex(identity)
        )));
    }
    let source_len = u64_at(envelope, 60);
    let mut hash = [0u8; 16];
    hash.copy_from_slice(&envelope[44..60]);
    let stored_hash = u128::from_le_bytes(hash);
    let hash = xxh3_128(source.as_bytes());
    if source_len != source.len() as u64 || stored_hash != hash {
        return Err(bad(format!(
            "made from a source of {source_len} bytes with xxh3-128 {stored_hash:032x}, given a source of {} bytes \
             with xxh3-128 {hash:032x}; pass the exact source the bytecode was made from",
            source.len()
        )));
    }
    let bytecode = &envelope[HEADER_LEN..body_end];
    if bytecode.len() < CHAKRA_MIN_LEN || &bytecode[..4] != CHAKRA_MAGIC {
        return Err(bad(format!(
            "expected ChakraCore bytecode (magic \"ChBc\", at least {CHAKRA_MIN_LEN} bytes) inside the envelope, found {} bytes starting {:?}",
            bytecode.len(),
            String::from_utf8_lossy(&bytecode[..bytecode.len().min(4)])
        )));
    }
    let inner = u32::from_le_bytes([bytecode[4], bytecode[5], bytecode[6], bytecode[7]]);
    if inner as usize != bytecode.len() {
        return Err(bad(format!("expected ChakraCore's own length field to be {}, found {inner}", bytecode.len())));
    }
    Ok(Verified { bytecode })
}

/// The library identity (64 hex digits) as 32 bytes.
pub(crate) fn identity_bytes(hex_identity: &str) -> Result<[u8; 32], ChakraError> {
    let digits = hex_identity.as_bytes();
    let mut out = [0u8; 32];
    if digits.len() != 64 {
        return Err(bad(format!("expected a library identity of 64 hex digits, found {hex_identity:?}")));
    }
    for (i, pair) in digits.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).unwrap_or("");
        out[i] = u8::from_str_radix(s, 16)
            .map_err(|_| bad(format!("expected a library identity of 64 hex digits, found {hex_identity:?}")))?;
    }
    Ok(out)
}

/// A script's UTF-8 source held by the host for as long as the engine may read it: the
/// engine reads it straight from this memory (an external `ArrayBuffer`, no copy) when
/// parsing for `JsSerialize`, and asks for it through the load-source callback whenever it
/// first needs it after `JsRunSerialized` (`toString` of a function, ...), which can be any
/// time until the runtime is disposed. So the runtime keeps every `SourceText` in an `Rc` (its
/// address is the callback's cookie) and drops them only after disposing the engine runtime.
pub(crate) struct SourceText {
    jsrt: Arc<Jsrt>,
    storage: SourceStorage,
}

/// Where a [`SourceText`]'s bytes live.
enum SourceStorage {
    /// A copy: the source followed by one NUL byte (never read by the engine, whose length
    /// excludes it; it makes the buffer non-empty and C-string safe).
    Copied(Box<[u8]>),
    /// In place, in bytes the runtime retains (a mapped snapshot): exactly the source.
    Retained(SharedBytes),
}

impl SourceText {
    /// Copies `source`.
    pub(crate) fn new(jsrt: Arc<Jsrt>, source: &str) -> Result<SourceText, ChakraError> {
        check_length(source.len())?;
        let mut bytes = Vec::with_capacity(source.len() + 1);
        bytes.extend_from_slice(source.as_bytes());
        bytes.push(0);
        Ok(SourceText { jsrt, storage: SourceStorage::Copied(bytes.into_boxed_slice()) })
    }

    /// Uses `source` in place: bytes that are valid UTF-8 (a `&str` borrowed from them) and
    /// not empty.
    pub(crate) fn in_place(jsrt: Arc<Jsrt>, source: SharedBytes) -> Result<SourceText, ChakraError> {
        check_length(source.as_slice().len())?;
        debug_assert!(!source.as_slice().is_empty() && std::str::from_utf8(source.as_slice()).is_ok());
        Ok(SourceText { jsrt, storage: SourceStorage::Retained(source) })
    }

    /// The source's UTF-8 bytes (without any NUL; at most 4 GiB - 1 of them, checked when
    /// made).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match &self.storage {
            SourceStorage::Copied(bytes) => &bytes[..bytes.len() - 1],
            SourceStorage::Retained(bytes) => bytes.as_slice(),
        }
    }

    /// An external `ArrayBuffer` over the source's UTF-8 bytes (no copy).
    #[allow(unsafe_code)]
    fn buffer(&self) -> Result<Value, ChakraError> {
        // SAFETY: the bytes (a copy with a NUL after them, or retained bytes of a mapped
        // snapshot) are owned or held by this `SourceText`, and the runtime keeps every
        // `SourceText` (in an `Rc`, never mutated) until after it is disposed, so they
        // outlive the buffer and every engine pointer into them; the buffer only goes to
        // `JsSerialize` or back to the engine from `serialized_source_shim`, which read
        // script sources.
        unsafe { self.jsrt.external_array_buffer(self.as_bytes()) }
    }

    /// `JsSerialize` of the source (UTF-8, from host memory): parses without running and
    /// returns a copy of the bytecode. The parsed script stays in the runtime and keeps
    /// pointing at these bytes.
    pub(crate) fn serialize(&self) -> Result<Vec<u8>, ChakraError> {
        let script = self.buffer()?;
        self.jsrt.serialize(script)
    }

    /// `JsRunSerialized` of checked bytecode of this source named `url`, with the source
    /// supplied on demand through [`serialized_source_shim`].
    ///
    /// `self` must stay at its address until the runtime is disposed: its address is the
    /// callback's cookie and the engine may ask for the source at any time until then
    /// (the engine state, `engine.rs`, keeps it in an `Rc`, dropped after disposal).
    ///
    /// `in_place`, when given, is `bytecode`'s bytes in memory the runtime keeps until after
    /// it is disposed (`Engine::retained`): the engine then reads them there instead of from a
    /// copy.
    #[allow(unsafe_code)]
    pub(crate) fn run_serialized(
        &self,
        bytecode: &Verified<'_>,
        in_place: Option<&SharedBytes>,
        url: &str,
    ) -> Result<Value, ChakraError> {
        // The engine keeps the ArrayBuffer (so its bytes) alive until every function made
        // from it is collected: functions are deserialized lazily, on first call.
        let buffer = match in_place.filter(|kept| std::ptr::eq(kept.as_slice(), bytecode.bytes())) {
            // SAFETY: `kept` is held by the runtime (`Engine::retained`) until after it is
            // disposed, so the bytes outlive the buffer and every engine pointer into them;
            // the buffer only goes to `JsRunSerialized`, which reads bytecode.
            Some(kept) => unsafe { self.jsrt.external_array_buffer(kept.as_slice()) }?,
            None => self.jsrt.create_array_buffer(bytecode.bytes())?,
        };
        let cookie = self as *const SourceText as JsSourceContext;
        // SAFETY: the bytecode passed every check of `open` (the only way to make a
        // `Verified`): made by JsSerialize of this exact library build (SHA-256) for this
        // exact source, length and checksum intact; ChakraCore itself checks only the
        // header. The shim has the header's signature, catches panics and reads `cookie`
        // only as the `SourceText` it is, which outlives the runtime (see above).
        unsafe { self.jsrt.run_serialized(buffer, serialized_source_shim, cookie, url) }
    }
}

/// `JsSerializedLoadScriptCallback`: hands the engine the source of a script run from
/// bytecode, as an external `ArrayBuffer` of UTF-8 over the host's [`SourceText`].
#[allow(unsafe_code)]
unsafe extern "C" fn serialized_source_shim(
    source_context: JsSourceContext,
    value: *mut JsValueRef,
    parse_attributes: *mut u32,
) -> bool {
    if source_context == 0 || value.is_null() || parse_attributes.is_null() {
        return false;
    }
    // SAFETY: `source_context` is the address of the `SourceText` given to
    // `SourceText::run_serialized`, alive until the runtime is disposed (so during any call).
    let source = unsafe { &*(source_context as *const SourceText) };
    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| source.buffer()));
    match made {
        Ok(Ok(buffer)) => {
            // SAFETY: checked non-null above; the engine passes valid out pointers.
            unsafe {
                *value = buffer.raw();
                *parse_attributes = JS_PARSE_SCRIPT_ATTRIBUTE_NONE;
            }
            true
        }
        // The engine treats `false` as out of memory and throws it into the script.
        _ => false,
    }
}

fn check_length(len: usize) -> Result<(), ChakraError> {
    if u32::try_from(len).is_err() {
        return Err(ChakraError::Conversion {
            expected: "a script source of at most 4 GiB - 1 bytes",
            found: format!("{len} bytes"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: [u8; 32] = [7u8; 32];

    fn fake_bytecode(len: usize) -> Vec<u8> {
        let mut b = vec![0xA5u8; len];
        b[..4].copy_from_slice(CHAKRA_MAGIC);
        b[4..8].copy_from_slice(&(len as u32).to_le_bytes());
        b
    }

    #[test]
    fn sealed_envelopes_open() {
        let bc = fake_bytecode(200);
        let env = seal(&ID, "1 + 1", &bc);
        assert_eq!(open(&ID, "1 + 1", &env).unwrap().bytes(), &bc[..]);
    }

    #[test]
    fn every_truncation_and_bit_flip_is_rejected() {
        let bc = fake_bytecode(120);
        let env = seal(&ID, "x", &bc);
        for len in 0..env.len() {
            assert!(open(&ID, "x", &env[..len]).is_err(), "truncated to {len}");
        }
        for bit in 0..env.len() * 8 {
            let mut e = env.clone();
            e[bit / 8] ^= 1 << (bit % 8);
            assert!(open(&ID, "x", &e).is_err(), "bit {bit}");
        }
    }

    #[test]
    fn other_source_and_other_library_are_named() {
        let env = seal(&ID, "a", &fake_bytecode(100));
        let e = open(&ID, "b", &env).err().unwrap().to_string();
        assert!(e.contains("pass the exact source"), "{e}");
        let e = open(&[8u8; 32], "a", &env).err().unwrap().to_string();
        assert!(e.contains("only runs on the build that made it"), "{e}");
        assert!(identity_bytes(&"ab".repeat(32)).unwrap() == [0xab; 32]);
        assert!(identity_bytes("xyz").is_err());
    }
}
