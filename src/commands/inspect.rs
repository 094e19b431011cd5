//! `polysnap inspect`: what a snapshot holds, for people or as JSON.

use std::path::Path;

use serde_json::json;
use snapshot_core::format::dump::record_counts;
use snapshot_core::format::SectionKind;

use crate::commands::Failure;
use polysnap::host::{FilePolicy, Host, ModulePolicy};
use polysnap::SnapshotFile;

/// The dump of the snapshot at `path`, as text or JSON.
pub fn inspect(path: &Path, as_json: bool) -> Result<String, Failure> {
    // The natives and rehydrators this host knows, registered only so that their names are
    // remembered: a snapshot without embedded names then still reads `fs.open`, not a hash.
    let host = Host::new(Vec::new(), FilePolicy::Reopen, ModulePolicy::Refuse);
    let _ = (host.registry(), host.rehydrators());
    let file = SnapshotFile::open(path).map_err(|e| Failure::Unusable(e.to_string()))?;
    if !as_json {
        return Ok(file.dump());
    }
    let snapshot = file.snapshot();
    let layout = file.layout();
    let h = &snapshot.header;
    let sections: Vec<_> = layout
        .sections
        .iter()
        .map(|e| {
            json!({
                "section": SectionKind::from_code(e.kind).map_or_else(|| e.kind.to_string(), |k| k.to_string()),
                "offset": e.offset, "length": e.length, "xxh3": format!("{:016x}", e.checksum),
            })
        })
        .collect();
    let refs: Vec<_> = snapshot
        .refs
        .entries
        .iter()
        .map(|r| json!({ "id": r.id.to_string(), "hash": format!("{:016x}", r.id.hash()), "kind": r.kind.to_string() }))
        .collect();
    let identities: Vec<_> = snapshot
        .identities
        .iter()
        .map(|i| json!({ "id": i.id.to_string(), "slot": i.slot, "wraps": i.wraps.map(|w| w.to_string()) }))
        .collect();
    let records: Vec<_> = record_counts(snapshot)
        .into_iter()
        .map(|(id, count, bytes)| json!({ "rehydrator": id.to_string(), "records": count, "bytes": bytes }))
        .collect();
    let value = json!({
        "format": format!("{}.{}", layout.version.0, layout.version.1),
        "engine": { "kind": h.engine.kind.to_string(), "version": h.engine.version, "identity": h.engine.identity },
        "target": h.target.to_string(),
        "producer": h.producer,
        "created_unix_ms": h.created_unix_ms,
        "strategy": format!("{:?}", h.strategy),
        "chosen_by_auto": h.choice.as_ref().map(|c| json!({
            "cold_ms": c.cold_ms,
            "candidates": c.candidates.iter().map(|candidate| json!({
                "strategy": format!("{:?}", candidate.strategy),
                "restore_ms": candidate.restore_ms.as_ref().ok(),
                "dropped": candidate.restore_ms.as_ref().err(),
            })).collect::<Vec<_>>(),
        })),
        "warm_code": h.warm_code,
        "names_embedded": h.names_embedded,
        "payload": { "encoding": format!("{:?}", h.payload_encoding), "stored_bytes": snapshot.payload.len(), "decoded_bytes": h.payload_raw_len },
        "contexts": h.contexts,
        "sections": sections,
        "external_references": refs,
        "identities": identities,
        "rehydrator_records": records,
    });
    Ok(serde_json::to_string_pretty(&value).expect("JSON values serialize"))
}
