//! In-process tests of the safe layer: errors, conversions, natives, runtimes.

mod common;

use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use backend_chakra::{library_identity, ChakraError, Library, NativeSpec, Recorder, Runtime, RuntimeKind};
use common::*;
use snapshot_core::{HostValue, OpaqueHandle};

fn fresh() -> Runtime {
    Runtime::fresh(&lib(), natives(Arc::new(AtomicU64::new(0)))).unwrap()
}

#[test]
fn js_exceptions_surface_as_chakra_errors() {
    let _g = engine_lock();
    let mut rt = fresh();
    assert_eq!(rt.kind(), RuntimeKind::Fresh);

    let err = rt.run_script("boom.js", "function f() { throw new TypeError('boom ' + 42); }\nf();").unwrap_err();
    match &err {
        ChakraError::Script { call, compile, message, stack } => {
            assert_eq!(*call, "JsRun");
            assert!(!compile);
            assert_eq!(message, "TypeError: boom 42");
            let stack = stack.as_deref().expect("an Error has a stack");
            assert!(stack.contains("boom.js"), "{stack}");
        }
        other => panic!("expected a script error, got {other:?}"),
    }
    assert!(err.to_string().contains("JavaScript exception: TypeError: boom 42"), "{err}");

    let err = rt.run_script("syntax.js", "var = ;").unwrap_err();
    assert!(matches!(err, ChakraError::Script { compile: true, .. }), "{err:?}");
    assert!(err.script_message().unwrap().starts_with("SyntaxError"), "{err}");

    let err = rt.eval("throw 42").unwrap_err();
    assert_eq!(err.script_message(), Some("Uncaught 42"));
    let err = rt.eval("throw { message: 'plain object' }").unwrap_err();
    assert_eq!(err.script_message(), Some("plain object"));

    // A host error becomes a JS Error; uncaught, it comes back out with its message.
    assert_eq!(
        rt.eval("try { __polysnap_natives['host.fail']('bad input'); } catch (e) { e instanceof Error && e.message }")
            .unwrap(),
        HostValue::from("bad input")
    );
    let err = rt.eval("__polysnap_natives['host.fail']('uncaught host error')").unwrap_err();
    assert_eq!(err.script_message(), Some("Error: uncaught host error"));

    // The runtime is still usable after all of that.
    assert_eq!(rt.eval("1 + 1").unwrap(), HostValue::Number(2.0));
}

