//! V8's code cache through `Runtime::run_script_producing_cache` /
//! `Runtime::run_script_with_cache`, on real V8: a cache made in one process is accepted by
//! a fresh (and a restored) runtime in another and gives identical results; bad caches are
//! rejected and the script still runs correctly; JavaScript errors are reported by both.

mod common;

use std::path::PathBuf;

use backend_v8::{check_code_cache, CacheOutcome, CodeHandling, NativeSpec, Runtime, SnapshotBuilder, V8Error};
use snapshot_core::HostValue;

const CACHE_ENV: &str = "POLYSNAP_V8_TEST_CODE_CACHE";
const BLOB_ENV: &str = "POLYSNAP_V8_TEST_CODE_CACHE_BLOB";
const EXPECT_ENV: &str = "POLYSNAP_V8_TEST_CODE_CACHE_EXPECT";

const FUNCTIONS: usize = 300;
/// Evaluated after the script: calls every function again (with other arguments).
const FOLLOW_UP: &str =
    "(() => { let t = 0; for (let i = 0; i < N; i++) t = (t + globalThis['fn' + i](i + 7)) % 1000003; \
                         return [t, new K17(3).twice, counter()]; })()";

/// A classic script with many functions of several kinds; when `globalThis.CALL_ALL` is
/// not `false` its top level calls all of them (so they are compiled when the cache is
/// made) and completes with `[checksum, text, count]`.
fn many_functions() -> String {
    let mut s = String::from("var N = ");
    s.push_str(&FUNCTIONS.to_string());
    s.push_str(";\n");
    for i in 0..FUNCTIONS {
        match i % 3 {
            0 => s.push_str(&format!(
                "function fn{i}(x) {{ let a = x * {i} + 1; for (let k = 0; k < 3; k++) a = (a * 31 + k) % 1000003; return a; }}\n"
            )),
            1 => s.push_str(&format!(
                "var fn{i} = (x) => [x, {i}, 'f{i}'].map(String).join('-').length * {i} + x;\n"
            )),
            _ => s.push_str(&format!(
                "class K{i} {{ constructor(v) {{ this.v = v + {i}; }} get twice() {{ return this.v * 2; }} }}\n\
                 function fn{i}(x) {{ return new K{i}(x).twice % 1000003; }}\n"
            )),
        }
    }
    s.push_str(
        "var counter = (() => { let c = 0; return () => ++c; })();\n\
         var text = '';\n\
         var total = 0;\n\
         if (globalThis.CALL_ALL !== false) {\n\
           for (var i = 0; i < N; i++) total = (total + globalThis['fn' + i](i)) % 1000003;\n\
           text = [fn1(2), fn2(3), new K5(1).twice].join(',');\n\
         }\n\
         Promise.resolve(5).then((v) => { globalThis.fromMicrotask = fn0(v); });\n\
         [total, text, counter()]\n",
    );
    s
}

fn temp_path(tag: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("code-cache-{tag}-{}.bin", std::process::id()))
}

fn natives() -> Vec<NativeSpec> {
    vec![NativeSpec::new("codecache.answer", |_| Ok(HostValue::Number(42.0)))]
}

/// A small snapshot with its own globals and a native, to restore runtimes from.
fn blob() -> Vec<u8> {
    let mut b = SnapshotBuilder::new(natives()).unwrap();
    b.run_script("setup.js", "globalThis.fromSnapshot = __polysnap_natives['codecache.answer'](); 'ok'").unwrap();
    b.build(CodeHandling::Clear).unwrap()
}

/// What a run of `many_functions()` gives: its completion value, then FOLLOW_UP's and
/// the microtask's, as one Debug string the child compares with.
fn observed(rt: &mut Runtime, completion: &HostValue) -> String {
    let follow = rt.eval(FOLLOW_UP).unwrap();
    let micro = rt.eval("fromMicrotask").unwrap();
    format!("{completion:?} | {follow:?} | {micro:?}")
}

