//! The human-readable dump of a snapshot (what `polysnap inspect` prints).

use std::fmt::Write;

use super::decode::Layout;
use super::{SectionKind, Snapshot};

/// A dump of `snapshot`, laid out by `layout`, for people: header, sections with sizes and
/// checksums, the external references by name (or `#hex`), identities and records.
pub fn dump<P: AsRef<[u8]>>(snapshot: &Snapshot<P>, layout: &Layout) -> String {
    let mut out = String::new();
    let h = &snapshot.header;
    let _ = writeln!(out, "polysnap snapshot, format {}.{}", layout.version.0, layout.version.1);
    let _ = writeln!(out, "engine:    {}", h.engine);
    let _ = writeln!(out, "target:    {}", h.target);
    let _ = writeln!(out, "producer:  {}", h.producer);
    let _ = writeln!(out, "created:   {} ms since the Unix epoch", h.created_unix_ms);
    let _ = writeln!(out, "strategy:  {:?}, warm code: {}", h.strategy, yes_no(h.warm_code));
    if let Some(choice) = &h.choice {
        let _ = writeln!(out, "chosen:    by auto; a cold start takes {:.1} ms", choice.cold_ms);
        for candidate in &choice.candidates {
            let _ = match &candidate.restore_ms {
                Ok(ms) => writeln!(out, "           {:?} restores in {ms:.1} ms", candidate.strategy),
                Err(why) => writeln!(out, "           {:?} dropped: {why}", candidate.strategy),
            };
        }
    }
    let _ = writeln!(out, "names:     {}", if h.names_embedded { "embedded" } else { "not embedded" });
    let _ = writeln!(
        out,
        "payload:   {} bytes stored ({:?}), {} bytes decoded",
        snapshot.payload.as_ref().len(),
        h.payload_encoding,
        h.payload_raw_len
    );
    if !h.contexts.is_empty() {
        let _ = writeln!(out, "contexts:  {}", h.contexts.join(", "));
    }
    let _ = writeln!(out, "sections:");
    for entry in &layout.sections {
        let name = SectionKind::from_code(entry.kind).map_or_else(|| format!("kind {}", entry.kind), |k| k.to_string());
        let _ = writeln!(
            out,
            "  {name:<20} offset {:>10}  length {:>10}  xxh3 {:016x}",
            entry.offset, entry.length, entry.checksum
        );
    }
    let refs = &snapshot.refs;
    let _ = writeln!(out, "external references: {} (fingerprint {:016x})", refs.entries.len(), refs.fingerprint);
    for (index, entry) in refs.entries.iter().enumerate() {
        let _ = writeln!(out, "  {index:>4}  {:<8}  {}", entry.kind.to_string(), entry.id);
    }
    let _ = writeln!(out, "identities: {}", snapshot.identities.len());
    for entry in &snapshot.identities {
        let wraps = entry.wraps.map(|w| format!(" wraps {w}")).unwrap_or_default();
        let _ = writeln!(out, "  {} at slot {}{wraps}", entry.id, entry.slot);
    }
    let _ = writeln!(out, "rehydrator records: {}", snapshot.records.len());
    for (rehydrator, count, bytes) in record_counts(snapshot) {
        let _ = writeln!(out, "  {rehydrator}: {count} records, {bytes} bytes");
    }
    out
}

/// (rehydrator, number of records, total bytes), in order of first appearance.
pub fn record_counts<P>(snapshot: &Snapshot<P>) -> Vec<(crate::StableId, usize, usize)> {
    let mut counts: Vec<(crate::StableId, usize, usize)> = Vec::new();
    for record in &snapshot.records {
        match counts.iter_mut().find(|(id, _, _)| *id == record.rehydrator) {
            Some((_, count, bytes)) => {
                *count += 1;
                *bytes += record.data.len();
            }
            None => counts.push((record.rehydrator, 1, record.data.len())),
        }
    }
    counts
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}
