//! (c) JavaScript exceptions surface as `V8Error::Js` with message and stack; host errors
//! and panics in natives become JavaScript errors; bad blobs and bad native lists are
//! errors, never aborts.

mod common;

use backend_v8::{CodeHandling, NativeSpec, Runtime, SnapshotBuilder, V8Error};
use snapshot_core::{HostValue, StableId};

const THROWER: &str = "function inner() { throw new Error('boom'); }\nfunction outer() { inner(); }\nouter();\n";

fn assert_boom(err: V8Error) {
    let text = err.to_string();
    match err {
        V8Error::Js { file, message, stack, location } => {
            assert_eq!(file, "thrower.js");
            assert_eq!(message, "Error: boom");
            let stack = stack.expect("an Error has a stack");
            assert!(stack.contains("at inner (thrower.js:1:"), "stack: {stack}");
            assert!(stack.contains("at outer (thrower.js:2:"), "stack: {stack}");
            assert_eq!(location, "thrower.js:1:20");
            assert!(text.contains("Error: boom") && text.contains("at inner"), "display: {text}");
        }
        other => panic!("expected V8Error::Js, got {other:?}"),
    }
}

#[test]
fn js_exception_in_builder_and_runtime() {
    let mut b = SnapshotBuilder::new(vec![]).unwrap();
    assert_boom(b.run_script("thrower.js", THROWER).unwrap_err());
    // The builder stays usable after an exception, and so does its blob.
    assert_eq!(b.run_script("ok.js", "globalThis.x = 1; x + 1").unwrap(), HostValue::Number(2.0));
    let blob = b.build(CodeHandling::Clear).unwrap();
    let mut rt = Runtime::from_blob(blob, vec![]).unwrap();
    assert_boom(rt.run_script("thrower.js", THROWER).unwrap_err());
    assert_eq!(rt.eval("x").unwrap(), HostValue::Number(1.0));
}

#[test]
fn syntax_error_and_non_error_throws() {
    let mut rt = Runtime::fresh(vec![]).unwrap();
    match rt.run_script("bad.js", "let = ;").unwrap_err() {
        V8Error::Js { message, location, .. } => {
            assert!(message.starts_with("SyntaxError"), "{message}");
            assert!(location.starts_with("bad.js:1:"), "{location}");
        }
        other => panic!("{other:?}"),
    }
    match rt.eval("throw 42").unwrap_err() {
        V8Error::Js { message, stack, .. } => {
            assert_eq!(message, "42");
            assert_eq!(stack, None);
        }
        other => panic!("{other:?}"),
    }
    // Throwing from a toString while converting the completion value is caught too.
    assert!(matches!(rt.eval("({ get x() { throw new Error('getter') } })").unwrap_err(), V8Error::Js { .. }));
}

#[test]
fn host_errors_and_panics_become_js_errors() {
    let natives = vec![
        NativeSpec::new("e.fail", |_| Err(snapshot_core::HostError::new("nope"))),
        NativeSpec::new("e.panic", |_| panic!("host bug")),
        NativeSpec::new("e.handle", |_| Ok(HostValue::Handle(snapshot_core::OpaqueHandle(1)))),
    ];
    let mut rt = Runtime::fresh(natives).unwrap();
    assert_eq!(
        rt.eval("try { __polysnap_natives['e.fail'](); } catch (e) { e.message }").unwrap(),
        HostValue::from("nope")
    );
    assert_eq!(
        rt.eval("try { __polysnap_natives['e.panic'](); } catch (e) { e.message }").unwrap(),
        HostValue::from("native panicked: host bug")
    );
    assert_eq!(
        rt.eval("try { __polysnap_natives['e.handle'](); } catch (e) { e instanceof TypeError }").unwrap(),
        HostValue::Bool(true)
    );
    assert_eq!(
        rt.eval("try { new (__polysnap_natives['e.fail'])(); } catch (e) { e instanceof TypeError }").unwrap(),
        HostValue::Bool(true),
        "natives are not constructors"
    );
}

