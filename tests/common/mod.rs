//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::Path;

use polysnap::core::{Api, DynScriptHost, Rehydrators};
use polysnap::{EngineKind, Error, MakeOptions, Registry, Script, SnapshotFile};

/// The engines this build has: kind and `--engine` name.
pub fn engines() -> Vec<(EngineKind, &'static str)> {
    polysnap::ENGINES.iter().filter(|(_, _, built)| *built).map(|(kind, name, _)| (*kind, *name)).collect()
}

/// A snapshot of 200 small objects (`objects`) made with `registry`'s natives, written to
/// `dir` and opened.
pub fn small_snapshot<A: Api>(dir: &Path, registry: &Registry) -> Result<SnapshotFile, Error> {
    let source = "var objects = []; for (var i = 0; i < 200; i++) objects.push({ i: i, s: 'item' + i });";
    let mut none: Rehydrators<DynScriptHost> = Rehydrators::new();
    let snapshot =
        polysnap::make_snapshot::<A>(registry, &mut none, &[Script::new("setup.js", source)], &MakeOptions::default())?;
    let path = dir.join(format!("{}.psnap", A::KIND));
    polysnap::write_snapshot(&path, &snapshot)?;
    Ok(SnapshotFile::open(&path)?)
}