fn produce_in(rt: &mut Runtime) -> (Vec<u8>, String) {
    let source = many_functions();
    let (value, cache) = rt.run_script_producing_cache("many.js", &source).unwrap();
    assert!(!cache.is_empty(), "V8 made no cache");
    assert_eq!(check_code_cache(&source, &cache), Ok(()));
    let seen = observed(rt, &value);
    // The plain run agrees (no cache involved).
    let mut plain = Runtime::fresh(vec![]).unwrap();
    let v = plain.run_script("many.js", &source).unwrap();
    assert_eq!(observed(&mut plain, &v), seen, "run_script and run_script_producing_cache disagree");
    (cache, seen)
}

fn consume_in_children(cache: &[u8], expected: &str, tag: &str) {
    let cache_path = temp_path(&format!("{tag}-cache"));
    let blob_path = temp_path(&format!("{tag}-blob"));
    std::fs::write(&cache_path, cache).unwrap();
    std::fs::write(&blob_path, blob()).unwrap();
    let envs =
        [(CACHE_ENV, cache_path.to_str().unwrap()), (BLOB_ENV, blob_path.to_str().unwrap()), (EXPECT_ENV, expected)];
    let fresh = common::run_child("child_consume_fresh", "consume-fresh", &envs);
    let restored = common::run_child("child_consume_restored", "consume-restored", &envs);
    let _ = std::fs::remove_file(&cache_path);
    let _ = std::fs::remove_file(&blob_path);
    for out in [fresh, restored] {
        eprintln!("{}", out.lines().filter(|l| l.contains("CHILD-OK")).collect::<Vec<_>>().join(" | "));
    }
}

#[test]
fn cache_from_a_fresh_runtime_is_accepted_by_fresh_and_restored_runtimes_in_another_process() {
    let mut rt = Runtime::fresh(vec![]).unwrap();
    let (cache, expected) = produce_in(&mut rt);
    eprintln!("cache of {FUNCTIONS} functions: {} bytes", cache.len());
    consume_in_children(&cache, &expected, "fresh");
}

#[test]
fn cache_from_a_restored_runtime_is_accepted_by_fresh_and_restored_runtimes_in_another_process() {
    let mut rt = Runtime::from_blob(blob(), natives()).unwrap();
    assert_eq!(rt.eval("fromSnapshot").unwrap(), HostValue::Number(42.0));
    let (cache, expected) = produce_in(&mut rt);
    consume_in_children(&cache, &expected, "restored");
}

fn consume_child(mut rt: Runtime, role: &str) {
    let cache = std::fs::read(std::env::var(CACHE_ENV).unwrap()).unwrap();
    let expected = std::env::var(EXPECT_ENV).unwrap();
    let source = many_functions();
    let (value, outcome) = rt.run_script_with_cache("many.js", &source, &cache).unwrap();
    assert_eq!(outcome, CacheOutcome::Accepted, "{role}: V8 rejected a cache made by the same build");
    assert_eq!(observed(&mut rt, &value), expected, "{role}: results differ from the producing run");
    println!("CHILD-OK {role} (accepted, {} bytes)", cache.len());
}

#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_consume_fresh() {
    common::require_child("consume-fresh");
    consume_child(Runtime::fresh(vec![]).unwrap(), "consume-fresh");
}

#[test]
#[ignore = "child process of another test; runs only when re-executed by it"]
fn child_consume_restored() {
    common::require_child("consume-restored");
    let blob = std::fs::read(std::env::var(BLOB_ENV).unwrap()).unwrap();
    let mut rt = Runtime::from_blob(blob, natives()).unwrap();
    assert_eq!(rt.eval("fromSnapshot").unwrap(), HostValue::Number(42.0));
    consume_child(rt, "consume-restored");
}

