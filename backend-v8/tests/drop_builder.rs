//! (d) Dropping a builder without building does not abort the process (checked in a child
//! process so an abort is observed as a signal rather than killing the test harness).

mod common;

use backend_v8::{NativeSpec, Runtime, SnapshotBuilder};
use snapshot_core::HostValue;

#[test]
fn dropping_unbuilt_builders_does_not_abort() {
    common::run_child("child_drop", "drop", &[]);
}

#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_drop() {
    common::require_child("drop");
    // Fresh, after running scripts (natives, functions, typed arrays), after an exception.
    drop(SnapshotBuilder::new(vec![]).unwrap());
    let mut b = SnapshotBuilder::new(vec![NativeSpec::new("d.n", |_| Ok(HostValue::Null))]).unwrap();
    b.run_script(
        "a.js",
        "globalThis.f = __polysnap_natives['d.n']; globalThis.t = new Uint8Array(16); function g() {} g();",
    )
    .unwrap();
    drop(b);
    let mut b = SnapshotBuilder::new(vec![]).unwrap();
    assert!(b.run_script("b.js", "throw new Error('x')").is_err());
    drop(b);
    // A warm build failing in its warm-up drops the second creator unbuilt.
    let b = SnapshotBuilder::new(vec![]).unwrap();
    assert!(b.build_warm("w.js", "throw 1").is_err());
    // V8 still works afterwards.
    let mut rt = Runtime::fresh(vec![]).unwrap();
    assert_eq!(rt.eval("1 + 1").unwrap(), HostValue::Number(2.0));
    println!("CHILD-OK drop");
}
