//! `cargo xtask fuzz [SECONDS]`: the container decoder's fuzz targets (cargo fuzz, libFuzzer),
//! each for SECONDS (default 30), seeded with a valid snapshot. `cargo xtask test` runs it
//! for 30 s per target; docs/reliability.md records a longer run.
//!
//! cargo fuzz needs unstable compiler flags (sanitizers); the machine has only the stable
//! toolchain, so the run sets `RUSTC_BOOTSTRAP=1` for the fuzz build alone.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use snapshot_core::format::{encode, EngineBuild, EngineKind, Header, PayloadEncoding, Snapshot, Strategy, Target};
use snapshot_core::{NativeKind, RefEntry, RefTable, StableId};

/// The fuzz targets in `snapshot-core/fuzz/fuzz_targets/`.
const TARGETS: [&str; 2] = ["decode", "decode_resealed"];

/// Installs cargo-fuzz if needed, seeds the corpora and runs each target for `seconds`.
pub fn run(workspace: &Path, seconds: u64) -> Result<()> {
    ensure_cargo_fuzz()?;
    let fuzz = workspace.join("snapshot-core/fuzz");
    for target in TARGETS {
        let corpus = fuzz.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        std::fs::write(corpus.join("seed-valid-snapshot"), encode(&seed()))?;
        println!("fuzz: {target} for {seconds} s");
        let status = Command::new("cargo")
            .args(["fuzz", "run", target, "--", &format!("-max_total_time={seconds}"), "-print_final_stats=1"])
            .env("RUSTC_BOOTSTRAP", "1")
            .current_dir(workspace.join("snapshot-core"))
            .status()
            .context("fuzz: cannot start cargo fuzz")?;
        if !status.success() {
            bail!("fuzz: target {target} found a failure ({status}); the input is in snapshot-core/fuzz/artifacts/{target}/");
        }
    }
    Ok(())
}

fn ensure_cargo_fuzz() -> Result<()> {
    let installed = Command::new("cargo").args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success());
    if installed {
        return Ok(());
    }
    println!("fuzz: installing cargo-fuzz from crates.io");
    let status = Command::new("cargo")
        .args(["install", "cargo-fuzz", "--locked", "--version", "0.13.2"])
        .status()
        .context("fuzz: cannot start cargo install")?;
    if !status.success() {
        bail!("fuzz: `cargo install cargo-fuzz` failed ({status}); check that crates.io is reachable");
    }
    Ok(())
}

/// A small valid snapshot with every section filled.
fn seed() -> Snapshot<Vec<u8>> {
    Snapshot {
        header: Header {
            engine: EngineBuild { kind: EngineKind::V8, version: "10.2.154.26".into(), identity: "seed".into() },
            target: Target::current(),
            producer: "polysnap fuzz seed".into(),
            created_unix_ms: 0,
            strategy: Strategy::Heap,
            warm_code: false,
            names_embedded: true,
            payload_encoding: PayloadEncoding::Raw,
            payload_raw_len: 64,
            contexts: vec!["worker".into()],
            names: vec!["app.config".into()],
            choice: None,
        },
        refs: RefTable::new(vec![RefEntry {
            id: StableId::new("fs.open"),
            kind: NativeKind::Function,
            name: Some("fs.open".into()),
        }]),
        identities: vec![snapshot_core::format::IdentityEntry {
            id: StableId::new("app.config"),
            slot: 0,
            wraps: None,
        }],
        records: vec![snapshot_core::format::RehydratorRecord {
            rehydrator: StableId::new("timers.Timeout"),
            data: vec![1, 2],
        }],
        payload: vec![7; 64],
    }
}
