//! A sample snapshot shared by the format tests.

use snapshot_core::format::{Header, Snapshot, Strategy};
use snapshot_core::{stable_id, NativeKind, RefEntry, RefTable, StableId};
use snapshot_core::{EngineBuild, EngineKind, IdentityEntry, PayloadEncoding, RehydratorRecord, Target};

/// A small but complete snapshot: every section non-empty, a 1 KiB payload.
pub fn sample() -> Snapshot<Vec<u8>> {
    let refs = RefTable::new(vec![
        RefEntry { id: stable_id!("fs.open"), kind: NativeKind::Function, name: Some("fs.open".into()) },
        RefEntry { id: stable_id!("fs.close"), kind: NativeKind::Function, name: Some("fs.close".into()) },
        RefEntry {
            id: stable_id!("process.title.get"),
            kind: NativeKind::Getter,
            name: Some("process.title.get".into()),
        },
    ]);
    Snapshot {
        header: Header {
            engine: EngineBuild { kind: EngineKind::V8, version: "10.2.154.26".into(), identity: "flags:none".into() },
            target: Target::current(),
            producer: "polysnap 0.1.0".into(),
            created_unix_ms: 1_790_000_000_000,
            strategy: Strategy::Heap,
            warm_code: false,
            names_embedded: true,
            payload_encoding: PayloadEncoding::Raw,
            payload_raw_len: 1024,
            contexts: vec!["worker".into()],
            names: vec!["app.config".into(), "timers.Timeout".into()],
            choice: None,
        },
        refs,
        identities: vec![IdentityEntry { id: StableId::new("app.config"), slot: 0, wraps: None }],
        records: vec![RehydratorRecord { rehydrator: StableId::new("timers.Timeout"), data: vec![1, 2, 3] }],
        payload: (0..1024u32).map(|i| (i * 7 % 251) as u8).collect(),
    }
}
