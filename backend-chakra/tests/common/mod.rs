//! Shared helpers for the engine tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use backend_chakra::{Library, NativeSpec};
use snapshot_core::{HostError, HostValue, StableId};

/// Engine tests in one process take turns (keeps failures attributable).
pub fn engine_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn lib() -> Library {
    Library::open_default().unwrap_or_else(|e| panic!("{e}"))
}

pub const COUNTER_NEXT: StableId = StableId::new("counter.next");
pub const HOST_ECHO: StableId = StableId::new("host.echo");
pub const HOST_FAIL: StableId = StableId::new("host.fail");

/// `counter.next()` returns the counter then increments it; `host.echo(...)` returns
/// `{this, args}`; `host.fail(msg)` throws `msg`.
pub fn natives(counter: Arc<AtomicU64>) -> Vec<NativeSpec> {
    vec![
        NativeSpec {
            id: COUNTER_NEXT,
            name: "counter.next".into(),
            func: Arc::new(move |_call| Ok(HostValue::Number(counter.fetch_add(1, Ordering::SeqCst) as f64))),
        },
        NativeSpec {
            id: HOST_ECHO,
            name: "host.echo".into(),
            func: Arc::new(|call| {
                Ok(HostValue::Object(vec![
                    ("this".into(), call.this.clone()),
                    ("args".into(), HostValue::Array(call.args.clone())),
                ]))
            }),
        },
        NativeSpec {
            id: HOST_FAIL,
            name: "host.fail".into(),
            func: Arc::new(|call| Err(HostError::new(call.arg(0).as_str().unwrap_or("failed").to_owned()))),
        },
    ]
}

/// A unique temporary file path (the caller removes it).
pub fn temp_path(tag: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    std::env::temp_dir().join(format!(
        "polysnap-chakra-{}-{}-{}.bin",
        tag,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Re-runs this test binary for the single test `test_name` with `env` set.
pub fn run_child(test_name: &str, env: &[(&str, &str)]) -> Output {
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = Command::new(exe);
    // Child entry points are `#[ignore]`d so that a normal run reports them as ignored,
    // never as passed; the re-executed binary runs exactly the one asked for.
    cmd.args([test_name, "--exact", "--ignored", "--nocapture", "--test-threads=1"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("spawning the child test process")
}

/// Asserts the child exited with status 0 and not by a signal, printing its output.
pub fn assert_child_ok(what: &str, out: &Output) {
    use std::os::unix::process::ExitStatusExt;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("--- {what}: child stdout ---\n{stdout}\n--- child stderr ---\n{stderr}");
    assert_eq!(out.status.signal(), None, "{what}: child killed by a signal");
    assert!(out.status.success(), "{what}: child failed with {:?}", out.status);
    assert!(stdout.contains("test result: ok. 1 passed"), "{what}: the child ran no test (did the filter match?)");
}
