//! The files of a TTD capture and their compressed encoding.
//!
//! Encoding: `b"PSNAPTTD"`, a format version byte (1), then one zstd frame (with content
//! checksum) of: `u32` file count, and per file `u32` name length, name (UTF-8), `u64`
//! data length, data; all little-endian. Decoding checks every length against what is
//! left, so bad bytes give an error, never a panic or a huge allocation.
//!
//! Decoding decompresses once, into one buffer, and the files are shared views of it
//! ([`SharedBytes`]): the engine's read callbacks copy straight out of that buffer, with no
//! per-file copy in between (typescript's heap is 63.8 MB of TTD text).

use std::io::Read;
use std::ops::Range;
use std::sync::Arc;

use snapshot_core::SharedBytes;

use crate::error::ChakraError;

const MAGIC: &[u8; 8] = b"PSNAPTTD";
const VERSION: u8 = 1;
/// zstd level used by [`TtdPayload::encode`]. TTD files are UTF-16LE JSON-like text; at
/// level 3 a 100k-object heap (89.6 MB raw) shrinks well below a tenth (see the report
/// and the `payload_compression` test).
pub const ZSTD_LEVEL: i32 = 3;
/// Largest decoded payload accepted (guards against decompression bombs).
pub const MAX_DECODED: u64 = 4 << 30;
/// Most files accepted in one payload.
const MAX_FILES: u32 = 1 << 16;

/// The in-memory files a TTD capture wrote (`ttdlog.log`, `src*.js`, `snap_N.snp`).
#[derive(Clone, Debug, Default)]
pub struct TtdPayload {
    /// (resource name, bytes), sorted by name.
    pub files: Vec<(String, SharedBytes)>,
}

impl PartialEq for TtdPayload {
    fn eq(&self, other: &TtdPayload) -> bool {
        self.files.len() == other.files.len()
            && self.files.iter().zip(&other.files).all(|((a, x), (b, y))| a == b && x.as_slice() == y.as_slice())
    }
}

impl Eq for TtdPayload {}

impl TtdPayload {
    /// A payload of owned files (no copy).
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> TtdPayload {
        TtdPayload { files: files.into_iter().map(|(name, data)| (name, SharedBytes::from(data))).collect() }
    }

    /// Total size of the files, in bytes.
    pub fn raw_len(&self) -> usize {
        self.files.iter().map(|(_, d)| d.as_slice().len()).sum()
    }

