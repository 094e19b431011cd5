//! Feeds arbitrary bytes to the container decoder: it must return a snapshot or an error,
//! never panic, overflow or read out of bounds; and whatever it accepts must encode back to
//! bytes it accepts again with the same content.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snapshot_core::format::{decode, encode, Snapshot};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(decoded) = decode(bytes) {
        let owned = Snapshot {
            header: decoded.header.clone(),
            refs: decoded.refs.clone(),
            identities: decoded.identities.clone(),
            records: decoded.records.clone(),
            payload: decoded.payload.to_vec(),
        };
        let again = encode(&owned);
        let redecoded = decode(&again).expect("an accepted snapshot re-encodes to an accepted file");
        assert_eq!(redecoded.header, owned.header);
        assert_eq!(redecoded.payload, owned.payload.as_slice());
    }
});
