//! Named contexts: `SnapshotBuilder::add_context` (V8's `SnapshotCreator::AddContext`) and
//! `Runtime::enter_context` (`Context::FromSnapshot`). Snapshots made here, cold and warm,
//! are restored in child processes, where each context's state is checked by name.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use backend_v8::api::V8;
use backend_v8::{CodeHandling, NativeSpec, Runtime, SnapshotBuilder, V8Error};
use snapshot_core::{Api, Builder, Capabilities, CaptureOptions, HostValue, Native, NativeKind, ScriptHost, StableId};

const BLOB_ENV: &str = "POLYSNAP_V8_TEST_CONTEXTS_BLOB";

fn natives(counter: Arc<AtomicU64>) -> Vec<NativeSpec> {
    vec![
        NativeSpec::new("ctx.counter.inc", move |_| {
            Ok(HostValue::Number((counter.fetch_add(1, Ordering::SeqCst) + 1) as f64))
        }),
        NativeSpec::new("ctx.tag", |call| Ok(HostValue::from(format!("tag:{}", call.arg(0).as_str().unwrap_or("?"))))),
    ]
}

const DEFAULT_SETUP: &str = r#"
globalThis.who = 'default';
globalThis.defaultOnly = { answer: 42 };
'default ready'
"#;

const WORKER_SETUP: &str = r#"
globalThis.who = 'worker';
globalThis.workerState = { jobs: ['a', 'b'], done: 0 };
function runJob() { workerState.done += 1; return workerState.jobs[workerState.done - 1]; }
globalThis.inc = __polysnap_natives['ctx.counter.inc'];
globalThis.incLater = (() => { const f = inc; return () => f(); })();
globalThis.setupCount = inc(); // natives work while a named context is set up
"#;

const WORKER_MORE: &str = r#"
workerState.jobs.push('c');
globalThis.intlDuringSetup = (() => { try { new Intl.NumberFormat('en'); return 'made'; } catch (e) { return e.constructor.name; } })();
"#;

const UI_SETUP: &str = r#"
globalThis.who = 'ui';
globalThis.uiState = new Map([['theme', 'dark']]);
globalThis.tag = __polysnap_natives['ctx.tag'];
"#;

fn builder(counter: Arc<AtomicU64>) -> SnapshotBuilder {
    let mut b = SnapshotBuilder::new(natives(counter)).unwrap();
    assert_eq!(b.run_script("default.js", DEFAULT_SETUP).unwrap(), HostValue::from("default ready"));
    b.add_context("worker", &[("worker.js", WORKER_SETUP), ("worker-more.js", WORKER_MORE)]).unwrap();
    b.add_context("ui", &[("ui.js", UI_SETUP)]).unwrap();
    // Scripts after add_context still run in the default context.
    assert_eq!(b.run_script("after.js", "[who, typeof workerState]").unwrap(), strs(&["default", "undefined"]));
    assert_eq!(b.context_names(), ["worker", "ui"]);
    b
}

fn strs(items: &[&str]) -> HostValue {
    HostValue::Array(items.iter().map(|s| HostValue::from(*s)).collect())
}

fn blob_path(label: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("contexts-{label}-{}.psv8", std::process::id()))
}

#[test]
fn named_contexts_restore_by_name_in_a_child_process() {
    let counter = Arc::new(AtomicU64::new(0));
    let cold = builder(counter.clone()).build(CodeHandling::Clear).unwrap();
    assert_eq!(counter.load(Ordering::SeqCst), 1, "the worker's setup called the native once");
    let warm = builder(Arc::default()).build_warm("warm.js", "globalThis.warmLeak = who;").unwrap();
    for (label, blob) in [("cold", &cold), ("warm", &warm)] {
        let header = backend_v8::inspect_blob(blob).unwrap();
        assert_eq!(header.contexts, ["worker", "ui"], "{label}: the envelope carries the names in index order");
        let path = blob_path(label);
        std::fs::write(&path, blob).unwrap();
        let out = common::run_child("child_restore_contexts", "contexts", &[(BLOB_ENV, path.to_str().unwrap())]);
        let _ = std::fs::remove_file(&path);
        eprintln!("{label}: {}", out.lines().filter(|l| l.contains("CHILD-OK")).collect::<Vec<_>>().join(" | "));
    }
}

fn eval(rt: &mut Runtime, expr: &str) -> HostValue {
    rt.eval(expr).unwrap_or_else(|e| panic!("`{expr}` in {:?}: {e}", rt.current_context()))
}

fn check(rt: &mut Runtime, what: &str, expr: &str) {
    let v = eval(rt, expr);
    assert_eq!(v, HostValue::Bool(true), "{what} (in {:?}): `{expr}` was {v:?}", rt.current_context());
}