    /// The file named `name`.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files.iter().find(|(n, _)| n == name).map(|(_, d)| d.as_slice())
    }

    /// Serializes and compresses (zstd level [`ZSTD_LEVEL`]).
    pub fn encode(&self) -> Vec<u8> {
        self.encode_with_level(ZSTD_LEVEL)
    }

    /// As [`TtdPayload::encode`] with an explicit zstd level (1–22).
    pub fn encode_with_level(&self, level: i32) -> Vec<u8> {
        let mut raw = Vec::with_capacity(self.raw_len() + 64 * self.files.len() + 4);
        raw.extend_from_slice(&(self.files.len() as u32).to_le_bytes());
        for (name, data) in &self.files {
            let data = data.as_slice();
            raw.extend_from_slice(&(name.len() as u32).to_le_bytes());
            raw.extend_from_slice(name.as_bytes());
            raw.extend_from_slice(&(data.len() as u64).to_le_bytes());
            raw.extend_from_slice(data);
        }
        let mut out = Vec::with_capacity(raw.len() / 8 + 64);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        let mut encoder = zstd::stream::Encoder::new(out, level).expect("zstd encoder on a Vec");
        encoder.include_checksum(true).expect("zstd checksum flag");
        encoder.set_pledged_src_size(Some(raw.len() as u64)).expect("zstd pledged size");
        std::io::Write::write_all(&mut encoder, &raw).expect("writing to a Vec cannot fail");
        encoder.finish().expect("finishing a zstd frame into a Vec cannot fail")
    }

    /// Decompresses and parses bytes written by [`TtdPayload::encode`].
    pub fn decode(bytes: &[u8]) -> Result<TtdPayload, ChakraError> {
        Self::decode_and_reseed(bytes, false)
    }

    /// [`TtdPayload::decode`], then new `Math.random` seeds in the snapshot, drawn from this
    /// process's entropy (see [`reseed_random`]): what a restore uses.
    pub fn decode_reseeded(bytes: &[u8]) -> Result<TtdPayload, ChakraError> {
        Self::decode_and_reseed(bytes, true)
    }

    fn decode_and_reseed(bytes: &[u8], reseed: bool) -> Result<TtdPayload, ChakraError> {
        let bad = |reason: String| ChakraError::Payload { reason };
        if bytes.len() < MAGIC.len() + 1 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(bad(format!(
                "expected the magic bytes \"PSNAPTTD\" at the start, found {:02x?}",
                &bytes[..bytes.len().min(MAGIC.len())]
            )));
        }
        let version = bytes[MAGIC.len()];
        if version != VERSION {
            return Err(bad(format!("expected format version {VERSION}, found {version}")));
        }
        let frame = &bytes[MAGIC.len() + 1..];
        let decoder =
            zstd::stream::Decoder::new(frame).map_err(|e| bad(format!("zstd stream could not be opened: {e}")))?;
        // The frame header's content size (written by `encode`) sizes the buffer once; it
        // is only a hint, which a damaged or crafted header can inflate: capped, reserved
        // fallibly, and the buffer still grows or stops as the data says.
        let claimed = zstd::zstd_safe::get_frame_content_size(frame).ok().flatten().unwrap_or(0);
        let mut raw = Vec::new();
        let _ = raw.try_reserve_exact(capacity_hint(frame.len(), claimed));
        decoder
            .take(MAX_DECODED + 1)
            .read_to_end(&mut raw)
            .map_err(|e| bad(format!("zstd data is corrupt or truncated: {e}")))?;
        if raw.len() as u64 > MAX_DECODED {
            return Err(bad(format!("decoded size exceeds the {MAX_DECODED}-byte limit")));
        }
        let layout = parse(&raw).map_err(bad)?;
        if reseed {
            for (name, range) in &layout {
                if name.starts_with("snap_") && name.ends_with(".snp") {
                    reseed_random(&mut raw[range.clone()]);
                }
            }
        }
        let raw: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(raw);
        let files = layout
            .into_iter()
            .map(|(name, range)| (name, SharedBytes::slice(raw.clone(), range).expect("parse checked every range")))
            .collect();
        Ok(TtdPayload { files })
    }
}

/// TTD records the script context's `Math.random` state (whether it is seeded, and the two
/// xorshift128+ seeds) and inflates it as it was, so every process restoring one snapshot
/// would draw the same sequence: ids and tokens derived from it would repeat across
/// processes. The context record reads, in the snapshot's UTF-16 text, `ctxTag:!N,
/// boolVal:true, u64Val:SEED0, u64Val:SEED1,`: both seeds are overwritten in place with
/// random numbers of the same number of digits, so the file keeps its length. An unseeded
/// context (`boolVal:false`, the setup never called Math.random) is left alone: the engine
/// seeds it itself. Returns whether it reseeded.
pub fn reseed_random(snap: &mut [u8]) -> bool {
    // The record's first fields, read in place: nothing past them is scanned (a restore of
    // an unseeded context pays for a few bytes, not for the whole file).
    let Some(at) = find_utf16(snap, "ctxTag:!", 0) else { return false };
    let Some(tag_end) = digits_end(snap, at + utf16_len("ctxTag:!")) else { return false };
    let Some(first) = starts_with_utf16(snap, tag_end, ", boolVal:true, u64Val:") else { return false };
    let Some(first_end) = digits_end(snap, first) else { return false };
    let Some(second) = starts_with_utf16(snap, first_end, ", u64Val:") else { return false };
    let Some(second_end) = digits_end(snap, second) else { return false };
    write_random_digits(&mut snap[first..first_end]);
    write_random_digits(&mut snap[second..second_end]);
    true
}