fn small_blob() -> Vec<u8> {
    let mut b = SnapshotBuilder::new(vec![
        NativeSpec::new("n.a", |_| Ok(HostValue::from("a"))),
        NativeSpec::new("n.b", |_| Ok(HostValue::from("b"))),
    ])
    .unwrap();
    b.run_script("s.js", "globalThis.callA = () => __polysnap_natives['n.a']();").unwrap();
    b.build(CodeHandling::Clear).unwrap()
}

fn ab() -> Vec<NativeSpec> {
    vec![NativeSpec::new("n.a", |_| Ok(HostValue::from("A"))), NativeSpec::new("n.b", |_| Ok(HostValue::from("B")))]
}

#[test]
fn bad_blobs_are_errors() {
    let blob = small_blob();
    let header = backend_v8::inspect_blob(&blob).unwrap();
    assert_eq!(header.natives, vec![StableId::new("n.a"), StableId::new("n.b")]);
    assert_eq!(header.identity, backend_v8::build_identity().unwrap());

    assert!(matches!(Runtime::from_blob(Vec::new(), ab()), Err(V8Error::BadBlob { .. })));
    assert!(matches!(
        Runtime::from_blob(b"not a snapshot at all, definitely".to_vec(), ab()),
        Err(V8Error::BadBlob { .. })
    ));
    assert!(matches!(Runtime::from_blob(blob[..blob.len() - 1].to_vec(), ab()), Err(V8Error::BadBlob { .. })));
    let mut flipped = blob.clone();
    let last = flipped.len() - 100;
    flipped[last] ^= 0x40;
    let err = Runtime::from_blob(flipped, ab()).unwrap_err();
    assert!(err.to_string().contains("checksum"), "{err}");
    // A different build identity (patched in place, same length).
    let mut foreign = blob.clone();
    let at = foreign.windows(3).position(|w| w == b"v8 ").unwrap() + 3;
    foreign[at] = b'9';
    assert!(matches!(Runtime::from_blob(foreign, ab()), Err(V8Error::BuildMismatch { .. })));

    // Missing, duplicate and inconsistent natives.
    let err = Runtime::from_blob(blob.clone(), vec![NativeSpec::new("n.b", |_| Ok(HostValue::Null))]).unwrap_err();
    assert!(matches!(err, V8Error::MissingNative { position: 0, .. }), "{err}");
    assert!(err.to_string().contains("`n.a`"), "{err}");
    let mut dup = ab();
    dup.push(NativeSpec::new("n.a", |_| Ok(HostValue::Null)));
    assert!(matches!(Runtime::from_blob(blob.clone(), dup), Err(V8Error::DuplicateNative { .. })));
    let mut wrong = ab();
    wrong[0].id = StableId::new("n.other");
    assert!(matches!(SnapshotBuilder::new(wrong), Err(V8Error::NativeIdMismatch { .. })));

    // The good blob still restores; extra natives are installed after restore; any order.
    let mut natives = ab();
    natives.reverse();
    natives.push(NativeSpec::new("n.extra", |_| Ok(HostValue::from("extra"))));
    let mut rt = Runtime::from_blob(blob, natives).unwrap();
    assert_eq!(rt.native_ids(), vec![StableId::new("n.a"), StableId::new("n.b"), StableId::new("n.extra")]);
    assert_eq!(rt.eval("callA()").unwrap(), HostValue::from("A"));
    assert_eq!(rt.eval("__polysnap_natives['n.b']()").unwrap(), HostValue::from("B"));
    assert_eq!(rt.eval("__polysnap_natives['n.extra']()").unwrap(), HostValue::from("extra"));
}

