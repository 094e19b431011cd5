//! Create a snapshot in this process, restore it in a separate child process.

mod common;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use backend_chakra::{ChakraError, Recorder, Runtime, RuntimeKind, TtdPayload};
use common::*;
use snapshot_core::HostValue;

const PAYLOAD_ENV: &str = "POLYSNAP_CHAKRA_TEST_PAYLOAD";

const SETUP: &str = r#"
var graph = { name: 'root', children: [] };
graph.self = graph;
graph.children.push({ parent: graph, v: 1 });

var makeCounter = function () { var n = 0; return function () { n += 1; return n; }; };
var tick = makeCounter(); tick(); tick();

class Point {
  constructor(x, y) { this.x = x; this.y = y; }
  norm2() { return this.x * this.x + this.y * this.y; }
}
var pt = new Point(3, 4);

var map = new Map([['a', 1], [graph, 'g']]);
var set = new Set([1, 'two', graph]);

var sym = Symbol('tag');
var symHolder = {}; symHolder[sym] = 'symval';
var globalSym = Symbol.for('polysnap.global');

var date = new Date(Date.UTC(2020, 1, 29, 12, 34, 56, 789));

var re = /a(b)?/g;
re.test('xab a');

var u8 = new Uint8Array([1, 2, 3, 250]);
var u8view = new Uint8Array(u8.buffer, 1, 2);
var f64 = new Float64Array([1.5, -2.25]);

var resolveLater;
var pending = new Promise(function (r) { resolveLater = r; });
var settled = 'no';
pending.then(function (v) { settled = 'yes:' + v; });
var asyncResult = 'none';
(async function () { asyncResult = (await pending) + 1; })();

var next = __polysnap_natives['counter.next'];
var alias = next;
var viaClosure = (function (f) { return function () { return f() * 10; }; })(next);
var holder = { deep: { fn: __polysnap_natives['host.echo'] } };
var firstCall = next();
'setup done';
"#;

/// (expression, expected JSON of its value) checked in the restored child before any
/// native is called or the promise resolved.
const CHECKS: &[(&str, &str)] = &[
    ("graph.self === graph && graph.children[0].parent === graph && graph.name", "\"root\""),
    ("tick()", "3"),
    ("pt instanceof Point && Object.getPrototypeOf(pt) === Point.prototype && pt.norm2()", "25"),
    ("[map.size, map.get('a'), map.get(graph)]", "[2,1,\"g\"]"),
    ("[set.size, set.has(graph), set.has('two'), set.has(1)]", "[3,true,true,true]"),
    (
        "[typeof sym, String(sym), symHolder[sym], Symbol.for('polysnap.global') === globalSym]",
        "[\"symbol\",\"Symbol(tag)\",\"symval\",true]",
    ),
    ("date.toISOString()", "\"2020-02-29T12:34:56.789Z\""),
    ("[re.lastIndex, re.source, re.global]", "[3,\"a(b)?\",true]"),
    ("[re.test('xab ab'), re.lastIndex]", "[true,6]"),
    ("[Array.from(u8), Array.from(u8view), Array.from(f64)]", "[[1,2,3,250],[2,3],[1.5,-2.25]]"),
    ("u8view[0] = 99; u8[1]", "99"),
    ("[settled, asyncResult]", "[\"no\",\"none\"]"),
    ("firstCall", "0"),
    (
        "[typeof emitTTDLog, typeof telemetryLog, Object.keys(this).indexOf('__polysnap_natives')]",
        "[\"undefined\",\"undefined\",-1]",
    ),
    ("[next.name, next === __polysnap_natives['counter.next']]", "[\"next\",true]"),
];

fn json(rt: &mut Runtime, expr: &str) -> String {
    match rt.eval(&format!("JSON.stringify((function () {{ return {expr}; }}).call(this))")) {
        Ok(HostValue::String(s)) => s,
        other => panic!("{expr}: {other:?}"),
    }
}