fn utf16_len(text: &str) -> usize {
    text.len() * 2
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Where `text` (ASCII) starts in the UTF-16LE `bytes`, at an even offset from `from` on.
fn find_utf16(bytes: &[u8], text: &str, from: usize) -> Option<usize> {
    let needle = utf16(text);
    (from..bytes.len().saturating_sub(needle.len() - 1)).step_by(2).find(|&i| bytes[i..].starts_with(&needle))
}

/// The offset after `text` when `bytes` has it at `at`.
fn starts_with_utf16(bytes: &[u8], at: usize, text: &str) -> Option<usize> {
    bytes.get(at..)?.starts_with(&utf16(text)).then(|| at + utf16_len(text))
}

/// The end of the run of 1 to 20 decimal digits (UTF-16LE) starting at `at`.
fn digits_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut end = at;
    while end + 1 < bytes.len() && bytes[end].is_ascii_digit() && bytes[end + 1] == 0 {
        end += 2;
    }
    let digits = (end - at) / 2;
    (1..=20).contains(&digits).then_some(end)
}

/// Overwrites a run of UTF-16LE digits with a random non-zero number of as many digits that
/// fits in 64 bits.
fn write_random_digits(run: &mut [u8]) {
    let digits = (run.len() / 2) as u32;
    let low = 10u64.pow(digits - 1);
    let high = if digits == 20 { u64::MAX } else { 10u64.pow(digits) - 1 };
    let value = low + random_u64() % (high - low + 1).max(1);
    for (slot, digit) in run.chunks_mut(2).zip(value.to_string().bytes()) {
        slot[0] = digit;
    }
}

/// 64 random bits from the process's entropy (the standard library's hash keys are drawn
/// from the OS for each `RandomState`).
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64),
    );
    hasher.finish()
}

/// How much to reserve for a frame of `frame_len` bytes whose header claims `claimed` bytes
/// of content: the claim, but never more than 256 times the frame (typescript's TTD files
/// compress 15:1, 100k small objects 50:1) nor more than [`MAX_DECODED`].
fn capacity_hint(frame_len: usize, claimed: u64) -> usize {
    claimed.min(MAX_DECODED).min((frame_len as u64).saturating_mul(256)) as usize
}

/// The files' names and where their bytes lie in `raw`.
fn parse(raw: &[u8]) -> Result<Vec<(String, Range<usize>)>, String> {
    let mut pos = 0usize;
    let mut take = |n: usize, what: &str| -> Result<Range<usize>, String> {
        let left = raw.len() - pos;
        if left < n {
            return Err(format!("expected {n} bytes of {what}, found {left} left"));
        }
        pos += n;
        Ok(pos - n..pos)
    };
    let u32_at = |r: Range<usize>| u32::from_le_bytes(raw[r].try_into().expect("4 bytes"));
    let count = u32_at(take(4, "file count")?);
    if count > MAX_FILES {
        return Err(format!("expected at most {MAX_FILES} files, found a count of {count}"));
    }
    let mut files: Vec<(String, Range<usize>)> = Vec::with_capacity(count.min(1024) as usize);
    for i in 0..count {
        let name_len = u32_at(take(4, "name length")?) as usize;
        let name = std::str::from_utf8(&raw[take(name_len, "file name")?])
            .map_err(|_| format!("file {i}: expected a UTF-8 name"))?
            .to_owned();
        if name.is_empty() || name.contains(['/', '\\', '\0']) {
            return Err(format!("file {i}: expected a plain resource name, found {name:?}"));
        }
        if files.iter().any(|(n, _)| *n == name) {
            return Err(format!("file {name:?} appears twice"));
        }
        let data_len = u64::from_le_bytes(raw[take(8, "data length")?].try_into().expect("8 bytes"));
        let data_len = usize::try_from(data_len).map_err(|_| format!("file {name:?}: length {data_len} too large"))?;
        files.push((name, take(data_len, "file data")?));
    }
    if pos != raw.len() {
        return Err(format!("expected the end after {count} files, found {} more bytes", raw.len() - pos));
    }
    if !files.iter().any(|(n, _)| n == "ttdlog.log") {
        return Err("expected a file named ttdlog.log (the TTD log), found none".into());
    }
    Ok(files)
}

#[cfg(test)]
mod reseed_tests {
    use super::*;

