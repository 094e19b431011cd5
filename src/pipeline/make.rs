//! Making a snapshot: the chosen strategy runs the setup and makes a payload
//! ([`heap`](crate::pipeline::heap) or [`code_cache`](crate::pipeline::code_cache)), the
//! header is built once, and a heap snapshot is proved by a restore before it is returned.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use snapshot_core::format::{file, Header, Snapshot, Strategy};
use snapshot_core::{Api, DynScriptHost, IdentityEntry, Registry, RehydratorRecord, Rehydrators, Target};

use crate::pipeline::options::MakeOptions;
use crate::pipeline::script::Script;
use crate::pipeline::{code_cache, heap};
use crate::Error;

/// Runs `scripts` in a fresh snapshot-making runtime of engine `A` with `registry`'s natives
/// and makes a snapshot of the result with [`MakeOptions::strategy`].
///
/// Steps: the strategy (heap: setup → serialize callbacks → rehydrators → read the state →
/// capture; code cache: setup twice, proved deterministic) → header → container → for a
/// heap snapshot, restore and compare (unless [`MakeOptions::skip_verification`]).
#[must_use = "a snapshot that is made and dropped is lost; write it with `write_snapshot`"]
pub fn make_snapshot<A: Api>(
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
    scripts: &[Script],
    options: &MakeOptions,
) -> Result<Snapshot<Vec<u8>>, Error> {
    let mut made = match options.strategy {
        Strategy::Heap => heap::make::<A>(registry, rehydrators, scripts, options)?,
        Strategy::CodeCache => code_cache::make::<A>(registry, scripts, options)?,
    };
    let embed_names = options.embed_names || cfg!(debug_assertions);
    let before = made.before.take();
    let snapshot = Snapshot {
        header: Header {
            engine: A::engine_build().map_err(|e| Error::engine(A::KIND, e))?,
            target: Target::current(),
            producer: concat!("polysnap ", env!("CARGO_PKG_VERSION")).to_owned(),
            created_unix_ms: now_ms(),
            strategy: options.strategy,
            warm_code: made.warm_code,
            names_embedded: embed_names,
            payload_encoding: made.encoding,
            payload_raw_len: made.raw_len,
            contexts: made.contexts,
            names: if embed_names { names_of(&made.records, &made.identities) } else { Vec::new() },
            choice: None,
        },
        refs: registry.table(embed_names),
        identities: made.identities,
        records: made.records,
        payload: made.payload,
    };
    if let Some(before) = before {
        heap::prove::<A>(&snapshot, registry, &before, options)?;
    }
    Ok(snapshot)
}

/// The names of the identities and of the rehydrators that wrote records, where known.
fn names_of(records: &[RehydratorRecord], identities: &[IdentityEntry]) -> Vec<String> {
    let ids = identities.iter().map(|i| i.id).chain(records.iter().map(|r| r.rehydrator));
    let mut names: Vec<String> = ids.filter_map(|id| id.name()).map(str::to_owned).collect();
    names.sort();
    names.dedup();
    names
}

/// Writes `snapshot` to `path` atomically.
pub fn write_snapshot(path: &Path, snapshot: &Snapshot<Vec<u8>>) -> Result<(), Error> {
    file::write_atomic(path, snapshot).map_err(Error::from)
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
