//! Snapshots that must be refused before the engine sees them, each proven in a child
//! process that exits with status 2 and a message, never a signal: another engine build,
//! another machine, a missing native, a damaged payload inside a valid container.

mod common;

use std::path::Path;
use std::process::Command;

use snapshot_core::format::{decode, encode, Snapshot};
use snapshot_core::{NativeKind, RefEntry, RefTable, StableId};

const POLYSNAP: &str = env!("CARGO_BIN_EXE_polysnap");

fn engines() -> Vec<&'static str> {
    common::engines().into_iter().map(|(_, name)| name).collect()
}

/// A real snapshot of `engine`, then `alter` applied to its decoded form and re-encoded with
/// valid checksums; returns what `polysnap run` said on stderr (after checking it exited 2).
fn refused(engine: &str, alter: impl Fn(&mut Snapshot<Vec<u8>>)) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("setup.js"), "var state = { ready: true };").unwrap();
    let made = run(dir.path(), &["make", "--engine", engine, "-o", "good.psnap", "setup.js"]);
    assert_eq!(made.0, 0, "{engine}: {}", made.1);
    let bytes = std::fs::read(dir.path().join("good.psnap")).unwrap();
    let decoded = decode(&bytes).unwrap();
    let mut snapshot = Snapshot {
        header: decoded.header,
        refs: decoded.refs,
        identities: decoded.identities,
        records: decoded.records,
        payload: decoded.payload.to_vec(),
    };
    alter(&mut snapshot);
    std::fs::write(dir.path().join("altered.psnap"), encode(&snapshot)).unwrap();
    let (code, stderr) = run(dir.path(), &["run", "altered.psnap", "-p", "state.ready"]);
    assert_eq!(code, 2, "{engine}: expected exit 2, got {code}: {stderr}");
    stderr
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(POLYSNAP).args(args).current_dir(dir).output().unwrap();
    let code =
        out.status.code().unwrap_or_else(|| panic!("polysnap {args:?} was killed by a signal: {:?}", out.status));
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn another_engine_build_is_refused() {
    for engine in engines() {
        let stderr = refused(engine, |s| s.header.engine.identity.push_str("-other"));
        assert!(
            stderr.contains("snapshot was made by") && stderr.contains("rebuild the snapshot"),
            "{engine}: {stderr}"
        );
        let stderr = refused(engine, |s| s.header.engine.version = "0.0.1".into());
        assert!(stderr.contains("0.0.1"), "{engine}: {stderr}");
    }
}

#[test]
fn another_machine_is_refused() {
    for engine in engines() {
        let stderr = refused(engine, |s| s.header.target.arch = "aarch64".into());
        assert!(stderr.contains("snapshot was made for aarch64-linux"), "{engine}: {stderr}");
    }
}

#[test]
fn a_native_the_host_lacks_is_refused_by_name() {
    for engine in engines() {
        let stderr = refused(engine, |s| {
            let mut entries = s.refs.entries.clone();
            entries.push(RefEntry {
                id: StableId::new("app.gone"),
                kind: NativeKind::Function,
                name: Some("app.gone".into()),
            });
            s.refs = RefTable::new(entries);
        });
        assert!(
            stderr.contains("missing: `app.gone` is used by the snapshot but not registered"),
            "{engine}: {stderr}"
        );
    }
}

#[test]
fn a_damaged_payload_inside_a_valid_container_is_refused() {
    for engine in engines() {
        // The container's checksums are recomputed, so only the backend's own checks stand
        // between these bytes and the engine.
        let stderr = refused(engine, |s| {
            let middle = s.payload.len() / 2;
            s.payload[middle] ^= 0x20;
        });
        // What each backend's own check says: a flipped byte, a cut, foreign bytes.
        let (flipped, truncated, foreign) = match engine {
            "v8" => ("expected payload checksum", "truncated?", "expected the magic bytes \"PSV8SNAP\""),
            // zstd names the damage it meets first (a checksum, a corrupt block): which one
            // depends on where the flipped byte lands in that run's payload.
            _ => (
                "zstd data is corrupt or truncated",
                "zstd data is corrupt or truncated",
                "expected the magic bytes \"PSNAPTTD\"",
            ),
        };
        assert!(stderr.contains(flipped), "{engine}: flipped byte: expected `{flipped}` in: {stderr}");
        let stderr = refused(engine, |s| s.payload.truncate(s.payload.len() / 3));
        assert!(stderr.contains(truncated), "{engine}: truncated: expected `{truncated}` in: {stderr}");
        let stderr = refused(engine, |s| s.payload = b"not an engine payload at all".to_vec());
        assert!(stderr.contains(foreign), "{engine}: foreign: expected `{foreign}` in: {stderr}");
        assert!(stderr.contains(&format!("polysnap: {engine}: ")), "{engine}: names the engine: {stderr}");
    }
}
