//! (b) Warm code without warm state: a global set by the warm-up is absent after restore,
//! the setup's state is present and unmodified, and the blob carries the compiled code.

use std::time::Instant;

use backend_v8::{CodeHandling, NativeSpec, Runtime, SnapshotBuilder};
use snapshot_core::HostValue;

const SETUP: &str = r#"
globalThis.state = { ready: true, hits: 0 };
function hot(n) {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc = (acc * 31 + i) % 1000003;
    if (i % 7 === 0) acc ^= i;
    else if (i % 5 === 0) acc += i * 2;
    else acc -= 1;
  }
  return acc;
}
function helper(s) { return s.split('').reverse().join('') + String(hot(10)); }
'ok'
"#;

const WARM_UP: &str = r#"
globalThis.warmed = true;
state.hits = 99;
state.mutated = 'by warm-up';
for (let i = 0; i < 200; i++) { hot(100); helper('abc'); }
"#;

/// `hot` of SETUP, in Rust: the value a restored runtime must compute.
fn hot(n: i32) -> i32 {
    let mut acc: i32 = 0;
    for i in 0..n {
        acc = (acc * 31 + i) % 1_000_003;
        if i % 7 == 0 {
            acc ^= i;
        } else if i % 5 == 0 {
            acc += i * 2;
        } else {
            acc -= 1;
        }
    }
    acc
}

fn natives() -> Vec<NativeSpec> {
    vec![NativeSpec::new("warm.noop", |_| Ok(HostValue::Undefined))]
}

fn builder() -> SnapshotBuilder {
    let mut b = SnapshotBuilder::new(natives()).unwrap();
    b.run_script("setup.js", SETUP).unwrap();
    b
}

#[test]
fn warm_code_without_warm_state() {
    let t = Instant::now();
    let cold = builder().build(CodeHandling::Clear).unwrap();
    let cold_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let warm = builder().build_warm("warm-up.js", WARM_UP).unwrap();
    let warm_ms = t.elapsed().as_secs_f64() * 1e3;
    eprintln!("cold blob {} bytes in {cold_ms:.1} ms, warm blob {} bytes in {warm_ms:.1} ms", cold.len(), warm.len());
    // The same warm-up path with a warm-up that runs none of the setup's functions: what the
    // real warm-up adds beyond it is the code of the functions it ran.
    let idle = builder().build_warm("warm-up.js", "globalThis.warmed = true;").unwrap();
    assert!(
        warm.len() > idle.len(),
        "the warm blob ({}) should carry the compiled code of hot() and helper(), which a warm-up that \
         runs nothing ({}) lacks",
        warm.len(),
        idle.len()
    );

    for (label, blob) in [("cold", cold), ("warm", warm)] {
        let t = Instant::now();
        let mut rt = Runtime::from_blob(blob, natives()).unwrap();
        let restore_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let first = rt.eval("hot(100)").unwrap();
        let first_ms = t.elapsed().as_secs_f64() * 1e3;
        eprintln!("{label}: restore {restore_ms:.2} ms, first hot(100) {first_ms:.3} ms");
        assert_eq!(first, HostValue::Number(f64::from(hot(100))), "{label}: hot(100) computes what it should");
        assert_eq!(rt.eval("typeof warmed").unwrap(), HostValue::from("undefined"), "{label}: warm-up global leaked");
        assert_eq!(rt.eval("'warmed' in globalThis").unwrap(), HostValue::Bool(false));
        assert_eq!(
            rt.eval("state").unwrap(),
            HostValue::Object(vec![("ready".into(), HostValue::Bool(true)), ("hits".into(), HostValue::Number(0.0))]),
            "{label}: setup state must be present and untouched by the warm-up"
        );
        assert_eq!(rt.eval("helper('ab').slice(0, 2)").unwrap(), HostValue::from("ba"));
        assert_eq!(rt.eval("typeof __polysnap_natives['warm.noop']").unwrap(), HostValue::from("function"));
    }
}

#[test]
fn warm_up_errors_are_reported() {
    let err = builder().build_warm("bad-warm.js", "hot(1); throw new TypeError('no warmth')").unwrap_err();
    match err {
        backend_v8::V8Error::Js { message, file, .. } => {
            assert_eq!(message, "TypeError: no warmth");
            assert_eq!(file, "bad-warm.js");
        }
        other => panic!("expected a JS error, got {other:?}"),
    }
}