#[test]
fn snapshot_restores_in_child_process() {
    let _guard = engine_lock();
    let lib = lib();
    let counter = Arc::new(AtomicU64::new(0));
    let t = Instant::now();
    let mut rec = Recorder::new(&lib, natives(counter.clone())).unwrap();
    assert_eq!(rec.run_script("setup.js", SETUP).unwrap(), HostValue::from("setup done"));
    let payload = rec.capture().unwrap();
    let capture_time = t.elapsed();
    drop(rec);
    let encoded = payload.encode();
    println!(
        "capture {:?}; files {:?}; raw {} B, encoded {} B",
        capture_time,
        payload.files.iter().map(|(n, d)| (n.as_str(), d.as_slice().len())).collect::<Vec<_>>(),
        payload.raw_len(),
        encoded.len()
    );
    let path = temp_path("roundtrip");
    std::fs::write(&path, &encoded).unwrap();
    let out = run_child("child_restore", &[(PAYLOAD_ENV, path.to_str().unwrap())]);
    let _ = std::fs::remove_file(&path);
    assert_child_ok("restore", &out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("CHILD-RESTORE-OK"), "child did not run the checks");
}

/// Runs only as the child of `snapshot_restores_in_child_process`.
#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_restore() {
    let Ok(path) = std::env::var(PAYLOAD_ENV) else {
        panic!("runs only as the child of its parent test, which sets its environment")
    };
    let _guard = engine_lock();
    let lib = lib();
    let bytes = std::fs::read(&path).unwrap();
    let t = Instant::now();
    let payload = TtdPayload::decode(&bytes).unwrap();
    let decode_time = t.elapsed();
    // The child's host state: the counter continues from 100.
    let counter = Arc::new(AtomicU64::new(100));
    let t = Instant::now();
    let mut rt = Runtime::inflate(&lib, &payload, natives(counter)).unwrap();
    println!("decode {decode_time:?}, inflate {:?}", t.elapsed());
    assert_eq!(rt.kind(), RuntimeKind::Inflated);
    assert!(rt.missing_natives().is_empty());

    for (expr, expected) in CHECKS {
        assert_eq!(json(&mut rt, expr), *expected, "{expr}");
    }

    // Natives: directly, through an alias, through a captured closure, deep in an object.
    assert_eq!(rt.eval("__polysnap_natives['counter.next']()").unwrap(), HostValue::Number(100.0));
    assert_eq!(rt.eval("alias()").unwrap(), HostValue::Number(101.0));
    assert_eq!(rt.eval("viaClosure()").unwrap(), HostValue::Number(1020.0));
    assert_eq!(
        rt.eval("holder.deep.fn.call('me', 1, 'x', [true])").unwrap(),
        HostValue::Object(vec![
            ("this".into(), HostValue::from("me")),
            (
                "args".into(),
                HostValue::Array(vec![
                    HostValue::Number(1.0),
                    HostValue::from("x"),
                    HostValue::Array(vec![HostValue::Bool(true)])
                ])
            ),
        ])
    );
    assert_eq!(
        json(
            &mut rt,
            "(function () { try { __polysnap_natives['host.fail']('nope'); } catch (e) { return e.message; } })()"
        ),
        "\"nope\""
    );

    // The pending promise resolves after restore; jobs are drained by run_script.
    rt.run_script("resolve.js", "resolveLater(7)").unwrap();
    assert_eq!(json(&mut rt, "[settled, asyncResult]"), "[\"yes:7\",8]");
    assert_eq!(rt.pending_jobs(), 0);

    // A JS exception surfaces as a ChakraError with its message.
    let err = rt.run_script("throw.js", "graph.missing.field").unwrap_err();
    assert!(matches!(err, ChakraError::Script { .. }), "{err:?}");
    assert!(err.to_string().contains("TypeError"), "{err}");
    let err = rt.run_script("throw2.js", "throw new RangeError('restored boom')").unwrap_err();
    assert_eq!(err.script_message(), Some("RangeError: restored boom"));

    // New code keeps working, and the heap survives a full GC.
    rt.collect_garbage().unwrap();
    assert_eq!(json(&mut rt, "[tick(), graph.self.children.length, map.get(graph)]"), "[4,1,\"g\"]");
    println!("CHILD-RESTORE-OK");
}
