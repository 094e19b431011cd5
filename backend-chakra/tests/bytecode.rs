//! Bytecode cache primitives: `Runtime::serialize_script` / `Runtime::run_serialized`.
//!
//! Bytecode made in this process runs in a child process with the same results as the
//! script run from source; bad inputs (truncated, flipped, another source, another
//! library, random) are refused in child processes that must not die of a signal; errors
//! thrown by scripts run from bytecode keep their message. What ChakraCore itself does with
//! bad bytecode (without the envelope) is shown by the `raw_*` tests inside the crate
//! (`src/runtime.rs`).

mod common;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use backend_chakra::{ChakraError, Recorder, Runtime};
use common::*;
use snapshot_core::{HostValue, SharedBytes};

const BYTECODE_ENV: &str = "POLYSNAP_CHAKRA_TEST_BYTECODE";

/// Exercises what bytecode must carry: functions, closures, classes, a promise job, a
/// function's source text (asked for through the load-source callback), non-ASCII text
/// (astral characters shift UTF-8 offsets), a host native, and functions only called
/// later (deserialized lazily, after a garbage collection).
const SCRIPT: &str = r#"
var log = [];
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
class Point {
  constructor(x, y) { this.x = x; this.y = y; }
  norm() { return Math.hypot(this.x, this.y); }
}
var text = "héllo 𝄞 wörld — ☃";
function makeCounter() { var n = 0; return function () { return ++n; }; }
var counter = makeCounter();
counter();
Promise.resolve(5).then(function (v) { log.push('then ' + v + ' ' + counter()); });
function later(k) {
  var inner = function twice(x) { /* 𝄞 */ return x * 2; };
  return { k: k, twice: inner(k), src: inner.toString(), points: [new Point(1, 1), new Point(6, 8)].map(function (p) { return p.norm(); }), c: counter() };
}
({
  fib: fib(20),
  norm: new Point(3, 4).norm(),
  fibSource: fib.toString(),
  pointSource: Point.toString().slice(0, 40),
  text: text,
  length: text.length,
  codePoints: Array.from(text).length,
  echo: __polysnap_natives['host.echo'](1, 'two'),
  log: log
})
"#;

/// The results a run gives: the completion value, then `later(21)` after a full GC.
fn results(rt: &mut Runtime, first: HostValue) -> String {
    rt.collect_garbage().unwrap();
    let later = rt.call_global("later", &[HostValue::Number(21.0)]).unwrap();
    format!("{first:?}\n{later:?}")
}

fn fresh() -> Runtime {
    Runtime::fresh(&lib(), natives(Arc::new(AtomicU64::new(0)))).unwrap()
}

/// Source and bytecode inside bytes the runtime retains (as a mapped snapshot's) stay valid
/// for the runtime's whole life: once the caller has let go of them, a garbage collection,
/// lazily deserialized functions and `toString` (the source read back through the callback)
/// still give what the script gives from source. The source is used in place, not copied:
/// the bytes' only holders are then the runtime's retained list and the in-place source.
#[test]
fn retained_bytes_are_used_in_place_for_the_runtimes_life() {
    let _g = engine_lock();
    let mut cold = fresh();
    let first = cold.run_script("app.js", SCRIPT).unwrap();
    let expected = results(&mut cold, first);
    drop(cold);
    let envelope = fresh().serialize_script("app.js", SCRIPT).unwrap();

    let owner: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new([SCRIPT.as_bytes(), &envelope].concat());
    let watch = Arc::downgrade(&owner);
    let shared = SharedBytes::new(owner);
    let mut rt = fresh();
    rt.retain(shared.clone());
    let first = {
        let (source, envelope) = shared.as_slice().split_at(SCRIPT.len());
        rt.run_serialized("app.js", std::str::from_utf8(source).unwrap(), envelope).unwrap()
    };
    drop(shared);
    assert_eq!(watch.strong_count(), 2, "held by the retained list and the in-place source only");
    assert_eq!(results(&mut rt, first), expected);
    drop(rt);
    assert_eq!(watch.strong_count(), 0, "the runtime let go of the bytes when disposed");
}

