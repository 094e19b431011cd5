//! A script that exhausts the heap: V8 would abort the whole process ("Fatal javascript
//! OOM"); the shim stops the script instead and it fails with a JS error naming the limit.
//! Each case runs in a child process (the limit is read once per process).

mod common;

use backend_v8::{Runtime, SnapshotBuilder, V8Error};

const GREEDY: &str = "var hoard = []; while (true) hoard.push(new Array(100000).fill(hoard.length));";

#[test]
fn running_out_of_heap_is_an_error_not_an_abort() {
    let out = common::run_child("child_exhausts_the_heap", "heap", &[("POLYSNAP_V8_HEAP_LIMIT_MB", "512")]);
    assert!(out.contains("fresh: out of memory"), "{out}");
    assert!(out.contains("builder: out of memory"), "{out}");
}

#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_exhausts_the_heap() {
    common::require_child("heap");
    let mut fresh = Runtime::fresh(Vec::new()).unwrap();
    match fresh.run_script("greedy.js", GREEDY) {
        Err(V8Error::Js { message, .. }) => println!("fresh: {message}"),
        other => panic!("expected a JS error, got {other:?}"),
    }
    // The runtime is usable again once the script has been stopped.
    assert_eq!(fresh.run_script("after.js", "1 + 1").unwrap(), snapshot_core::HostValue::Number(2.0));
    drop(fresh);
    let mut builder = SnapshotBuilder::new(Vec::new()).unwrap();
    match builder.run_script("greedy.js", GREEDY) {
        Err(V8Error::Js { message, .. }) => println!("builder: {message}"),
        other => panic!("expected a JS error, got {other:?}"),
    }
    println!("CHILD-OK heap");
}
