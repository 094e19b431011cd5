//! The TTD payload's compression: a big heap's text files stored in under a tenth of their
//! size, and decoded back to the same files. (Timings live in `cargo xtask bench`.)

mod common;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use backend_chakra::{Recorder, TtdPayload};
use common::*;
use snapshot_core::HostValue;

fn setup(n: usize) -> String {
    format!(
        "var objs = []; for (var i = 0; i < {n}; i++) {{ objs.push({{ id: i, name: 'item' + i, even: i % 2 === 0 }}); }} objs.length"
    )
}

fn capture(n: usize) -> TtdPayload {
    let lib = lib();
    let mut rec = Recorder::new(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    assert_eq!(rec.run_script("objects.js", &setup(n)).unwrap(), HostValue::Number(n as f64));
    rec.capture().unwrap()
}

#[test]
fn compression_keeps_big_heaps_under_a_tenth() {
    let _g = engine_lock();
    let payload = capture(20_000);
    let raw = payload.raw_len();
    let encoded = payload.encode();
    println!("raw {raw} B, encoded {} B (1/{:.1})", encoded.len(), raw as f64 / encoded.len() as f64);
    assert!(encoded.len() * 10 <= raw, "raw {raw}, encoded {}", encoded.len());
    assert_eq!(TtdPayload::decode(&encoded).unwrap(), payload);
}
