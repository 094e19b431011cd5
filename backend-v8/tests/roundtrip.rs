//! (a) A snapshot made in this process is restored in a separate child process, and the
//! restored heap keeps identity, closures, classes, collections, symbols, dates, regexps,
//! aliased typed arrays and working natives (direct, aliased, captured in a closure).

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use backend_v8::{CodeHandling, NativeSpec, Runtime, SnapshotBuilder, V8Error};
use snapshot_core::{HostError, HostValue};

const BLOB_ENV: &str = "POLYSNAP_V8_TEST_BLOB";

/// The natives; `counter` is the host state of `test.counter.inc`.
fn natives(counter: Arc<AtomicU64>) -> Vec<NativeSpec> {
    vec![
        NativeSpec::new("test.counter.inc", move |_call| {
            Ok(HostValue::Number((counter.fetch_add(1, Ordering::SeqCst) + 1) as f64))
        }),
        NativeSpec::new("test.echo", |call| {
            Ok(HostValue::Object(vec![
                ("this".into(), call.this.clone()),
                ("args".into(), HostValue::Array(call.args.clone())),
            ]))
        }),
        NativeSpec::new("test.fail", |call| {
            Err(HostError::new(format!("refused {}", call.arg(0).as_str().unwrap_or("?"))))
        }),
    ]
}

const SETUP: &str = r#"
const graph = { name: 'root', children: [] };
graph.children.push({ name: 'child', parent: graph });
graph.self = graph;
globalThis.graph = graph;
let lexicalCount = 7;
function makeCounter() { let n = 10; return () => ++n; }
globalThis.tick = makeCounter();
tick(); // the closure's n is now 11
class Point { constructor(x, y) { this.x = x; this.y = y; } norm() { return Math.hypot(this.x, this.y); } }
globalThis.Point = Point;
globalThis.p = new Point(3, 4);
globalThis.m = new Map([['a', 1], [graph, 'g']]);
globalThis.s = new Set([1, 'two', graph]);
globalThis.sym = Symbol('tag');
globalThis.symHolder = { [sym]: 'via symbol' };
globalThis.d = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));
globalThis.re = /o/g;
re.exec('foo'); // lastIndex 2
globalThis.buf = new ArrayBuffer(8);
globalThis.u8 = new Uint8Array(buf);
globalThis.u32 = new Uint32Array(buf, 4, 1);
u8[0] = 42;
const natives = __polysnap_natives;
globalThis.incAlias = natives['test.counter.inc'];
globalThis.incClosure = (() => { const f = natives['test.counter.inc']; return () => f(); })();
globalThis.setupCalls = incAlias(); // natives work while building too
'setup done'
"#;

fn blob_path() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("roundtrip-{}.psv8", std::process::id()))
}

#[test]
fn snapshot_restores_in_child_process() {
    let counter = Arc::new(AtomicU64::new(0));
    let mut builder = SnapshotBuilder::new(natives(counter.clone())).unwrap();
    assert_eq!(builder.run_script("setup.js", SETUP).unwrap(), HostValue::from("setup done"));
    assert_eq!(counter.load(Ordering::SeqCst), 1, "the native ran once during setup");
    let blob = builder.build(CodeHandling::Clear).unwrap();
    let path = blob_path();
    std::fs::write(&path, &blob).unwrap();
    let out = common::run_child("child_restore", "restore", &[(BLOB_ENV, path.to_str().unwrap())]);
    let _ = std::fs::remove_file(&path);
    eprintln!("child said: {}", out.lines().filter(|l| l.contains("CHILD-OK")).collect::<Vec<_>>().join(" | "));
}

fn check(rt: &mut Runtime, what: &str, expr: &str) {
    let v = rt.eval(expr).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(v, HostValue::Bool(true), "{what}: `{expr}` was {v:?}");
}