/// The engine-neutral `run_script_with_cache` never fails over a bad cache: bytecode of
/// another source, garbage, a damaged or an empty cache run the script from source and say
/// the cache was not used; a good one is used. A script that throws is an error either way.
#[test]
fn the_trait_falls_back_to_the_source_on_a_bad_cache() {
    use snapshot_core::Runtime as _;
    let _g = engine_lock();
    let good = fresh().serialize_script("app.js", SCRIPT).unwrap();
    let other = fresh().serialize_script("app.js", "({ other: true })").unwrap();
    let mut damaged = good.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x20;
    let mut cold = fresh();
    let expected = cold.run_script("app.js", SCRIPT).unwrap();
    drop(cold);
    for (what, cache, used) in [
        ("its own bytecode", &good[..], true),
        ("another source's bytecode", &other[..], false),
        ("damaged bytecode", &damaged[..], false),
        ("garbage", &b"not bytecode at all"[..], false),
        ("nothing", &[][..], false),
    ] {
        let mut rt = fresh();
        let (value, was_used) = rt.run_script_with_cache("app.js", SCRIPT, cache).unwrap();
        assert_eq!((value, was_used), (expected.clone(), used), "{what}");
    }
    let mut rt = fresh();
    let err = rt.run_script_with_cache("throws.js", "throw new Error('boom')", &good).unwrap_err();
    assert!(err.to_string().contains("boom"), "{err}");
}

#[test]
fn bytecode_runs_in_another_process_like_the_source() {
    let _g = engine_lock();
    let mut cold = fresh();
    let first = cold.run_script("app.js", SCRIPT).unwrap();
    let expected = results(&mut cold, first);
    drop(cold);

    let mut maker = fresh();
    let bytecode = maker.serialize_script("app.js", SCRIPT).unwrap();
    // The bytecode does not carry the source text: `toString` below gets it through the
    // load-source callback.
    let needle = b"return n < 2";
    assert!(!bytecode.windows(needle.len()).any(|w| w == needle), "source text inside the bytecode");
    // Serializing does not run the script.
    assert_eq!(maker.eval("typeof fib").unwrap(), HostValue::String("undefined".into()));
    drop(maker);

    let path = temp_path("bytecode");
    std::fs::write(&path, &bytecode).unwrap();
    let out = run_child("child_runs_bytecode", &[(BYTECODE_ENV, path.to_str().unwrap())]);
    let _ = std::fs::remove_file(&path);
    assert_child_ok("running bytecode", &out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let got = stdout
        .split("<<RESULTS>>\n")
        .nth(1)
        .and_then(|s| s.split("\n<<END>>").next())
        .expect("the child printed its results");
    assert_eq!(got, expected);
    assert!(expected.contains("then 5 2"), "the promise job ran: {expected}");
    assert!(expected.contains("function fib(n) { return n < 2"), "{expected}");
    assert!(expected.contains("function twice(x) { /* 𝄞 */ return x * 2; }"), "{expected}");
    println!("bytecode: {} bytes for {} bytes of source", bytecode.len(), SCRIPT.len());
}

#[test]
#[ignore = "child process of bytecode_runs_in_another_process_like_the_source"]
fn child_runs_bytecode() {
    let path = std::env::var(BYTECODE_ENV).expect("run by the parent test");
    let bytecode = std::fs::read(path).unwrap();
    let mut rt = fresh();
    let first = rt.run_serialized("app.js", SCRIPT, &bytecode).unwrap();
    let r = results(&mut rt, first);
    println!("<<RESULTS>>\n{r}\n<<END>>");
}

/// Runs the child `name`, which must refuse every bad input and not die.
fn refused_in_child(name: &str) {
    let _g = engine_lock();
    let out = run_child(name, &[]);
    assert_child_ok(name, &out);
}

/// Asserts `bytes` are refused before ChakraCore sees them, with a message containing
/// `needle`, and that the runtime still works.
fn assert_refused(rt: &mut Runtime, what: &str, source: &str, bytes: &[u8], needle: &str) {
    match rt.run_serialized("bad.js", source, bytes) {
        Err(e @ ChakraError::Bytecode { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(needle), "{what}: expected {needle:?} in {msg}");
            assert!(msg.contains("make them again with serialize_script"), "{what}: {msg}");
            println!("{what}: refused: {msg}");
        }
        other => panic!("{what}: expected a bytecode error, got {other:?}"),
    }
    assert_eq!(rt.eval("1 + 1").unwrap(), HostValue::Number(2.0), "{what}: runtime still usable");
}

fn made(source: &str) -> (Runtime, Vec<u8>) {
    let mut rt = fresh();
    let bc = rt.serialize_script("good.js", source).unwrap();
    (rt, bc)
}

/// A xorshift generator: the same "random" bytes in every run.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn truncated_bytecode_is_refused() {
    refused_in_child("child_truncated");
}