    #[test]
    fn seeds_are_replaced_in_place_and_only_when_seeded() {
        let text = "{ctxTag:!1399567266816, boolVal:true, u64Val:9008892254146486936, u64Val:17461007757929800537, ctxUri:@0\"\"}";
        let mut bytes = utf16(text);
        let before = bytes.clone();
        assert!(reseed_random(&mut bytes));
        assert_eq!(bytes.len(), before.len());
        let after =
            String::from_utf16(&bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect::<Vec<_>>()).unwrap();
        let seeds: Vec<&str> = after.split("u64Val:").skip(1).map(|s| s.split(',').next().unwrap()).collect();
        assert_eq!(seeds.len(), 2);
        assert_ne!(seeds[0], "9008892254146486936");
        assert_ne!(seeds[1], "17461007757929800537");
        assert_eq!((seeds[0].len(), seeds[1].len()), (19, 20));
        assert!(seeds.iter().all(|s| s.parse::<u64>().is_ok_and(|v| v != 0)), "{seeds:?}");
        assert!(after.ends_with(", ctxUri:@0\"\"}"), "{after}");
        let mut unseeded = utf16("{ctxTag:!1, boolVal:false, u64Val:0, u64Val:0, ctxUri:@0\"\"}");
        let copy = unseeded.clone();
        assert!(!reseed_random(&mut unseeded));
        assert_eq!(unseeded, copy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TtdPayload {
        TtdPayload::from_files(vec![
            ("snap_1.snp".into(), vec![7u8; 1000]),
            ("src_1.js".into(), b"x".to_vec()),
            ("ttdlog.log".into(), b"{ log }".to_vec()),
        ])
    }

    #[test]
    fn a_header_claiming_a_huge_size_reserves_little() {
        assert_eq!(capacity_hint(100, 4 << 30), 25_600);
        assert_eq!(capacity_hint(1 << 30, u64::MAX), MAX_DECODED as usize);
        assert_eq!(capacity_hint(4_400_000, 63_800_000), 63_800_000);
    }

    #[test]
    fn round_trip() {
        let p = sample();
        assert_eq!(TtdPayload::decode(&p.encode()).unwrap(), p);
    }

    #[test]
    fn decode_rejects_garbage_without_panicking() {
        let good = sample().encode();
        let mut cases: Vec<Vec<u8>> = vec![
            vec![],
            b"PSNAPTTD".to_vec(),
            b"PSNAPTTD\x02".to_vec(),
            b"garbage garbage garbage".to_vec(),
            [&good[..9], b"not zstd at all"].concat(),
        ];
        for cut in [10, good.len() / 2, good.len() - 1] {
            cases.push(good[..cut].to_vec());
        }
        // Flip every byte after the header, one at a time.
        for i in 9..good.len() {
            let mut b = good.clone();
            b[i] ^= 0x5a;
            cases.push(b);
        }
        // Valid zstd around invalid contents.
        let inner = |raw: &[u8]| [&b"PSNAPTTD\x01"[..], &zstd::encode_all(raw, 1).unwrap()].concat();
        cases.push(inner(&[0xff, 0xff, 0xff, 0xff]));
        cases.push(inner(&[1, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f]));
        cases.push(inner(&[1, 0, 0, 0, 1, 0, 0, 0, b'a', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
        cases.push(inner(&[0, 0, 0, 0]));
        let mut pseudo = 0x2545f4914f6cdd1du64;
        for len in [1usize, 17, 64, 300] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    pseudo ^= pseudo << 13;
                    pseudo ^= pseudo >> 7;
                    pseudo ^= pseudo << 17;
                    pseudo as u8
                })
                .collect();
            cases.push(bytes.clone());
            cases.push([&b"PSNAPTTD\x01"[..], &bytes].concat());
        }
        for case in cases {
            let r = std::panic::catch_unwind(|| TtdPayload::decode(&case));
            let r = r.expect("decode must not panic");
            assert!(r.is_err(), "garbage accepted: {case:02x?}");
            let msg = r.unwrap_err().to_string();
            assert!(msg.contains("invalid TTD snapshot payload"), "{msg}");
        }
    }
}
