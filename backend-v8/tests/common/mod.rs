//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

/// Env var telling a re-executed test binary which child role to play.
pub const CHILD_ENV: &str = "POLYSNAP_V8_TEST_CHILD";

/// Whether this process is a child running `role`.
pub fn is_child(role: &str) -> bool {
    std::env::var(CHILD_ENV).map(|r| r == role).unwrap_or(false)
}

/// Panics unless this process is a child running `role` (child entry points are ignored
/// tests; run by hand without their parent they fail rather than pass vacuously).
pub fn require_child(role: &str) {
    assert!(is_child(role), "runs only as the `{role}` child of its parent test, which sets {CHILD_ENV}");
}

/// Re-executes this test binary to run only `test_name` with `CHILD_ENV=role` and extra
/// env vars; asserts it exited normally (not by a signal), successfully, and printed
/// `CHILD-OK <role>`. Returns its stdout.
pub fn run_child(test_name: &str, role: &str, envs: &[(&str, &str)]) -> String {
    let exe = std::env::current_exe().expect("current test binary");
    let mut cmd = Command::new(exe);
    // Child entry points are `#[ignore]`d so that a normal run reports them as ignored,
    // never as passed; the re-executed binary runs exactly the one asked for.
    cmd.args([test_name, "--exact", "--ignored", "--nocapture", "--test-threads=1"]).env(CHILD_ENV, role);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("spawn child test process");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.signal(),
        None,
        "child `{role}` was killed by a signal (V8 abort?)\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(out.status.success(), "child `{role}` failed: {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}", out.status);
    assert!(
        stdout.contains(&format!("CHILD-OK {role}")),
        "child `{role}` did not report success (did the test filter match?)\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    stdout
}
