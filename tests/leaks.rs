//! Leaks: 1,000 restore/dispose cycles in one process on each engine, after a warm-up of a
//! tenth as many; the process's RSS must grow less than 5%.
//! Alone in its own test binary, so no other test's memory is counted.

use std::path::Path;

use polysnap::core::{Api, DynScriptHost, HostValue, Rehydrators, ScriptHost};
use polysnap::{with_backend, EngineKind, Error, MakeOptions, Registry, Script, SnapshotFile};

fn engines() -> Vec<(EngineKind, &'static str)> {
    polysnap::ENGINES.iter().filter(|(_, _, built)| *built).map(|(kind, name, _)| (*kind, *name)).collect()
}

fn small_snapshot<A: Api>(dir: &Path, registry: &Registry) -> Result<SnapshotFile, Error> {
    let source = "var objects = []; for (var i = 0; i < 200; i++) objects.push({ i: i, s: 'item' + i });";
    let mut none: Rehydrators<DynScriptHost> = Rehydrators::new();
    let snapshot =
        polysnap::make_snapshot::<A>(registry, &mut none, &[Script::new("setup.js", source)], &MakeOptions::default())?;
    let path = dir.join(format!("{}.psnap", A::KIND));
    polysnap::write_snapshot(&path, &snapshot)?;
    Ok(SnapshotFile::open(&path)?)
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn restore_cycles<A: Api>(cycles: usize) -> Result<(u64, u64), Error> {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new();
    let file = small_snapshot::<A>(dir.path(), &registry)?;
    let cycle = |expect: f64| -> Result<(), Error> {
        let mut runtime = polysnap::restore::<A>(&file, &registry, &mut Rehydrators::new())?;
        let value = runtime.run_script("check.js", "objects.length + objects[199].i").unwrap();
        assert_eq!(value, HostValue::Number(expect));
        Ok(())
    };
    for _ in 0..cycles / 10 {
        cycle(399.0)?;
    }
    let warm = rss_kib();
    for _ in 0..cycles {
        cycle(399.0)?;
    }
    Ok((warm, rss_kib()))
}

#[test]
fn a_thousand_restores_do_not_leak() {
    for (kind, _) in engines() {
        let cycles = 1000;
        let measured: Result<(u64, u64), Error> = with_backend!(kind, |A| restore_cycles::<A>(cycles));
        let (warm, after) = measured.unwrap();
        let growth = (after as f64 - warm as f64) / warm as f64;
        println!(
            "{kind}: {cycles} restore/dispose cycles: RSS {warm} KiB after warm-up, {after} KiB after ({:+.1}%)",
            growth * 100.0
        );
        assert!(growth < 0.05, "{kind}: RSS grew {:.1}% over {cycles} cycles ({warm} -> {after} KiB)", growth * 100.0);
    }
}
