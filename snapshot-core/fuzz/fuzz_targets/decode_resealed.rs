//! The same property past the checksums: every checksum is recomputed first, so mutations
//! reach the structural checks and the postcard decoding of the metadata sections.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snapshot_core::format::{decode, reseal};

fuzz_target!(|bytes: &[u8]| {
    let mut bytes = bytes.to_vec();
    reseal(&mut bytes);
    let _ = decode(&bytes);
});
