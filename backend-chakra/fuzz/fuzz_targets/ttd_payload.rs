//! backend-chakra's TTD payload decoder (`TtdPayload::decode`, the bytes a ChakraCore
//! snapshot file carries before any of them reaches the engine): on arbitrary bytes, and on
//! arbitrary decompressed contents wrapped in a valid zstd frame, so that mutations reach the
//! file table's parse. Never a panic, an abort or a huge allocation; what decodes encodes
//! back to the same files.
#![no_main]

use backend_chakra::TtdPayload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = TtdPayload::decode(bytes);
    let framed = [&b"PSNAPTTD\x01"[..], &zstd::bulk::compress(bytes, 1).expect("zstd compresses any bytes")].concat();
    if let Ok(payload) = TtdPayload::decode(&framed) {
        assert_eq!(TtdPayload::decode(&payload.encode()).expect("a re-encoded payload decodes"), payload);
    }
});