#[test]
fn values_convert_both_ways() {
    let _g = engine_lock();
    let mut rt = fresh();
    assert_eq!(rt.eval("undefined").unwrap(), HostValue::Undefined);
    assert_eq!(rt.eval("null").unwrap(), HostValue::Null);
    assert_eq!(rt.eval("'caf\\u00e9 \\ud83d\\ude00'").unwrap(), HostValue::from("café 😀"));
    assert_eq!(
        rt.eval("({ a: 1, b: [true, 'x'], c: { d: null } })").unwrap(),
        HostValue::Object(vec![
            ("a".into(), HostValue::Number(1.0)),
            ("b".into(), HostValue::Array(vec![HostValue::Bool(true), HostValue::from("x")])),
            ("c".into(), HostValue::Object(vec![("d".into(), HostValue::Null)])),
        ])
    );
    assert_eq!(rt.eval("new Uint8Array([1, 2, 3]).subarray(1)").unwrap(), HostValue::Bytes(vec![2, 3]));
    assert_eq!(rt.eval("new Uint16Array([258]).buffer").unwrap(), HostValue::Bytes(vec![2, 1]));
    // Non-plain objects and cycles become handles.
    assert!(matches!(rt.eval("(function () {})").unwrap(), HostValue::Handle(_)));
    assert!(matches!(rt.eval("new Map()").unwrap(), HostValue::Handle(_)));
    assert!(matches!(rt.eval("Symbol('s')").unwrap(), HostValue::Handle(_)));
    match rt.eval("var cyc = { name: 'c' }; cyc.me = cyc; cyc").unwrap() {
        HostValue::Object(fields) => {
            assert_eq!(fields[0], ("name".into(), HostValue::from("c")));
            assert!(matches!(fields[1].1, HostValue::Handle(_)));
        }
        other => panic!("{other:?}"),
    }
    // Errors become {name, message, stack}.
    match rt.eval("new RangeError('r')").unwrap() {
        HostValue::Object(fields) => {
            assert_eq!(fields[0], ("name".into(), HostValue::from("RangeError")));
            assert_eq!(fields[1], ("message".into(), HostValue::from("r")));
        }
        other => panic!("{other:?}"),
    }

    // Host → JS through call_global, handles round-trip to the same object.
    rt.eval("function describe(x) { return Object.prototype.toString.call(x) + ':' + JSON.stringify(x); }").unwrap();
    assert_eq!(
        rt.call_global(
            "describe",
            &[HostValue::Object(vec![("k".into(), HostValue::Array(vec![HostValue::Number(1.0)]))])]
        )
        .unwrap(),
        HostValue::from("[object Object]:{\"k\":[1]}")
    );
    assert_eq!(
        rt.call_global("describe", &[HostValue::Bytes(vec![1, 2])]).unwrap(),
        HostValue::from("[object ArrayBuffer]:{}")
    );
    let map = rt.eval("this.theMap = new Map([[1, 2]]); theMap").unwrap();
    rt.eval("function isTheMap(m) { return m === theMap; }").unwrap();
    assert_eq!(rt.call_global("isTheMap", &[map]).unwrap(), HostValue::Bool(true));
    let err = rt.call_global("isTheMap", &[HostValue::Handle(OpaqueHandle(999_999))]).unwrap_err();
    assert!(matches!(err, ChakraError::Conversion { .. }), "{err:?}");

    // Natives see `this` and the arguments converted.
    assert_eq!(
        rt.eval("__polysnap_natives['host.echo'].call(null, 'a', 2)").unwrap(),
        HostValue::Object(vec![
            ("this".into(), HostValue::Null),
            ("args".into(), HostValue::Array(vec![HostValue::from("a"), HostValue::Number(2.0)])),
        ])
    );
    // An object receiver is one handle (not walked); handles made for a native call
    // are released when it returns, unless returned.
    rt.release_handles().unwrap();
    assert_eq!(rt.handle_count(), 0);
    assert_eq!(
        rt.eval("var ns = __polysnap_natives; for (var i = 0; i < 100; i++) { ns['host.echo'](function () {}, [Symbol()]); } ns['counter.next']()")
            .unwrap(),
        HostValue::Number(0.0)
    );
    assert_eq!(rt.handle_count(), 0);
    assert_eq!(
        rt.eval("var o = { m: __polysnap_natives['host.echo'] }; o.m(1) === undefined ? 'no' : o.m(1).this === o")
            .unwrap(),
        HostValue::Bool(true)
    );
    assert_eq!(rt.handle_count(), 0);
}

#[test]
fn natives_are_trampolines_only() {
    let _g = engine_lock();
    let mut rt = fresh();
    // The trampoline is a plain JS function (its source is visible), not the native.
    let src = rt.eval("Function.prototype.toString.call(__polysnap_natives['counter.next'])").unwrap();
    assert!(src.as_str().unwrap().contains("apply(table[key], this, arguments)"), "{src:?}");
    // Scripts cannot reach the table; the binder is write-only (returns only the keys).
    let key = backend_chakra::table_key(COUNTER_NEXT);
    assert_eq!(
        rt.eval("[typeof __polysnap_table, typeof table, __polysnap_bind().sort().join()]").unwrap(),
        HostValue::Array(vec![
            HostValue::from("undefined"),
            HostValue::from("undefined"),
            HostValue::from({
                let mut keys =
                    [key.clone(), backend_chakra::table_key(HOST_ECHO), backend_chakra::table_key(HOST_FAIL)];
                keys.sort();
                keys.join(",")
            }),
        ])
    );
    assert_eq!(
        rt.eval("[Object.keys(this).indexOf('__polysnap_natives'), Object.keys(this).indexOf('__polysnap_bind'), Object.keys(__polysnap_natives).sort().join()]")
            .unwrap(),
        HostValue::Array(vec![
            HostValue::Number(-1.0),
            HostValue::Number(-1.0),
            HostValue::from("counter.next,host.echo,host.fail")
        ])
    );
    // Patching apply can neither break the trampolines nor leak the native function.
    assert_eq!(
        rt.eval(
            "var leaked = null; Function.prototype.apply = function () { leaked = this; }; \
             Reflect.apply = function (f) { leaked = f; }; __polysnap_natives['counter.next']()"
        )
        .unwrap(),
        HostValue::Number(0.0)
    );
    assert_eq!(rt.eval("leaked").unwrap(), HostValue::Null);
    // The bindings cannot be replaced by scripts.
    let err = rt.eval("'use strict'; __polysnap_natives = {}").unwrap_err();
    assert!(err.script_message().unwrap().contains("TypeError"), "{err}");
    let err = rt.eval("'use strict'; __polysnap_bind = null").unwrap_err();
    assert!(err.script_message().unwrap().contains("TypeError"), "{err}");
    assert_eq!(rt.eval("__polysnap_natives['counter.next']()").unwrap(), HostValue::Number(1.0));
}