#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_restore() {
    common::require_child("restore");
    let path = std::env::var(BLOB_ENV).unwrap();
    let blob = std::fs::read(path).unwrap();
    // Different host state in this process: the restored functions must reach it.
    let counter = Arc::new(AtomicU64::new(1000));
    // Pass the natives in a different order than at creation: the blob's record wins.
    let mut ns = natives(counter.clone());
    ns.reverse();
    let mut rt = Runtime::from_blob(blob, ns).unwrap();

    check(&mut rt, "cycle", "graph.self === graph && graph.children[0].parent === graph");
    check(&mut rt, "lexical binding", "lexicalCount === 7");
    check(&mut rt, "closure state", "tick() === 12 && tick() === 13");
    check(
        &mut rt,
        "class instance",
        "p instanceof Point && p.norm() === 5 && Object.getPrototypeOf(p) === Point.prototype",
    );
    check(&mut rt, "Map", "m instanceof Map && m.size === 2 && m.get('a') === 1 && m.get(graph) === 'g'");
    check(&mut rt, "Set", "s instanceof Set && s.size === 3 && s.has(graph) && s.has('two')");
    check(&mut rt, "Symbol", "typeof sym === 'symbol' && sym.description === 'tag' && symHolder[sym] === 'via symbol'");
    check(&mut rt, "Date", "d instanceof Date && d.toISOString() === '2020-01-02T03:04:05.000Z'");
    check(&mut rt, "RegExp lastIndex", "re.lastIndex === 2 && re.exec('foo').index === 2 && re.lastIndex === 3");
    check(&mut rt, "typed arrays aliased", "u8.buffer === buf && u32.buffer === buf && u8[0] === 42");
    check(
        &mut rt,
        "writes through one view show in the other",
        "(u32[0] = 0xdeadbeef, u8[4] === 0xef && u8[7] === 0xde)",
    );
    check(&mut rt, "natives hidden from enumeration", "!Object.keys(globalThis).includes('__polysnap_natives')");
    check(&mut rt, "setup result survived", "setupCalls === 1");

    assert_eq!(rt.eval("__polysnap_natives['test.counter.inc']()").unwrap(), HostValue::Number(1001.0));
    assert_eq!(rt.eval("incAlias()").unwrap(), HostValue::Number(1002.0));
    assert_eq!(rt.eval("incClosure()").unwrap(), HostValue::Number(1003.0));
    assert_eq!(counter.load(Ordering::SeqCst), 1003, "the host counter of this process was used");
    check(
        &mut rt,
        "native identity",
        "incAlias === __polysnap_natives['test.counter.inc'] && incAlias.name === 'test.counter.inc'",
    );

    // Conversion both ways through a native.
    let echoed = rt
        .eval("__polysnap_natives['test.echo'].call({k: 1}, 1.5, 'x', null, undefined, [true], new Uint8Array([1,2]), {a: {b: 'c'}})")
        .unwrap();
    assert_eq!(
        echoed,
        HostValue::Object(vec![
            ("this".into(), HostValue::Object(vec![("k".into(), HostValue::Number(1.0))])),
            (
                "args".into(),
                HostValue::Array(vec![
                    HostValue::Number(1.5),
                    HostValue::from("x"),
                    HostValue::Null,
                    HostValue::Undefined,
                    HostValue::Array(vec![HostValue::Bool(true)]),
                    HostValue::Bytes(vec![1, 2]),
                    HostValue::Object(vec![("a".into(), HostValue::Object(vec![("b".into(), HostValue::from("c"))]))]),
                ])
            ),
        ])
    );
    // Host errors become catchable JS errors; uncaught ones become V8Error::Js.
    check(&mut rt, "host error catchable", "try { __polysnap_natives['test.fail']('x'); false } catch (e) { e instanceof Error && e.message === 'refused x' }");
    match rt.eval("__polysnap_natives['test.fail']('y')") {
        Err(V8Error::Js { message, .. }) => assert_eq!(message, "Error: refused y"),
        other => panic!("expected a JS error, got {other:?}"),
    }
    // Cyclic values convert without looping: where an object is met again, a handle to it.
    let graph = rt.eval("({ name: graph.name, self: graph.self.self === graph ? graph : 0 }).self.self").unwrap();
    let HostValue::Object(fields) = &graph else { panic!("expected an object, got {graph:?}") };
    assert_eq!(fields[0], ("name".into(), HostValue::from("root")));
    match (&fields[1], &fields[2]) {
        ((children, HostValue::Array(items)), (self_key, HostValue::Handle(_)))
            if children == "children" && self_key == "self" =>
        {
            assert!(
                matches!(&items[..], [HostValue::Object(child)] if child[0] == ("name".into(), HostValue::from("child")) && matches!(child[1].1, HostValue::Handle(_))),
                "{items:?}"
            );
        }
        other => panic!("unexpected fields {other:?}"),
    }
    println!("CHILD-OK restore");
}