/// The cache is made after the run: functions the run compiled lazily are in it.
#[test]
fn cache_made_after_the_run_includes_the_functions_that_ran() {
    let source = many_functions();
    let cache_for = |call_all: bool| {
        let mut rt = Runtime::fresh(vec![]).unwrap();
        rt.eval(&format!("globalThis.CALL_ALL = {call_all}")).unwrap();
        rt.run_script_producing_cache("many.js", &source).unwrap().1
    };
    let (idle, busy) = (cache_for(false), cache_for(true));
    eprintln!("cache after a run calling nothing: {} bytes; calling all {FUNCTIONS}: {} bytes", idle.len(), busy.len());
    assert!(
        busy.len() > idle.len() + FUNCTIONS * 100,
        "expected the bytecode of {FUNCTIONS} more functions (> {} more bytes), found {} vs {}",
        FUNCTIONS * 100,
        busy.len(),
        idle.len()
    );
    // Kept, then cached after other scripts called the functions: like `busy`.
    let mut rt = Runtime::fresh(vec![]).unwrap();
    rt.eval("globalThis.CALL_ALL = false").unwrap();
    let (_, kept) = rt.run_script_keeping("many.js", &source).unwrap();
    let early = rt.code_cache(&kept).unwrap();
    rt.eval(FOLLOW_UP).unwrap();
    let late = rt.code_cache(&kept).unwrap();
    eprintln!("kept script: cache before the follow-up {} bytes, after {} bytes", early.len(), late.len());
    assert!(late.len() > early.len() + FUNCTIONS * 100, "{} vs {}", late.len(), early.len());
    assert_eq!(check_code_cache(&source, &late), Ok(()));
    rt.forget_script(kept);
    for cache in [&idle, &busy, &late] {
        let mut rt = Runtime::fresh(vec![]).unwrap();
        let (_, outcome) = rt.run_script_with_cache("many.js", &source, cache).unwrap();
        assert_eq!(outcome, CacheOutcome::Accepted);
    }
}

const SMALL: &str = "function twice(x) { return x * 2 } function bang(s) { return s + '!' } [twice(21), bang('hey')]";

fn small_expected() -> HostValue {
    HostValue::Array(vec![HostValue::Number(42.0), HostValue::String("hey!".into())])
}

fn small_cache() -> Vec<u8> {
    let mut rt = Runtime::fresh(vec![]).unwrap();
    let (value, cache) = rt.run_script_producing_cache("small.js", SMALL).unwrap();
    assert_eq!(value, small_expected());
    cache
}

fn assert_rejected_but_runs(what: &str, cache: &[u8]) {
    let mut rt = Runtime::fresh(vec![]).unwrap();
    let (value, outcome) = rt.run_script_with_cache("small.js", SMALL, cache).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(outcome, CacheOutcome::Rejected, "{what}");
    assert_eq!(value, small_expected(), "{what}: wrong result");
    assert_eq!(rt.eval("twice(5)").unwrap(), HostValue::Number(10.0), "{what}: functions work afterwards");
    assert!(check_code_cache(SMALL, cache).is_err(), "{what}: check_code_cache should say why");
}

#[test]
fn a_good_cache_is_accepted() {
    let mut rt = Runtime::fresh(vec![]).unwrap();
    let (value, outcome) = rt.run_script_with_cache("other-name.js", SMALL, &small_cache()).unwrap();
    assert_eq!((value, outcome), (small_expected(), CacheOutcome::Accepted), "the file name does not matter");
}

