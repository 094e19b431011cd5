//! `cargo xtask fuzz [SECONDS]`: the decoders' fuzz targets (cargo fuzz, libFuzzer), each for
//! SECONDS (default 30), seeded with a valid input: the snapshot container's and ChakraCore's
//! TTD payload's. `cargo xtask test` runs it
//! for 30 s per target; docs/reliability.md records a longer run.
//!
//! cargo fuzz needs unstable compiler flags (sanitizers); the machine has only the stable
//! toolchain, so the run sets `RUSTC_BOOTSTRAP=1` for the fuzz build alone.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use snapshot_core::format::{encode, Header, Snapshot, Strategy};
use snapshot_core::{EngineBuild, EngineKind, PayloadEncoding, Target};
use snapshot_core::{NativeKind, RefEntry, RefTable, StableId};

/// A fuzz target: the crate whose `fuzz/` folder holds it, its name, and its seed.
struct FuzzTarget {
    crate_dir: &'static str,
    name: &'static str,
    seed: fn() -> Vec<u8>,
}

/// The fuzz targets: the container decoder (`snapshot-core/fuzz`) raw and past its checksums,
/// and ChakraCore's TTD payload decoder (`backend-chakra/fuzz`).
const TARGETS: [FuzzTarget; 3] = [
    FuzzTarget { crate_dir: "snapshot-core", name: "decode", seed: container_seed },
    FuzzTarget { crate_dir: "snapshot-core", name: "decode_resealed", seed: container_seed },
    FuzzTarget { crate_dir: "backend-chakra", name: "ttd_payload", seed: ttd_payload_seed },
];

/// Installs cargo-fuzz if needed, seeds the corpora and runs each target for `seconds`.
pub fn run(workspace: &Path, seconds: u64) -> Result<()> {
    ensure_cargo_fuzz()?;
    for target in TARGETS {
        let fuzz = workspace.join(target.crate_dir).join("fuzz");
        let corpus = fuzz.join("corpus").join(target.name);
        std::fs::create_dir_all(&corpus)?;
        std::fs::write(corpus.join("seed-valid"), (target.seed)())?;
        println!("fuzz: {}/{} for {seconds} s", target.crate_dir, target.name);
        let status = Command::new("cargo")
            .args(["fuzz", "run", target.name, "--", &format!("-max_total_time={seconds}"), "-print_final_stats=1"])
            .env("RUSTC_BOOTSTRAP", "1")
            .current_dir(workspace.join(target.crate_dir))
            .status()
            .context("fuzz: cannot start cargo fuzz")?;
        if !status.success() {
            bail!(
                "fuzz: target {} found a failure ({status}); the input is in {}/fuzz/artifacts/{}/",
                target.name,
                target.crate_dir,
                target.name
            );
        }
    }
    Ok(())
}

/// An encoded container (see [`seed`]).
fn container_seed() -> Vec<u8> {
    encode(&seed())
}

/// A small encoded TTD payload: a log, a source and a snapshot file.
fn ttd_payload_seed() -> Vec<u8> {
    backend_chakra::TtdPayload::from_files(vec![
        ("snap_1.snp".into(), b"{count:0, values:[]}".to_vec()),
        ("src_1.js".into(), b"var x = 1;".to_vec()),
        ("ttdlog.log".into(), b"{arch:@3\"x64\"}".to_vec()),
    ])
    .encode()
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
        identities: vec![snapshot_core::IdentityEntry { id: StableId::new("app.config"), slot: 0, wraps: None }],
        records: vec![snapshot_core::RehydratorRecord {
            rehydrator: StableId::new("timers.Timeout"),
            data: vec![1, 2],
        }],
        payload: vec![7; 64],
    }
}