#[test]
fn interleaved_isolates_on_one_thread() {
    let mut a = Runtime::fresh(vec![NativeSpec::new("i.a", |_| Ok(HostValue::from("a")))]).unwrap();
    let mut builder = SnapshotBuilder::new(vec![]).unwrap();
    let mut b = Runtime::fresh(vec![]).unwrap();
    a.eval("globalThis.who = 'a'").unwrap();
    builder.run_script("x.js", "globalThis.who = 'builder'").unwrap();
    b.eval("globalThis.who = 'b'").unwrap();
    assert_eq!(a.eval("who + __polysnap_natives['i.a']()").unwrap(), HostValue::from("aa"));
    let blob = builder.build(CodeHandling::Keep).unwrap();
    assert_eq!(b.eval("who").unwrap(), HostValue::from("b"));
    drop(a);
    let mut c = Runtime::from_blob(std::sync::Arc::new(blob), vec![]).unwrap();
    assert_eq!(c.eval("who").unwrap(), HostValue::from("builder"));
    assert_eq!(b.eval("who").unwrap(), HostValue::from("b"));
}

#[test]
fn conversions() {
    let mut rt = Runtime::fresh(vec![]).unwrap();
    assert_eq!(rt.eval("undefined").unwrap(), HostValue::Undefined);
    // -0 keeps its sign (HostValue's == would take 0.0 for it, so compare the bits).
    match rt.eval("-0").unwrap() {
        HostValue::Number(n) => assert_eq!(n.to_bits(), (-0.0f64).to_bits(), "got {n}"),
        other => panic!("expected a number, got {other:?}"),
    }
    assert_eq!(
        rt.eval("[1, 'two', null, false, -0]").unwrap(),
        HostValue::Array(vec![
            HostValue::Number(1.0),
            HostValue::from("two"),
            HostValue::Null,
            HostValue::Bool(false),
            HostValue::Number(-0.0)
        ])
    );
    assert_eq!(rt.eval("new Uint16Array([258]).subarray(0)").unwrap(), HostValue::Bytes(vec![2, 1]));
    assert_eq!(rt.eval("new DataView(new Uint8Array([1,2,3,4]).buffer, 1, 2)").unwrap(), HostValue::Bytes(vec![2, 3]));
    assert_eq!(rt.eval("new Uint8Array([9, 8]).buffer").unwrap(), HostValue::Bytes(vec![9, 8]));
    // Everything but primitives, bytes, arrays, errors and plain objects is an opaque handle
    // the runtime keeps for the host, as on ChakraCore; released on request.
    rt.release_handles();
    for source in [
        "(function named() {})",
        "Symbol('s')",
        "10n ** 20n",
        "/a+/gi",
        "new Map()",
        "new Proxy({}, { get() { throw 1 } })",
        "class P { constructor() { this.a = 1; } }; new P()",
        "new Date(0)",
    ] {
        assert!(matches!(rt.eval(source).unwrap(), HostValue::Handle(_)), "{source}");
    }
    assert_eq!(rt.handle_count(), 8);
    rt.release_handles();
    assert_eq!(rt.handle_count(), 0);
    match rt.eval("new RangeError('r')").unwrap() {
        HostValue::Object(fields) => {
            let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(names, ["name", "message", "stack"]);
            assert_eq!((&fields[0].1, &fields[1].1), (&HostValue::from("RangeError"), &HostValue::from("r")));
        }
        other => panic!("expected an error as an object, got {other:?}"),
    }
    assert_eq!(rt.eval("'\\ud800x'").unwrap(), HostValue::from("\u{fffd}x"));
    assert_eq!(
        rt.eval("Object.defineProperty({ a: 1, [Symbol()]: 2 }, 'hidden', { value: 3 })").unwrap(),
        HostValue::Object(vec![("a".into(), HostValue::Number(1.0))])
    );
    // A cycle is a handle where the object is met again.
    match rt.eval("var c = { name: 'c' }; c.self = c; c").unwrap() {
        HostValue::Object(fields) => {
            assert!(matches!(fields[1], (ref k, HostValue::Handle(_)) if k == "self"), "{fields:?}")
        }
        other => panic!("expected an object, got {other:?}"),
    }
    assert_eq!(rt.eval("let deep = {}; let cur = deep; for (let i = 0; i < 100; i++) { cur = cur.n = {}; } JSON.stringify(deep).length").unwrap(), HostValue::Number(602.0));
    // Microtasks are drained after each script.
    assert_eq!(
        rt.eval("globalThis.log = []; Promise.resolve().then(() => log.push('tick')); log.length").unwrap(),
        HostValue::Number(0.0)
    );
    assert_eq!(rt.eval("log").unwrap(), HostValue::Array(vec![HostValue::from("tick")]));
    let (version, identity) = (backend_v8::v8_version().unwrap(), backend_v8::build_identity().unwrap());
    assert!(version.starts_with("10.2.154"), "{version}");
    assert!(identity.contains("pointer-compression off"), "{identity}");
}