#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_restore_contexts() {
    common::require_child("contexts");
    let blob = std::fs::read(std::env::var(BLOB_ENV).unwrap()).unwrap();
    // This process's host state, and a native the snapshot's table lacks.
    let counter = Arc::new(AtomicU64::new(100));
    let mut ns = natives(counter.clone());
    ns.push(NativeSpec::new("ctx.extra", |_| Ok(HostValue::from("extra"))));
    ns.reverse();
    let mut rt = Runtime::from_blob(blob, ns).unwrap();
    assert_eq!(rt.context_names(), ["worker", "ui"]);
    assert_eq!(rt.current_context(), None);

    // The default context sees none of the named contexts' globals.
    check(&mut rt, "default state", "who === 'default' && defaultOnly.answer === 42");
    check(
        &mut rt,
        "no named globals in default",
        "typeof workerState === 'undefined' && typeof uiState === 'undefined'",
    );
    check(&mut rt, "no warm-up state", "typeof warmLeak === 'undefined'");

    rt.enter_context(Some("worker")).unwrap();
    assert_eq!(rt.current_context(), Some("worker"));
    check(&mut rt, "worker state", "who === 'worker' && workerState.jobs.join() === 'a,b,c' && setupCount === 1");
    check(
        &mut rt,
        "worker isolation",
        "typeof defaultOnly === 'undefined' && typeof uiState === 'undefined' && typeof warmLeak === 'undefined'",
    );
    check(&mut rt, "worker functions", "runJob() === 'a' && workerState.done === 1");
    // Natives inside a named context: captured before the snapshot, direct, and added at restore.
    assert_eq!(eval(&mut rt, "inc()"), HostValue::Number(101.0));
    assert_eq!(eval(&mut rt, "incLater()"), HostValue::Number(102.0));
    assert_eq!(eval(&mut rt, "__polysnap_natives['ctx.counter.inc']()"), HostValue::Number(103.0));
    assert_eq!(eval(&mut rt, "__polysnap_natives['ctx.extra']()"), HostValue::from("extra"));
    assert_eq!(counter.load(Ordering::SeqCst), 103, "the restoring process's host state was used");
    check(&mut rt, "native identity", "inc === __polysnap_natives['ctx.counter.inc']");
    // Set-up restrictions were lifted, and Error is sound (V8 re-adds stackTraceLimit).
    check(&mut rt, "Intl stubbed during setup", "intlDuringSetup === 'TypeError'");
    check(&mut rt, "Intl works after restore", "typeof new Intl.NumberFormat('en').format(1) === 'string'");
    check(&mut rt, "Error sound", "Error.stackTraceLimit === 10 && typeof new Error('x').stack === 'string'");

    rt.enter_context(Some("ui")).unwrap();
    check(&mut rt, "ui state", "who === 'ui' && uiState.get('theme') === 'dark' && tag('x') === 'tag:x'");
    check(&mut rt, "ui isolation", "typeof workerState === 'undefined' && typeof defaultOnly === 'undefined'");

    // Back to the default context, then to the worker again: its state was kept.
    rt.enter_context(None).unwrap();
    assert_eq!(rt.current_context(), None);
    check(&mut rt, "default again", "who === 'default' && typeof workerState === 'undefined'");
    assert_eq!(eval(&mut rt, "__polysnap_natives['ctx.extra']()"), HostValue::from("extra"));
    rt.enter_context(Some("worker")).unwrap();
    check(&mut rt, "worker kept its state", "workerState.done === 1 && runJob() === 'b'");

    // An unknown name is a clear error that lists the names, and changes nothing.
    let err = rt.enter_context(Some("nope")).unwrap_err();
    assert!(
        matches!(&err, V8Error::UnknownContext { name, available } if name == "nope" && available == &["worker", "ui"])
    );
    let text = err.to_string();
    assert!(text.contains("`nope`") && text.contains("`worker`, `ui`") && text.contains("None"), "{text}");
    assert_eq!(rt.current_context(), Some("worker"));
    check(&mut rt, "still in worker", "who === 'worker'");
    println!("CHILD-OK contexts");
}

#[test]
fn add_context_checks_names_and_is_all_or_nothing() {
    let mut b = SnapshotBuilder::new(natives(Arc::default())).unwrap();
    let none: &[(&str, &str)] = &[];
    let err = b.add_context("", none).unwrap_err();
    assert!(matches!(err, V8Error::InvalidInput { .. }) && err.to_string().contains("empty name"), "{err}");
    b.add_context("a", &[("a.js", "globalThis.x = 'a'")]).unwrap();
    let err = b.add_context("a", none).unwrap_err();
    assert!(err.to_string().contains("`a`, already added"), "{err}");
    // A throwing script: the error names the script, and the context is not captured.
    let err =
        b.add_context("broken", &[("ok.js", "globalThis.y = 1"), ("bad.js", "throw new Error('boom')")]).unwrap_err();
    match &err {
        V8Error::Js { file, message, .. } => assert_eq!((file.as_str(), message.as_str()), ("bad.js", "Error: boom")),
        other => panic!("expected a JS error, got {other:?}"),
    }
    assert_eq!(b.context_names(), ["a"]);
    b.add_context("b", &[("b.js", "globalThis.x = 'b'")]).unwrap();
    let blob = b.build(CodeHandling::Clear).unwrap();
    assert_eq!(backend_v8::inspect_blob(&blob).unwrap().contexts, ["a", "b"]);
    let mut rt = Runtime::from_blob(blob, natives(Arc::default())).unwrap();
    rt.enter_context(Some("b")).unwrap();
    assert_eq!(rt.eval("[x, typeof y]").unwrap(), strs(&["b", "undefined"]), "index order survived the discard");
    rt.enter_context(Some("a")).unwrap();
    assert_eq!(rt.eval("x").unwrap(), HostValue::from("a"));
    let err = rt.enter_context(Some("broken")).unwrap_err();
    assert!(err.to_string().contains("`a`, `b`"), "{err}");
}