#[test]
fn a_panicking_native_throws_instead_of_unwinding_into_the_engine() {
    let _g = engine_lock();
    let panicky = NativeSpec::new("host.panic", |_| panic!("deliberate test panic"));
    let mut rt = Runtime::fresh(&lib(), vec![panicky]).unwrap();
    assert_eq!(
        rt.eval("try { __polysnap_natives['host.panic'](); 'no' } catch (e) { e.message }").unwrap(),
        HostValue::from("a polysnap native function panicked; see stderr")
    );
    assert_eq!(rt.eval("1 + 2").unwrap(), HostValue::Number(3.0));
}

#[test]
fn several_runtimes_take_turns_on_one_thread() {
    let _g = engine_lock();
    let mut a = fresh();
    let mut b = fresh();
    a.eval("var who = 'a'").unwrap();
    b.eval("var who = 'b'").unwrap();
    assert_eq!(a.eval("who").unwrap(), HostValue::from("a"));
    assert_eq!(b.eval("who").unwrap(), HostValue::from("b"));
    drop(a);
    assert_eq!(b.eval("who").unwrap(), HostValue::from("b"));
}

#[test]
fn recorder_usage_errors() {
    let _g = engine_lock();
    let lib = lib();
    let dup = vec![natives(Arc::new(AtomicU64::new(0))).remove(0), natives(Arc::new(AtomicU64::new(0))).remove(0)];
    let err = Recorder::new(&lib, dup).err().expect("duplicate ids are refused");
    assert!(err.to_string().contains("share the id counter.next"), "{err}");
    let err = Runtime::fresh(&lib, vec![NativeSpec { name: String::new(), ..natives(Arc::default()).remove(0) }])
        .err()
        .expect("empty names are refused");
    assert!(err.to_string().contains("empty name"), "{err}");

    let mut rec = Recorder::new(&lib, natives(Arc::new(AtomicU64::new(0)))).unwrap();
    // A failing setup script is reported and the recorder stays usable.
    let err = rec.run_script("bad.js", "undefinedFunction()").unwrap_err();
    assert!(err.script_message().unwrap().contains("ReferenceError"), "{err}");
    rec.run_script("good.js", "var x = 1").unwrap();
    let payload = rec.capture().unwrap();
    assert!(payload.file("ttdlog.log").is_some());
    let err = rec.capture().unwrap_err();
    assert!(matches!(err, ChakraError::Usage(_)), "{err:?}");
}

#[test]
fn library_open_errors_and_identity() {
    let err = Library::open(Path::new("/nonexistent/libChakraCore.so")).unwrap_err();
    assert!(err.to_string().contains("POLYSNAP_CHAKRA_LIB"), "{err}");
    let not_a_lib = temp_path("notalib");
    std::fs::write(&not_a_lib, b"not an ELF file").unwrap();
    let err = Library::open(&not_a_lib).unwrap_err();
    let _ = std::fs::remove_file(&not_a_lib);
    assert!(matches!(err, ChakraError::LibraryOpen { .. }), "{err:?}");

    let lib = lib();
    let id = lib.identity().unwrap();
    assert_eq!(id.len(), 64);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    // The cached identity must be the file's SHA-256, hashed afresh here.
    use sha2::{Digest, Sha256};
    let fresh: String = Sha256::digest(std::fs::read(lib.path()).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(library_identity(lib.path()).unwrap(), fresh);
    assert_eq!(id, fresh);
    println!("library identity {id}");
}