/// Objects cross the native boundary as handles that come back as the same objects: the
/// receiver, a function, a `Map`, a symbol; handles made for a call go when it returns; a
/// handle the host keeps works until released, then is an error, never a crash.
#[test]
fn handles_come_back_as_the_same_values() {
    let kept = std::sync::Arc::new(std::sync::Mutex::new(HostValue::Undefined));
    let given = kept.clone();
    let natives = vec![
        NativeSpec::new("host.echo", |call| Ok(HostValue::Array(vec![call.this.clone(), call.arg(0).clone()]))),
        NativeSpec::new("host.give", move |_| Ok(given.lock().unwrap().clone())),
    ];
    let mut rt = Runtime::fresh(natives).unwrap();
    let same = rt
        .eval(
            "var echo = __polysnap_natives['host.echo']; function f() {} var m = new Map(); var o = { echo: echo };\n\
             [o.echo(f)[0] === o, echo(f)[1] === f, echo(m)[1] === m, echo(Symbol.iterator)[1] === Symbol.iterator]",
        )
        .unwrap();
    assert_eq!(same, HostValue::Array(vec![HostValue::Bool(true); 4]));
    assert_eq!(rt.handle_count(), 0, "handles made for native calls are released when they return");

    let map = rt.eval("globalThis.theMap = new Map([[1, 2]]); theMap").unwrap();
    assert!(matches!(map, HostValue::Handle(_)), "{map:?}");
    *kept.lock().unwrap() = map;
    assert_eq!(rt.eval("__polysnap_natives['host.give']() === theMap").unwrap(), HostValue::Bool(true));
    rt.release_handles();
    let err = rt.eval("__polysnap_natives['host.give']()").unwrap_err().to_string();
    assert!(err.contains("names no value this runtime keeps"), "{err}");
}

#[test]
fn error_stack_trace_limit_survives_snapshots() {
    // V8 re-adds Error.stackTraceLimit on restore; a snapshot that kept it would restore a
    // corrupt Error function. Setup changes to it are dropped, V8's default comes back.
    let mut b = SnapshotBuilder::new(vec![]).unwrap();
    b.run_script("s.js", "Error.stackTraceLimit = 5; globalThis.kept = new Error('kept');").unwrap();
    let mut rt = Runtime::from_blob(b.build(CodeHandling::Clear).unwrap(), vec![]).unwrap();
    assert_eq!(rt.eval("Error.stackTraceLimit").unwrap(), HostValue::Number(10.0));
    // (Here the restored frame reads `s.js:1:1` rather than the `new Error` column; only the
    // file is asserted. Positions are right when the script does not touch stackTraceLimit.)
    let frame = rt.eval("kept.stack.split('\\n')[1].trim()").unwrap();
    assert!(frame.as_str().unwrap().starts_with("at s.js:1:"), "{frame:?}");
    // Warm builds too.
    let mut b = SnapshotBuilder::new(vec![]).unwrap();
    b.run_script("s.js", "Error.stackTraceLimit = 5; function f() { return 1 }").unwrap();
    let mut rt = Runtime::from_blob(b.build_warm("w.js", "Error.stackTraceLimit = 2; f()").unwrap(), vec![]).unwrap();
    assert_eq!(rt.eval("Error.stackTraceLimit").unwrap(), HostValue::Number(10.0));
    // A non-configurable redefinition cannot be undone: building refuses instead of
    // producing a corrupt snapshot, and dropping the failed builder is fine.
    let mut b = SnapshotBuilder::new(vec![]).unwrap();
    b.run_script("s.js", "Object.defineProperty(Error, 'stackTraceLimit', { value: 1, configurable: false })").unwrap();
    let err = b.build(CodeHandling::Clear).unwrap_err();
    assert!(err.to_string().contains("stackTraceLimit"), "{err}");
}

