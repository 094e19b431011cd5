//! The `snapshot_core` backend traits over V8 .

use std::sync::Arc;

use backend_v8::api::V8;
use snapshot_core::{
    Api, Builder, CaptureOptions, HostValue, Native, NativeKind, Runtime, ScriptHost, SharedBytes, StableId,
};

fn native() -> Native {
    Native {
        id: StableId::new("api.answer"),
        name: "api.answer",
        kind: NativeKind::Function,
        func: Some(Arc::new(|_| Ok(HostValue::Number(42.0)))),
    }
}

#[test]
fn capture_and_restore_through_the_traits() {
    let n = native();
    let build = V8::engine_build().unwrap();
    assert!(build.version.starts_with("10.2.154"));
    let mut b = <<V8 as Api>::Builder as Builder>::new(&[&n]).unwrap();
    ScriptHost::run_script(&mut b, "s.js", "globalThis.f = () => __polysnap_natives['api.answer']() + 1").unwrap();
    let captured =
        b.capture(&CaptureOptions { warmup: Some(("w.js".into(), "f(); globalThis.leak = 1".into())) }).unwrap();
    assert!(captured.warm_code);
    let mut rt = <<V8 as Api>::Runtime as Runtime>::restore(SharedBytes::from(captured.payload), &[&n]).unwrap();
    assert_eq!(
        ScriptHost::run_script(&mut rt, "r.js", "[f(), typeof leak]").unwrap(),
        HostValue::Array(vec![HostValue::Number(43.0), HostValue::from("undefined")])
    );
    let mut fresh = <<V8 as Api>::Runtime as Runtime>::fresh(&[&n]).unwrap();
    assert_eq!(
        ScriptHost::run_script(&mut fresh, "r.js", "__polysnap_natives['api.answer']()").unwrap(),
        HostValue::Number(42.0)
    );
    let data = Native { kind: NativeKind::Data, func: None, ..native() };
    assert!(<<V8 as Api>::Runtime as Runtime>::fresh(&[&data]).is_err());
}
