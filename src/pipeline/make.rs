//! Making a snapshot: install the snapshot API, run the setup, run the serialize callbacks
//! and rehydrators, read the state, capture, restore what was captured and compare (the
//! verified capture, `pipeline::verify`), and wrap the payload in the container.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use snapshot_core::format::{file, Header, Snapshot, Strategy};
use snapshot_core::{IdentityEntry, RehydratorRecord, Target};
use snapshot_core::{
    Api, Builder, CaptureOptions, DynScriptHost, IdentityTable, Native, Registry, Rehydrators, ScriptHost,
};

use crate::pipeline::jsapi;
use crate::pipeline::verify::{self, Observed};
use crate::Error;

/// A script: a file name for stack traces, and its source.
#[derive(Clone, Debug)]
pub struct Script {
    /// The name errors and stacks show.
    pub name: String,
    /// The source text.
    pub source: String,
}

impl Script {
    /// A script named `name`.
    pub fn new(name: impl Into<String>, source: impl Into<String>) -> Script {
        Script { name: name.into(), source: source.into() }
    }

    /// The script in the file at `path` (an error names the file).
    pub fn from_file(path: &Path) -> Result<Script, Error> {
        let source = std::fs::read_to_string(path).map_err(|source| {
            Error::Format(snapshot_core::FormatError::Io { action: "read", path: path.to_owned(), source })
        })?;
        Ok(Script::new(path.display().to_string(), source))
    }
}

/// The step `make` reports while it restores the snapshot it made to check it (a crash
/// during this step is the engine failing on the snapshot, not on the setup).
pub const VERIFY_STEP: &str = "restoring the snapshot to check it";

/// Told each step of making a snapshot as it starts (`running setup.js`, `capturing the heap`).
pub type Progress = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// How to make a snapshot.
#[derive(Clone, Default)]
pub struct MakeOptions {
    /// Store the natives' names in the file (always on in debug builds).
    pub embed_names: bool,
    /// A script whose calls compile code that is kept, while its side effects are not.
    pub warmup: Option<Script>,
    /// Named contexts to capture beside the default one (capability `NAMED_CONTEXTS`):
    /// each a name and the scripts that set it up.
    pub contexts: Vec<(String, Vec<Script>)>,
    /// Told each step as it starts (the CLI shows it on a terminal).
    pub progress: Option<Progress>,
    /// What to capture: the heap (default), or the sources with the engine's code cache.
    pub strategy: Strategy,
    /// Told what the snapshot will not bring back that the engine declares it cannot (each a
    /// capability gap, found by the verified capture); the CLI prints these as notes.
    pub notes: Option<Progress>,
    /// Where the verified capture restores the snapshot to check it; `None` is this process
    /// (a restore the engine dies on then ends it). The CLI checks in a child process.
    pub restore_check: Option<verify::RestoreCheck>,
    /// Write the snapshot without restoring it first to check that it gives back the state
    /// that was captured (a heap snapshot; code-cache snapshots are always proved by a second
    /// run). Off by default: a snapshot that is not checked may kill the process that restores it.
    pub skip_verification: bool,
}

impl std::fmt::Debug for MakeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MakeOptions")
            .field("embed_names", &self.embed_names)
            .field("warmup", &self.warmup)
            .field("contexts", &self.contexts)
            .field("progress", &self.progress.is_some())
            .field("notes", &self.notes.is_some())
            .field("restore_check", &self.restore_check.as_ref().map(|_| "elsewhere"))
            .field("strategy", &self.strategy)
            .field("skip_verification", &self.skip_verification)
            .finish()
    }
}

impl MakeOptions {
    pub(crate) fn step(&self, what: &str) {
        if let Some(progress) = &self.progress {
            progress(what);
        }
    }

    pub(crate) fn note(&self, what: &str) {
        if let Some(notes) = &self.notes {
            notes(what);
        }
    }
}

