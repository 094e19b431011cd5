//! Leaks: 1,000 restore/dispose cycles in one process on each engine, after a warm-up of a
//! tenth as many: on V8 the process's RSS must grow less than 5%; on ChakraCore no more than
//! the engine's own leak per inflation (see the test's doc).
//! Alone in its own test binary, so no other test's memory is counted.

mod common;

use polysnap::core::{Api, HostValue, Rehydrators, ScriptHost};
use polysnap::{Error, Registry};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn restore_cycles<A: Api>(cycles: usize) -> Result<(u64, u64), Error> {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::new();
    let file = common::small_snapshot::<A>(dir.path(), &registry)?;
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

/// One test, so the two engines are measured one after the other, never at once.
#[test]
fn a_thousand_restores_leak_nothing_of_polysnaps() {
    #[cfg(feature = "v8")]
    v8_restores_do_not_leak();
    #[cfg(feature = "chakra")]
    chakra_restores_leak_no_more_than_the_engine_itself();
}

#[cfg(feature = "v8")]
fn v8_restores_do_not_leak() {
    let (warm, after) = restore_cycles::<polysnap::v8::V8>(1000).unwrap();
    let growth = (after as f64 - warm as f64) / warm as f64;
    println!(
        "v8: 1000 restore/dispose cycles: RSS {warm} KiB after warm-up, {after} KiB after ({:+.1}%)",
        growth * 100.0
    );
    assert!(growth < 0.05, "v8: RSS grew {:.1}% over 1000 cycles ({warm} -> {after} KiB)", growth * 100.0);
}

/// ChakraCore's replay runtime leaks inside the engine: 13-14 KB per inflation, measured with
/// the backend alone (`Runtime::inflate` + dispose, no polysnap code around it) while plain
/// runtimes created and disposed the same way grow by nothing. So 1,000 restores grow RSS by
/// ~13 MB (+19% of a 70 MB process), which misses the 5% goal for a reason polysnap cannot
/// fix (docs/reliability.md). This test holds polysnap to the engine's figure (with room for
/// noise: under 20 KiB per restore): anything
/// polysnap leaked per restore (a payload copy is 1.3 MB even for an empty heap) would show.
#[cfg(feature = "chakra")]
fn chakra_restores_leak_no_more_than_the_engine_itself() {
    let (warm, after) = restore_cycles::<polysnap::chakra::Chakra>(1000).unwrap();
    let per_restore_kib = (after as f64 - warm as f64) / 1000.0;
    println!("chakra: 1000 restore/dispose cycles: RSS {warm} KiB after warm-up, {after} KiB after ({per_restore_kib:.1} KiB per restore)");
    assert!(per_restore_kib < 20.0, "chakra: {per_restore_kib:.1} KiB per restore, the engine's own leak is 13-14 KiB");
}
