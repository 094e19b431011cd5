//! Sizes and times of snapshots of large heaps.
//!
//! `compression_keeps_big_heaps_under_a_tenth` runs by default (20 000 objects);
//! `measure_100k_objects` (ignored; `cargo test -p backend-chakra --test measure --
//! --ignored --nocapture`) prints the figures quoted in the report.

mod common;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use backend_chakra::{Recorder, Runtime, TtdPayload};
use common::*;
use snapshot_core::HostValue;

const PAYLOAD_ENV: &str = "POLYSNAP_CHAKRA_TEST_MEASURE_PAYLOAD";
const COUNT_ENV: &str = "POLYSNAP_CHAKRA_TEST_MEASURE_COUNT";

fn setup(n: usize) -> String {
    format!(
        "var objs = []; for (var i = 0; i < {n}; i++) {{ objs.push({{ id: i, name: 'item' + i, even: i % 2 === 0 }}); }} objs.length"
    )
}

fn capture(n: usize) -> TtdPayload {
    let lib = lib();
    let mut rec = Recorder::new(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    let t = Instant::now();
    assert_eq!(rec.run_script("objects.js", &setup(n)).unwrap(), HostValue::Number(n as f64));
    let setup_time = t.elapsed();
    let t = Instant::now();
    let payload = rec.capture().unwrap();
    println!("{n} objects: setup in recorder {setup_time:?}, capture {:?}", t.elapsed());
    payload
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

#[test]
#[ignore = "slow; prints the figures for the report"]
fn measure_100k_objects() {
    let _g = engine_lock();
    let n = 100_000;
    let payload = capture(n);
    let raw = payload.raw_len();
    println!("files: {:?}", payload.files.iter().map(|(f, d)| (f.as_str(), d.as_slice().len())).collect::<Vec<_>>());
    let mut chosen = Vec::new();
    for level in [1, 3, 9] {
        let t = Instant::now();
        let enc = payload.encode_with_level(level);
        let et = t.elapsed();
        let t = Instant::now();
        TtdPayload::decode(&enc).unwrap();
        println!(
            "zstd level {level:2}: {} B (1/{:.1} of {raw} B), encode {et:?}, decode {:?}",
            enc.len(),
            raw as f64 / enc.len() as f64,
            t.elapsed()
        );
        if level == backend_chakra::ZSTD_LEVEL {
            chosen = enc;
        }
    }
    let path = temp_path("measure");
    std::fs::write(&path, &chosen).unwrap();
    let out = run_child("child_measure", &[(PAYLOAD_ENV, path.to_str().unwrap()), (COUNT_ENV, &n.to_string())]);
    let _ = std::fs::remove_file(&path);
    assert_child_ok("measure", &out);
}

const HEAVY: &str = "var acc = 0; for (var i = 0; i < 20000000; i++) { acc = (acc + i * i) % 1000003; } var table = []; for (var j = 0; j < 1000; j++) { table.push(acc + j); } acc";

#[test]
#[ignore = "slow; prints the figures for the report"]
fn measure_compute_heavy_setup() {
    let _g = engine_lock();
    let lib = lib();
    let t = Instant::now();
    let mut fresh = Runtime::fresh(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    let expected = fresh.run_script("heavy.js", HEAVY).unwrap();
    println!("cold: fresh runtime + compute-heavy setup {:?}", t.elapsed());
    drop(fresh);
    let mut rec = Recorder::new(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    assert_eq!(rec.run_script("heavy.js", HEAVY).unwrap(), expected);
    let payload = rec.capture().unwrap();
    drop(rec);
    let encoded = payload.encode();
    println!("heavy: raw {} B, encoded {} B", payload.raw_len(), encoded.len());
    let t = Instant::now();
    let payload = TtdPayload::decode(&encoded).unwrap();
    let mut rt = Runtime::inflate(&lib, &payload, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    let live = t.elapsed();
    assert_eq!(rt.eval("acc").unwrap(), expected);
    println!("restore (same process): decode+inflate+natives {live:?}");
}

/// Runs only as the child of `measure_100k_objects`.
#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_measure() {
    let (Ok(path), Ok(n)) = (std::env::var(PAYLOAD_ENV), std::env::var(COUNT_ENV)) else {
        panic!("runs only as the child of its parent test, which sets its environment")
    };
    let n: usize = n.parse().unwrap();
    let _g = engine_lock();
    let lib = lib();
    let t0 = Instant::now();
    let payload = TtdPayload::decode(&std::fs::read(path).unwrap()).unwrap();
    let decoded = t0.elapsed();
    let mut rt = Runtime::inflate(&lib, &payload, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    let live = t0.elapsed();
    assert_eq!(rt.eval("objs.length + objs[objs.length - 1].id").unwrap(), HostValue::Number((2 * n - 1) as f64));
    println!("restore: decode {decoded:?}, decode+inflate+natives (time to live) {live:?}");
    drop(rt);
    let t = Instant::now();
    let mut fresh = Runtime::fresh(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    fresh.run_script("objects.js", &setup(n)).unwrap();
    println!("cold: fresh runtime + setup {:?}", t.elapsed());
}
