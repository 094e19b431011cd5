//! Hostile and broken snapshots of real engines, leaks and concurrency.
//!
//! * every single-bit flip of a real snapshot's metadata (prelude, directory, header,
//!   references, identities, records) and thousands of random payload bit flips are
//!   rejected by the decoder; a sample of each goes through `polysnap run` in a child
//!   process, which must exit 2 with a message and never die of a signal;
//! * truncation at every metadata length and at a spread of payload lengths: the same rule;
//! * 8 threads restoring one snapshot file at once, each with a correct result.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use polysnap::core::format::{decode, SectionKind};
use polysnap::core::{Api, Rehydrators, ScriptHost};
use polysnap::{with_backend, Error, Registry, SnapshotFile};

const POLYSNAP: &str = env!("CARGO_BIN_EXE_polysnap");

/// A real snapshot made by the CLI (host runtime, a timer, a cached module).
fn real_snapshot(dir: &Path, engine: &str) -> Vec<u8> {
    std::fs::write(dir.join("mod.js"), "exports.answer = 42;").unwrap();
    std::fs::write(
        dir.join("setup.js"),
        "var m = require('./mod.js'); var state = { list: [1, 2, 3] }; setTimeout(function () {}, 5000);",
    )
    .unwrap();
    let out = Command::new(POLYSNAP)
        .args(["make", "--engine", engine, "--embed-names", "-o", "real.psnap", "setup.js"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{engine}: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(dir.join("real.psnap")).unwrap()
}

/// Runs `polysnap run` on `bytes`; returns the exit code (a signal fails the test).
fn run_bytes(dir: &Path, bytes: &[u8]) -> (i32, String) {
    let path = dir.join("candidate.psnap");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(POLYSNAP)
        .args(["run", "candidate.psnap", "-p", "state.list.length"])
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or_else(|| panic!("polysnap died of a signal ({:?}): {stderr}", out.status));
    (code, stderr)
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Bits(u64);
impl Bits {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn every_metadata_bit_flip_and_thousands_of_payload_flips_are_refused() {
    for (_, engine) in common::engines() {
        let dir = tempfile::tempdir().unwrap();
        let good = real_snapshot(dir.path(), engine);
        let layout = decode::validate_layout(&good).unwrap();
        let payload = *layout.section(SectionKind::Payload).unwrap();
        let metadata_end = payload.offset as usize;
        let mut bytes = good.clone();
        for bit in 0..metadata_end * 8 {
            bytes[bit / 8] ^= 1 << (bit % 8);
            assert!(decode(&bytes).is_err(), "{engine}: flipping metadata bit {bit} went unnoticed");
            bytes[bit / 8] ^= 1 << (bit % 8);
        }
        let mut rng = Bits(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let bit = payload.offset as usize * 8 + (rng.next() % (payload.length * 8)) as usize;
            bytes[bit / 8] ^= 1 << (bit % 8);
            assert!(decode(&bytes).is_err(), "{engine}: flipping payload bit {bit} went unnoticed");
            bytes[bit / 8] ^= 1 << (bit % 8);
        }
        // A sample through the real command: exit 2 with a message, never a signal.
        for i in 0..40u64 {
            let bit = if i % 2 == 0 {
                (rng.next() % (metadata_end as u64 * 8)) as usize
            } else {
                payload.offset as usize * 8 + (rng.next() % (payload.length * 8)) as usize
            };
            bytes[bit / 8] ^= 1 << (bit % 8);
            let (code, stderr) = run_bytes(dir.path(), &bytes);
            assert_eq!(code, 2, "{engine}: bit {bit}: {stderr}");
            assert!(stderr.starts_with("polysnap: ") && stderr.len() > 30, "{engine}: bit {bit}: {stderr}");
            bytes[bit / 8] ^= 1 << (bit % 8);
        }
        assert_eq!(run_bytes(dir.path(), &bytes).0, 0, "{engine}: the undamaged file still runs");
    }
}

#[test]
fn every_metadata_truncation_and_a_spread_of_payload_truncations_are_refused() {
    for (_, engine) in common::engines() {
        let dir = tempfile::tempdir().unwrap();
        let good = real_snapshot(dir.path(), engine);
        let payload_offset = decode(&good).unwrap().payload.as_ptr() as usize - good.as_ptr() as usize;
        let lengths: Vec<usize> =
            (0..payload_offset).chain((payload_offset..good.len()).step_by(good.len() / 500 + 1)).collect();
        for &len in &lengths {
            assert!(decode(&good[..len]).is_err(), "{engine}: truncated to {len} bytes went unnoticed");
        }
        for &len in lengths.iter().step_by(lengths.len() / 25 + 1) {
            let (code, stderr) = run_bytes(dir.path(), &good[..len]);
            assert_eq!(code, 2, "{engine}: truncated to {len}: {stderr}");
        }
    }
}

fn concurrent_restores<A: Api>() -> Result<(), Error> {
    let dir = tempfile::tempdir().unwrap();
    let registry = Arc::new(Registry::new());
    let path = Arc::new(common::small_snapshot::<A>(dir.path(), &registry)?.path().to_owned());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (registry, path) = (registry.clone(), path.clone());
            std::thread::spawn(move || -> Result<f64, Error> {
                let file = SnapshotFile::open(&path)?;
                let mut runtime = polysnap::restore::<A>(&file, &registry, &mut Rehydrators::new())?;
                let mut total = 0.0;
                for round in 0..20 {
                    let source = format!("objects[{}].i * {t} + {round}", round * 7);
                    total += runtime.run_script("thread.js", &source).unwrap().as_f64().unwrap();
                }
                Ok(total)
            })
        })
        .collect();
    for (t, thread) in threads.into_iter().enumerate() {
        let total = thread.join().expect("a thread panicked")?;
        let expected: f64 = (0..20).map(|round| (round * 7 * t + round) as f64).sum();
        assert_eq!(total, expected, "{}: thread {t}", A::KIND);
    }
    Ok(())
}

#[test]
fn eight_threads_restore_one_file_at_once() {
    for (kind, _) in common::engines() {
        let result: Result<(), Error> = with_backend!(kind, |A| concurrent_restores::<A>());
        result.unwrap();
    }
}