#[test]
#[ignore = "child process of truncated_bytecode_is_refused"]
fn child_truncated() {
    let (mut rt, bc) = made(SCRIPT);
    for len in [0, 4, 8, 40, 75, 76, 84, 200, bc.len() / 2, bc.len() - 9, bc.len() - 8, bc.len() - 1] {
        let needle = if len < 8 { "expected the magic" } else { "truncated" };
        assert_refused(&mut rt, &format!("truncated to {len} of {}", bc.len()), SCRIPT, &bc[..len], needle);
    }
}

#[test]
fn flipped_bytes_are_refused() {
    refused_in_child("child_flipped");
}

#[test]
#[ignore = "child process of flipped_bytes_are_refused"]
fn child_flipped() {
    let (mut rt, bc) = made(SCRIPT);
    let positions = [0, 9, 12, 50, 62, 70, 76, 80, 100, 200, bc.len() / 2, bc.len() - 20, bc.len() - 9, bc.len() - 1];
    for pos in positions {
        let mut b = bc.clone();
        b[pos] ^= 0x5a;
        let needle = match pos {
            0..=7 => "expected the magic",
            8..=11 => "envelope version",
            68..=75 => "declared",
            _ => "damaged",
        };
        assert_refused(&mut rt, &format!("byte {pos} flipped"), SCRIPT, &b, needle);
    }
    // Every single-bit flip of a small script's bytecode.
    let small = "var a = [1, 2, 3].map(function (x) { return x * x; }); a.join()";
    let bc = rt.serialize_script("small.js", small).unwrap();
    for bit in 0..bc.len() * 8 {
        let mut b = bc.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        assert!(
            matches!(rt.run_serialized("small.js", small, &b), Err(ChakraError::Bytecode { .. })),
            "bit {bit} of {}",
            bc.len() * 8
        );
    }
    assert_eq!(rt.run_serialized("small.js", small, &bc).unwrap(), HostValue::String("1,4,9".into()));
}

#[test]
fn bytecode_of_another_source_is_refused() {
    refused_in_child("child_other_source");
}

#[test]
#[ignore = "child process of bytecode_of_another_source_is_refused"]
fn child_other_source() {
    let (mut rt, bc) = made("var x = 'a'; x");
    assert_refused(&mut rt, "other source", "var x = 'b'; x", &bc, "pass the exact source");
    assert_refused(&mut rt, "other source, one more byte", "var x = 'a'; x ", &bc, "pass the exact source");
    assert_refused(&mut rt, "other source, much longer", SCRIPT, &bc, "pass the exact source");
    // The same source still runs.
    assert_eq!(rt.run_serialized("a.js", "var x = 'a'; x", &bc).unwrap(), HostValue::String("a".into()));
}

#[test]
fn random_bytes_are_refused() {
    refused_in_child("child_random");
}

#[test]
#[ignore = "child process of random_bytes_are_refused"]
fn child_random() {
    let (mut rt, bc) = made(SCRIPT);
    for (seed, len) in [(1, 0), (2, 1), (3, 83), (4, 84), (5, 4096), (6, bc.len())] {
        assert_refused(&mut rt, &format!("{len} random bytes"), SCRIPT, &noise(seed, len), "expected the magic");
    }
    // Random bytes behind a valid magic, and random bytecode inside a well-formed envelope.
    for (seed, len) in [(7, 84), (8, 500), (9, bc.len())] {
        let mut b = noise(seed, len);
        b[..8].copy_from_slice(backend_chakra::bytecode::ENVELOPE_MAGIC);
        assert_refused(
            &mut rt,
            &format!("magic + {len} random bytes"),
            SCRIPT,
            &b,
            "expected envelope version 1, found",
        );
    }
    // A well-formed envelope (checksum recomputed) around bytecode whose ChakraCore header is
    // random or names another engine version: ChakraCore's own header check refuses it, and
    // that is reported the same way.
    let mut forged = bc.clone();
    let end = forged.len() - 8;
    forged[84..end].copy_from_slice(&noise(10, end - 84));
    reseal(&mut forged);
    assert_refused(
        &mut rt,
        "random bytecode after ChBc + length, valid checksum",
        SCRIPT,
        &forged,
        "JsErrorBadSerializedScript",
    );
    let mut foreign = bc.clone();
    foreign[76 + 9] ^= 0xff; // ChakraCore's bytecode version (DWORD 1)
    reseal(&mut foreign);
    assert_refused(&mut rt, "another ChakraCore bytecode version", SCRIPT, &foreign, "JsErrorBadSerializedScript");
}