#[test]
fn garbage_bytes_are_rejected_and_the_script_still_runs() {
    assert_rejected_but_runs("empty", &[]);
    assert_rejected_but_runs("one byte", &[0]);
    assert_rejected_but_runs("zeros", &[0; 4096]);
    let noise: Vec<u8> = (0..10_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert_rejected_but_runs("noise", &noise);
    let blob = blob();
    assert_rejected_but_runs("a snapshot blob instead of a cache", &blob);
}

#[test]
fn truncated_or_damaged_caches_are_rejected_and_the_script_still_runs() {
    let cache = small_cache();
    for cut in [1, 8, 47, 48, 49, cache.len() / 2, cache.len() - 1] {
        assert_rejected_but_runs(&format!("truncated to {cut} of {} bytes", cache.len()), &cache[..cut]);
    }
    let mut longer = cache.clone();
    longer.extend_from_slice(&[0; 8]);
    assert_rejected_but_runs("8 bytes appended", &longer);
    for at in [0, 12, 20, 30, 44, 60, cache.len() / 2, cache.len() - 1] {
        let mut bad = cache.clone();
        bad[at] ^= 0x40;
        assert_rejected_but_runs(&format!("byte {at} flipped"), &bad);
    }
}

#[test]
fn a_cache_of_another_source_is_rejected_and_the_right_code_runs() {
    let mut rt = Runtime::fresh(vec![]).unwrap();
    let (_, other) = rt.run_script_producing_cache("other.js", "function other() { return 1 } other() + 41").unwrap();
    assert_rejected_but_runs("cache of a shorter source", &other);

    // Same length, different code: V8 alone would accept this cache and run the cached code
    // (its source check is the length); the envelope's source hash rejects it.
    let same_len = SMALL.replace("x * 2", "x * 3");
    assert_eq!(same_len.len(), SMALL.len());
    let (_, cache) = Runtime::fresh(vec![]).unwrap().run_script_producing_cache("small.js", &same_len).unwrap();
    assert_rejected_but_runs("cache of a same-length source", &cache);
    let err = check_code_cache(SMALL, &cache).unwrap_err();
    assert!(matches!(err, V8Error::BadCodeCache { .. }), "{err:?}");
    assert!(
        err.to_string().contains("another source") && err.to_string().contains("run_script_producing_cache"),
        "{err}"
    );
}

fn assert_js_error(r: Result<impl std::fmt::Debug, V8Error>, file: &str, message: &str) {
    match r {
        Err(V8Error::Js { file: f, message: m, location, .. }) => {
            assert_eq!(f, file);
            assert!(m.contains(message), "expected `{message}` in `{m}`");
            assert!(location.starts_with(file), "location {location}");
        }
        other => panic!("expected a JavaScript error `{message}`, got {other:?}"),
    }
}

#[test]
fn a_script_that_throws_reports_the_js_error_in_both_methods() {
    const THROWS: &str = "function check(x) { if (globalThis.BOOM) throw new Error('boom ' + x); return x }\ncheck(1)";
    let mut rt = Runtime::fresh(vec![]).unwrap();
    rt.eval("globalThis.BOOM = true").unwrap();
    assert_js_error(rt.run_script_producing_cache("throws.js", THROWS), "throws.js", "Error: boom 1");
    assert_js_error(rt.run_script_producing_cache("syntax.js", "function ("), "syntax.js", "SyntaxError");

    // A good cache of a script that throws this time.
    let (value, cache) = Runtime::fresh(vec![]).unwrap().run_script_producing_cache("throws.js", THROWS).unwrap();
    assert_eq!(value, HostValue::Number(1.0));
    let mut rt = Runtime::fresh(vec![]).unwrap();
    rt.eval("globalThis.BOOM = true").unwrap();
    assert_js_error(rt.run_script_with_cache("throws.js", THROWS, &cache), "throws.js", "Error: boom 1");
    // A rejected cache, a throwing script, and a script that does not compile.
    let mut rt = Runtime::fresh(vec![]).unwrap();
    rt.eval("globalThis.BOOM = true").unwrap();
    assert_js_error(rt.run_script_with_cache("throws.js", THROWS, b"garbage"), "throws.js", "Error: boom 1");
    assert_js_error(rt.run_script_with_cache("syntax.js", "function (", &cache), "syntax.js", "SyntaxError");
    // The runtime is still usable.
    assert_eq!(rt.eval("1 + 1").unwrap(), HostValue::Number(2.0));
}

/// V8 makes no cache for a script holding a validated asm.js module: the cache is then
/// empty, and consuming it is a plain (rejected) run.
#[test]
fn scripts_v8_cannot_cache() {
    const ASM: &str = "function M(stdlib) { 'use asm'; function f() { return 42 } return { f: f } }\nM(globalThis).f()";
    let mut rt = Runtime::fresh(vec![]).unwrap();
    let (value, cache) = rt.run_script_producing_cache("asm.js", ASM).unwrap();
    assert_eq!(value, HostValue::Number(42.0));
    eprintln!("asm.js script: cache of {} bytes", cache.len());
    let mut rt = Runtime::fresh(vec![]).unwrap();
    let (value, outcome) = rt.run_script_with_cache("asm.js", ASM, &cache).unwrap();
    assert_eq!(value, HostValue::Number(42.0));
    assert!(cache.is_empty(), "V8 10.2 makes no cache for a script with a validated asm.js module");
    assert_eq!(outcome, CacheOutcome::Rejected);
}

#[test]
fn works_in_named_contexts_and_reports_the_version_tag() {
    assert_ne!(backend_v8::code_cache_version_tag().unwrap(), 0, "V8 reports a cache version tag");
    let mut b = SnapshotBuilder::new(natives()).unwrap();
    b.add_context("side", &[("side.js", "globalThis.side = 'yes'")]).unwrap();
    let blob = b.build(CodeHandling::Clear).unwrap();
    let mut rt = Runtime::from_blob(blob, natives()).unwrap();
    rt.enter_context(Some("side")).unwrap();
    let (value, cache) = rt.run_script_producing_cache("small.js", SMALL).unwrap();
    assert_eq!(value, small_expected());
    assert_eq!(rt.eval("typeof twice + ' ' + side").unwrap(), HostValue::String("function yes".into()));
    rt.enter_context(None).unwrap();
    assert_eq!(rt.eval("typeof twice").unwrap(), HostValue::String("undefined".into()), "ran in `side` only");
    let (value, outcome) = rt.run_script_with_cache("small.js", SMALL, &cache).unwrap();
    assert_eq!(value, small_expected());
    // The default context has not run SMALL, but the isolate compiled it for `side`: V8's
    // in-isolate compilation cache may serve it without reading ours (still "not rejected").
    assert_eq!(outcome, CacheOutcome::Accepted);
}

#[test]
fn kept_scripts_belong_to_their_runtime() {
    let mut a = Runtime::fresh(vec![]).unwrap();
    let mut b = Runtime::fresh(vec![]).unwrap();
    let (value, kept) = a.run_script_keeping("small.js", SMALL).unwrap();
    assert_eq!(value, small_expected());
    assert_eq!(kept.file_name(), "small.js");
    let err = b.code_cache(&kept).unwrap_err();
    assert!(matches!(err, V8Error::InvalidInput { .. }) && err.to_string().contains("small.js"), "{err}");
    b.forget_script(kept); // not b's: nothing happens
    let (_, kept) = a.run_script_keeping("small.js", SMALL).unwrap();
    let cache = a.code_cache(&kept).unwrap();
    assert_eq!(cache, a.code_cache(&kept).unwrap(), "nothing ran in between");
    a.forget_script(kept);
    assert_eq!(b.run_script_with_cache("small.js", SMALL, &cache).unwrap(), (small_expected(), CacheOutcome::Accepted));
    // A kept script that throws is an error and is not kept.
    assert_js_error(a.run_script_keeping("boom.js", "throw new TypeError('nope')"), "boom.js", "TypeError: nope");
    // Dropping a runtime with kept scripts is fine.
    let (_, _kept) = b.run_script_keeping("again.js", SMALL).unwrap();
    drop(b);
}
