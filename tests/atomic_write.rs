//! Atomic writes: `polysnap make` killed with SIGKILL at random points never leaves a
//! partial or corrupt file at the target path — the old file or the new one, whole — and
//! what a killed writer left beside it is gone after the next write.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use polysnap::core::format::decode;

mod common;

const POLYSNAP: &str = env!("CARGO_BIN_EXE_polysnap");

/// Which snapshot a valid file holds: the big setup's payload is over 5 MB decoded.
fn generation(path: &Path) -> &'static str {
    let bytes = std::fs::read(path).expect("the target exists: it is never removed");
    let snapshot = decode(&bytes).unwrap_or_else(|e| panic!("the target is partial or corrupt: {e}"));
    match snapshot.header.payload_raw_len {
        n if n > 5_000_000 => "new",
        _ => "old",
    }
}

/// The temporary files of writers (`.psnap-<pid>-*.tmp`) in `dir`.
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".psnap-") && name.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_make_killed_at_random_points_leaves_the_old_file_or_the_new_one() {
    for (_, engine) in common::engines() {
        killed_makes(engine);
    }
}

fn killed_makes(engine: &str) {
    let dir = tempfile::tempdir().unwrap();
    // ChakraCore's TTD records ten times slower: a tenth of the objects is over 5 MB too.
    let objects = if engine == "chakra" { 30_000 } else { 300_000 };
    std::fs::write(dir.path().join("small.js"), "var small = 1;").unwrap();
    std::fs::write(
        dir.path().join("big.js"),
        format!("var big = []; for (var i = 0; i < {objects}; i++) big.push({{ i: i, s: 'item number ' + i }});"),
    )
    .unwrap();
    let make = |script: &str| {
        Command::new(POLYSNAP)
            .args(["make", "--no-verify", "--engine", engine, "-o", "app.psnap", script])
            .current_dir(dir.path())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    assert!(make("small.js").wait().unwrap().success(), "{engine}");
    assert_eq!(generation(&dir.path().join("app.psnap")), "old", "{engine}");

    let mut runs: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            assert!(make("big.js").wait().unwrap().success(), "{engine}");
            start.elapsed()
        })
        .collect();
    runs.sort();
    let full = runs[1];
    assert_eq!(generation(&dir.path().join("app.psnap")), "new", "{engine}");

    let mut seen = std::collections::BTreeMap::new();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for kill in 0..20 {
        assert!(make("small.js").wait().unwrap().success(), "{engine}");
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Most kills fall late, around capture and the write, where a torn file could appear.
        let delay = full.mul_f64(0.4 + (seed % 1000) as f64 / 1000.0 * 0.8);
        let mut child = make("big.js");
        std::thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        let found = generation(&dir.path().join("app.psnap"));
        *seen.entry(found).or_insert(0) += 1;
        println!("{engine}: kill {kill} after {delay:?} of {full:?}: {found} file in place");
    }
    println!("{engine}: outcomes {seen:?}");
    // The writer's own process dies with the killed make (PR_SET_PDEATHSIG): once it has
    // (the kernel takes a moment), the next write removes what it left.
    let mut left = Vec::new();
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(300));
        assert!(make("small.js").wait().unwrap().success(), "{engine}");
        left = temporary_files(dir.path());
        if left.is_empty() {
            break;
        }
    }
    assert_eq!(generation(&dir.path().join("app.psnap")), "old", "{engine}");
    assert_eq!(left, Vec::<String>::new(), "{engine}: temporary files left after writes for 3 s");
}