/// Recomputes the envelope's trailing checksum (xxh3-64 of everything before it).
fn reseal(b: &mut [u8]) {
    let end = b.len() - 8;
    let sum = xxhash_rust::xxh3::xxh3_64(&b[..end]);
    b[end..].copy_from_slice(&sum.to_le_bytes());
}

#[test]
fn bytecode_of_another_library_is_refused() {
    refused_in_child("child_other_library");
}

#[test]
#[ignore = "child process of bytecode_of_another_library_is_refused"]
fn child_other_library() {
    let (mut rt, bc) = made(SCRIPT);
    let mut other = bc.clone();
    other[12] ^= 1; // first byte of the library's SHA-256
    reseal(&mut other);
    assert_refused(&mut rt, "another library build", SCRIPT, &other, "only runs on the build that made it");
}

#[test]
fn errors_from_bytecode_keep_their_message() {
    let _g = engine_lock();
    let source = "function fail(m) { throw new TypeError('boom: ' + m); }\nvar ready = true;\nfail('top level')";
    let mut rt = fresh();
    let bc = rt.serialize_script("fail.js", source).unwrap();
    let mut rt = fresh();
    let e = rt.run_serialized("fail.js", source, &bc).unwrap_err();
    assert_eq!(e.script_message(), Some("TypeError: boom: top level"), "{e}");
    // Functions defined by the script stay usable and throw with their message too.
    assert_eq!(rt.eval("ready").unwrap(), HostValue::Bool(true));
    let e = rt.call_global("fail", &[HostValue::String("later".into())]).unwrap_err();
    assert_eq!(e.script_message(), Some("TypeError: boom: later"), "{e}");
    // A rejected promise job's error surfaces through the drain, as with run_script.
    let source = "Promise.resolve().then(function () { throw new RangeError('in a job'); }); 1";
    let bc = rt.serialize_script("job.js", source).unwrap();
    let e = rt.run_serialized("job.js", source, &bc);
    let cold = fresh().run_script("job.js", source);
    assert_eq!(format!("{e:?}"), format!("{cold:?}"));
}

#[test]
fn syntax_errors_are_reported_when_serializing() {
    let _g = engine_lock();
    let mut rt = fresh();
    match rt.serialize_script("bad.js", "function (") {
        Err(ChakraError::Script { compile: true, message, .. }) => {
            assert!(message.contains("SyntaxError"), "{message}")
        }
        other => panic!("expected a compile error, got {other:?}"),
    }
    assert_eq!(rt.eval("2 + 2").unwrap(), HostValue::Number(4.0));
}

#[test]
fn inflated_runtimes_refuse_bytecode() {
    let _g = engine_lock();
    let lib = lib();
    let mut rec = Recorder::new(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    rec.run_script("setup.js", "var x = 1;").unwrap();
    let payload = rec.capture().unwrap();
    drop(rec);
    let bc = fresh().serialize_script("a.js", "1").unwrap();
    let mut rt = Runtime::inflate(&lib, &payload, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    for e in [rt.serialize_script("a.js", "1").unwrap_err(), rt.run_serialized("a.js", "1", &bc).unwrap_err()] {
        let msg = e.to_string();
        assert!(msg.contains("expected a fresh runtime") && msg.contains("run_script"), "{msg}");
    }
    assert_eq!(rt.eval("x").unwrap(), HostValue::Number(1.0));
}

#[test]
fn many_scripts_and_runtimes_share_nothing() {
    let _g = engine_lock();
    let a = "var shared = (typeof shared === 'number' ? shared : 0) + 1; shared";
    let bc = fresh().serialize_script("a.js", a).unwrap();
    let mut rt = fresh();
    for i in 1..=5 {
        assert_eq!(rt.run_serialized("a.js", a, &bc).unwrap(), HostValue::Number(i as f64));
    }
    let mut other = fresh();
    assert_eq!(other.run_serialized("a.js", a, &bc).unwrap(), HostValue::Number(1.0));
    // An empty script.
    let empty = fresh().serialize_script("empty.js", "").unwrap();
    assert_eq!(other.run_serialized("empty.js", "", &empty).unwrap(), HostValue::Undefined);
}