#[test]
fn fresh_runtimes_and_plain_snapshots_have_no_named_contexts() {
    let mut fresh = Runtime::fresh(natives(Arc::default())).unwrap();
    assert!(fresh.context_names().is_empty());
    let err = fresh.enter_context(Some("worker")).unwrap_err();
    assert!(matches!(&err, V8Error::UnknownContext { available, .. } if available.is_empty()));
    assert!(err.to_string().contains("it has none"), "{err}");
    fresh.enter_context(None).unwrap();
    assert_eq!(fresh.eval("1 + 1").unwrap(), HostValue::Number(2.0));

    let blob = SnapshotBuilder::new(vec![]).unwrap().build(CodeHandling::Clear).unwrap();
    assert!(backend_v8::inspect_blob(&blob).unwrap().contexts.is_empty());
    let mut rt = Runtime::from_blob(blob, vec![]).unwrap();
    assert!(rt.enter_context(Some("worker")).is_err());
}

#[test]
fn through_the_backend_traits() {
    assert!(V8::capabilities().contains(Capabilities::NAMED_CONTEXTS));
    assert!(V8::gaps().iter().all(|g| !g.capability.intersects(Capabilities::NAMED_CONTEXTS)));
    let n = Native {
        id: StableId::new("api.answer"),
        name: "api.answer",
        kind: NativeKind::Function,
        func: Some(Arc::new(|_| Ok(HostValue::Number(42.0)))),
    };
    let mut b = <<V8 as Api>::Builder as Builder>::new(&[&n]).unwrap();
    ScriptHost::run_script(&mut b, "d.js", "globalThis.where = 'default'").unwrap();
    let scripts = vec![(
        "w.js".to_owned(),
        "globalThis.where = 'worker'; globalThis.a = __polysnap_natives['api.answer']()".to_owned(),
    )];
    Builder::add_context(&mut b, "worker", &scripts).unwrap();
    let captured = b.capture(&CaptureOptions::default()).unwrap();
    assert_eq!(captured.contexts, ["worker"]);
    let mut rt = <<V8 as Api>::Runtime as snapshot_core::Runtime>::restore(captured.payload.into(), &[&n]).unwrap();
    snapshot_core::Runtime::enter_context(&mut rt, Some("worker")).unwrap();
    assert_eq!(
        ScriptHost::run_script(&mut rt, "r.js", "[where, a]").unwrap(),
        HostValue::Array(vec!["worker".into(), 42.0.into()])
    );
    snapshot_core::Runtime::enter_context(&mut rt, None).unwrap();
    assert_eq!(ScriptHost::run_script(&mut rt, "r.js", "where").unwrap(), HostValue::from("default"));
    let err = snapshot_core::Runtime::enter_context(&mut rt, Some("ui")).unwrap_err();
    assert!(err.to_string().contains("`worker`"), "{err}");
}

#[test]
fn dropping_builders_with_named_contexts_does_not_abort() {
    common::run_child("child_drop_contexts", "drop-contexts", &[]);
}

#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_drop_contexts() {
    common::require_child("drop-contexts");
    // Unbuilt, with named contexts holding natives and state.
    let mut b = SnapshotBuilder::new(natives(Arc::default())).unwrap();
    b.add_context("w", &[("w.js", "globalThis.f = __polysnap_natives['ctx.tag']; globalThis.t = new Uint8Array(8)")])
        .unwrap();
    drop(b);
    // A failing warm-up after named contexts were carried into the second creator.
    let mut b = SnapshotBuilder::new(natives(Arc::default())).unwrap();
    b.add_context("w", &[("w.js", "globalThis.x = 1")]).unwrap();
    assert!(b.build_warm("w.js", "throw 1").is_err());
    // A context whose setup failed, then the builder dropped.
    let mut b = SnapshotBuilder::new(vec![]).unwrap();
    assert!(b.add_context("x", &[("x.js", "throw 2")]).is_err());
    drop(b);
    let mut rt = Runtime::fresh(vec![]).unwrap();
    assert_eq!(rt.eval("1 + 1").unwrap(), HostValue::Number(2.0));
    println!("CHILD-OK drop-contexts");
}
