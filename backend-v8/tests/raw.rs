//! The raw engine objects behind a runtime, for C++ code that needs V8 itself.

use backend_v8::Runtime;

#[test]
fn each_runtime_exposes_its_own_isolate_and_default_context() {
    let a = Runtime::fresh(Vec::new()).unwrap();
    let b = Runtime::fresh(Vec::new()).unwrap();
    assert!(!a.raw_isolate().is_null() && !a.raw_default_context().is_null());
    assert_ne!(a.raw_isolate(), b.raw_isolate(), "one isolate per runtime");
    assert_ne!(a.raw_default_context(), b.raw_default_context());
}

#[test]
fn a_restored_runtime_keeps_the_callers_bytes_without_copying_them() {
    use backend_v8::{CodeHandling, SnapshotBuilder};
    use snapshot_core::SharedBytes;
    use std::sync::Arc;
    let mut builder = SnapshotBuilder::new(Vec::new()).unwrap();
    builder.run_script("setup.js", "var kept = 42;").unwrap();
    let blob: Arc<Vec<u8>> = Arc::new(builder.build(CodeHandling::Clear).unwrap());
    let address = blob.as_ptr();
    let mut runtime = Runtime::from_blob(SharedBytes::new(blob), Vec::new()).unwrap();
    // The bytes V8 deserializes from are the caller's own (a mapped file, in polysnap).
    assert_eq!(runtime.snapshot().unwrap().as_slice().as_ptr(), address);
    assert_eq!(runtime.eval("kept").unwrap(), snapshot_core::HostValue::Number(42.0));
}