/// Runs `scripts` in a fresh snapshot-making runtime of engine `A` with `registry`'s natives,
/// then captures the heap into a snapshot.
///
/// Steps: refuse what the engine cannot capture in the scripts → natives → `snapshot` API →
/// setup scripts → serialize callbacks → rehydrators' records → read the state (refusing
/// known hazards by path) → capture → restore and compare (unless
/// [`MakeOptions::skip_verification`]) → container.
#[must_use = "a snapshot that is made and dropped is lost; write it with `write_snapshot`"]
pub fn make_snapshot<A: Api>(
    registry: &Registry,
    rehydrators: &mut Rehydrators<DynScriptHost>,
    scripts: &[Script],
    options: &MakeOptions,
) -> Result<Snapshot<Vec<u8>>, Error> {
    if options.strategy == Strategy::CodeCache {
        return crate::pipeline::code_cache::make_code_cache::<A>(registry, rehydrators, scripts, options);
    }
    refuse_with_blocks::<A>(scripts)?;
    let engine_error = |e| Error::engine(A::KIND, e);
    let engine = A::engine_build().map_err(engine_error)?;
    let natives: Vec<&Native> = registry.natives().iter().collect();
    let mut builder = A::Builder::new(&natives).map_err(engine_error)?;
    jsapi::install(&mut builder, registry)?;
    for script in scripts {
        options.step(&format!("running {}", script.name));
        builder.run_script(&script.name, &script.source).map_err(|source| Error::Engine { engine: A::KIND, source })?;
    }
    let mut contexts: Vec<(String, Vec<(String, String)>)> = options
        .contexts
        .iter()
        .map(|(name, scripts)| (name.clone(), scripts.iter().map(|s| (s.name.clone(), s.source.clone())).collect()))
        .collect();
    for (name, source) in jsapi::pending_contexts(&mut builder)? {
        contexts.push((name.clone(), vec![(format!("polysnap:context {name}"), source)]));
    }
    for (name, scripts) in &contexts {
        options.step(&format!("setting up context {name}"));
        builder.add_context(name, scripts).map_err(|source| Error::Engine { engine: A::KIND, source })?;
    }
    options.step("running the serialize callbacks and rehydrators");
    jsapi::before_capture(&mut builder)?;
    let identities = jsapi::identities(&mut builder)?;
    IdentityTable::from_entries(&identities)?;
    let records = rehydrators.collect(&mut builder)?;
    let before = if options.skip_verification {
        None
    } else {
        options.step("reading the state to capture");
        builder.finish_setup().map_err(|source| Error::Engine { engine: A::KIND, source })?;
        Some(verify::before_capture::<A>(&mut builder)?)
    };
    let capture = CaptureOptions { warmup: options.warmup.as_ref().map(|w| (w.name.clone(), w.source.clone())) };
    options.step(if capture.warmup.is_some() {
        "capturing the heap, then warming up its code"
    } else {
        "capturing the heap"
    });
    let captured = builder.capture(&capture).map_err(engine_error)?;
    for note in captured.notes.iter().cloned().chain(tagged_template_note::<A>(scripts)) {
        options.note(&format!("{}: {note}", A::KIND));
    }
    let embed_names = options.embed_names || cfg!(debug_assertions);
    let names = if embed_names { names_of(&records, &identities) } else { Vec::new() };
    let snapshot = Snapshot {
        header: Header {
            engine,
            target: Target::current(),
            producer: concat!("polysnap ", env!("CARGO_PKG_VERSION")).to_owned(),
            created_unix_ms: now_ms(),
            strategy: Strategy::Heap,
            warm_code: captured.warm_code,
            names_embedded: embed_names,
            payload_encoding: captured.encoding,
            payload_raw_len: captured.raw_len,
            contexts: captured.contexts,
            names,
            choice: None,
        },
        refs: registry.table(embed_names),
        identities,
        records,
        payload: captured.payload,
    };
    if let Some(before) = before {
        options.step(VERIFY_STEP);
        let mut notes = verify::lost_notes(&before, A::fidelity());
        notes.extend(before.uncovered.iter().map(|u| format!("not checked: {}: {}", u.path, u.why)));
        notes.extend(match &options.restore_check {
            Some(check) => check(&snapshot, &before)?,
            None => check_restores::<A>(&snapshot, registry, &before)?,
        });
        for note in notes {
            options.note(&format!("{}: {note}", A::KIND));
        }
    }
    Ok(snapshot)
}

/// Restores `snapshot` (encoded and validated as a file would be) and compares the state it
/// gives back with `before`.
fn check_restores<A: Api>(
    snapshot: &Snapshot<Vec<u8>>,
    registry: &Registry,
    before: &Observed,
) -> Result<Vec<String>, Error> {
    let bytes = snapshot_core::format::encode::encode(snapshot);
    let file = crate::SnapshotFile::from_bytes("(the snapshot being made)".into(), bytes)?;
    let natives = crate::pipeline::restore::heap_natives(&file, registry)?;
    verify::after_restore::<A>(file.payload(), &natives, before)
}

/// Refuses, before anything runs, setup scripts with a construct engine `A` cannot capture
/// (ChakraCore: a `with` block that creates functions), naming the script and line.
fn refuse_with_blocks<A: Api>(scripts: &[Script]) -> Result<(), Error> {
    let Some(reason) = A::fidelity().functions_in_with_blocks else { return Ok(()) };
    for script in scripts {
        if let Some(line) = snapshot_core::scan::functions_in_with_blocks(&script.source).first() {
            let path = format!("{}:{line}", script.name);
            return Err(Error::Refused { engine: A::KIND, path, reason: reason.to_owned() });
        }
    }
    Ok(())
}

/// A note when setup scripts use tagged templates on an engine that gives their call sites
/// new strings arrays after restore, naming the first.
fn tagged_template_note<A: Api>(scripts: &[Script]) -> Option<String> {
    let what = A::fidelity().tagged_templates_lose_identity?;
    let mut sites = scripts.iter().flat_map(|s| {
        snapshot_core::scan::tagged_templates(&s.source).into_iter().map(move |line| format!("{}:{line}", s.name))
    });
    let first = sites.next()?;
    let more = sites.count();
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    Some(format!("{what}: {first}{more}"))
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

pub(crate) fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
