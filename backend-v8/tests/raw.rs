//! The raw engine objects behind a runtime, for C++ code that needs V8 itself.

use backend_v8::Runtime;

#[test]
fn each_runtime_exposes_its_own_isolate_and_default_context() {
    let a = Runtime::fresh(Vec::new()).unwrap();
    let b = Runtime::fresh(Vec::new()).unwrap();
    assert!(!a.raw_isolate().is_null() && !a.raw_default_context().is_null());
    assert_ne!(a.raw_isolate(), b.raw_isolate(), "one isolate per runtime");
    assert_ne!(a.raw_default_context(), b.raw_default_context());
    assert_eq!(a.raw_isolate(), a.raw_isolate(), "stable for the runtime's life");
}