#[test]
fn unserializable_objects_are_refused_during_setup() {
    // V8 10.2 aborts in CreateBlob on reachable Intl objects and on FinalizationRegistry
    // cells; during setup they throw a TypeError instead, and the real ones are back after
    // restore.
    let mut b = SnapshotBuilder::new(vec![]).unwrap();
    for expr in [
        "new Intl.DateTimeFormat('en-US')",
        "Intl.Collator('en')",
        "new Intl.NumberFormat()",
        "new FinalizationRegistry(() => {}).register({}, 1)",
    ] {
        match b.run_script("intl.js", expr).unwrap_err() {
            V8Error::Js { message, .. } => {
                assert!(
                    message.starts_with("TypeError: ")
                        && message.contains("not available while building a V8 snapshot"),
                    "{expr}: {message}"
                )
            }
            other => panic!("{expr}: {other:?}"),
        }
    }
    b.run_script("ok.js", "globalThis.captured = Intl.DateTimeFormat; globalThis.fr = new FinalizationRegistry(() => {}); globalThis.cmp = 'a'.localeCompare('b');").unwrap();
    let blob = b.build(CodeHandling::Clear).unwrap();
    let mut rt = Runtime::from_blob(blob, vec![]).unwrap();
    assert_eq!(
        rt.eval("new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }).format(new Date(0))").unwrap(),
        HostValue::from("1/1/1970")
    );
    assert_eq!(rt.eval("fr.register({}, 1); typeof fr.register").unwrap(), HostValue::from("function"));
    assert_eq!(rt.eval("cmp").unwrap(), HostValue::Number(-1.0));
    // A stub captured during setup still throws its explanation after restore.
    assert!(
        matches!(rt.eval("new captured()"), Err(V8Error::Js { message, .. }) if message.contains("use it after restore"))
    );
    // Warm-ups are guarded the same way.
    let b = SnapshotBuilder::new(vec![]).unwrap();
    assert!(b.build_warm("w.js", "new Intl.Collator()").is_err());
}

#[test]
fn runaway_recursion_is_a_range_error() {
    let mut rt = Runtime::fresh(vec![]).unwrap();
    match rt.eval("function r(n) { return r(n + 1) + 1; } r(0)").unwrap_err() {
        V8Error::Js { message, .. } => assert_eq!(message, "RangeError: Maximum call stack size exceeded"),
        other => panic!("{other:?}"),
    }
    assert_eq!(rt.eval("'still alive'").unwrap(), HostValue::from("still alive"));
}

#[test]
fn runtimes_from_one_blob_run_on_several_threads_at_once() {
    let blob = std::sync::Arc::new(small_blob());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let blob = blob.clone();
            std::thread::spawn(move || {
                let mut rt = Runtime::from_blob(blob, ab()).unwrap();
                let mut last = HostValue::Undefined;
                for _ in 0..50 {
                    last = rt.eval(&format!("callA() + {i}")).unwrap();
                }
                last
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.join().unwrap(), HostValue::String(format!("A{i}")));
    }
}
