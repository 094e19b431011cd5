//! In-process figures for the main job, through criterion: typescript@4.9.5 loaded, then one
//! `ts.transpileModule`, per engine and per way of starting.
//!
//! `cargo bench --bench typescript [-- v8|chakra]` (the path of typescript.js in
//! `POLYSNAP_TYPESCRIPT_JS`; `cargo xtask bench` sets it and reads criterion's estimates).
//!
//! Every row is timed the same way: from nothing to the transpiled text in hand, the runtime
//! torn down after the clock stops (`iter_custom`), so no row carries a teardown another does
//! not. Before any timing, each row's output must equal the cold row's, or the bench panics.
//!
//! - `cold`: a fresh runtime runs the host runtime and typescript.js, then the expression;
//! - `heap`: open the snapshot (mapped, every byte checked), restore through the whole
//!   pipeline (engine check, reconcile, rehydrators, deserialize callbacks), the expression;
//! - `warm`: the same from a snapshot made with a warm-up (compiled code kept), where the
//!   engine keeps code;
//! - `code-cache`: a `code-cache` snapshot: the setup run again from the engine's code cache;
//! - `floor`: open the same heap snapshot, its payload handed straight to the backend with the
//!   natives in its order (no rehydrators, no callbacks), the expression: the engine's share.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use polysnap::core::format::Strategy;
use polysnap::core::{reconcile, Api, Capabilities, ExtraPolicy, HostValue, Runtime, ScriptHost};
use polysnap::host::{FilePolicy, Host, ModulePolicy};
use polysnap::{fresh, make_snapshot, restore, write_snapshot, Error, MakeOptions, Script, SnapshotFile};

/// The work every row ends with.
const TRANSPILE: &str = r#"String((ts.transpileModule("interface P { x: number }\nexport const f = (p: P): number => p.x * 2;\nexport class C<T> { constructor(readonly v: T) {} }\n", { compilerOptions: { module: ts.ModuleKind.CommonJS, newLine: ts.NewLineKind.LineFeed } }).outputText))"#;
/// The warm-up of the warm snapshot: another transpile, in a context thrown away.
const WARMUP: &str = r#"ts.transpileModule("export const warm = (n: number): string => `${n}`;", { compilerOptions: { module: ts.ModuleKind.CommonJS } });"#;

/// One engine's snapshots, made once before any timing.
struct Setup {
    host: Host,
    scripts: Vec<Script>,
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let path = std::env::var_os("POLYSNAP_TYPESCRIPT_JS").expect(
            "POLYSNAP_TYPESCRIPT_JS must name typescript@4.9.5's lib/typescript.js (cargo xtask bench sets it)",
        );
        let host = Host::new(Vec::new(), FilePolicy::Close, ModulePolicy::Reload);
        let typescript = Script::from_file(Path::new(&path)).expect("typescript.js is readable");
        let scripts = vec![host.runtime_script(), typescript];
        Setup { host, scripts, dir: tempfile::tempdir().expect("a temporary folder") }
    }

    /// Makes a snapshot with `options`; `None` when the engine refuses this strategy for a
    /// reason it declares (no such capability, setup not deterministic).
    fn make<A: Api>(&self, name: &str, options: MakeOptions) -> Option<PathBuf> {
        let registry = self.host.registry().expect("the host's natives register");
        let path = self.dir.path().join(name);
        match make_snapshot::<A>(&registry, &mut self.host.rehydrators(), &self.scripts, &options) {
            Ok(snapshot) => {
                write_snapshot(&path, &snapshot).expect("the snapshot is written");
                Some(path)
            }
            Err(Error::NotDeterministic { .. }) => None,
            Err(other) => panic!("{} make {name}: {other}", A::KIND),
        }
    }

    fn cold<A: Api>(&self) -> (A::Runtime, String) {
        let registry = self.host.registry().expect("the host's natives register");
        let mut runtime = fresh::<A>(&registry).expect("a fresh runtime");
        for script in &self.scripts {
            runtime.run_script(&script.name, &script.source).expect("the setup runs");
        }
        let text = transpile(&mut runtime);
        (runtime, text)
    }

    fn restored<A: Api>(&self, path: &Path) -> (A::Runtime, String) {
        let registry = self.host.registry().expect("the host's natives register");
        let file = SnapshotFile::open(path).expect("the snapshot opens");
        let mut runtime = restore::<A>(&file, &registry, &mut self.host.rehydrators()).expect("the snapshot restores");
        let text = transpile(&mut runtime);
        (runtime, text)
    }

    fn floor<A: Api>(&self, path: &Path) -> (A::Runtime, String) {
        let registry = self.host.registry().expect("the host's natives register");
        let file = SnapshotFile::open(path).expect("the snapshot opens");
        let natives = reconcile(&file.snapshot().refs, &registry, ExtraPolicy::Reject).expect("the natives match");
        let mut runtime = A::Runtime::restore(file.payload(), &natives).expect("the engine restores the payload");
        let text = transpile(&mut runtime);
        (runtime, text)
    }
}

fn transpile(runtime: &mut impl ScriptHost) -> String {
    match runtime.run_script("[eval]", TRANSPILE).expect("the transpile runs") {
        HostValue::String(text) => text,
        other => panic!("the transpile returned {other:?}"),
    }
}

/// Times `iters` runs of `row`, each from nothing to its output; the runtime each returns is
/// dropped after its clock stops.
fn timed<R>(iters: u64, mut row: impl FnMut() -> (R, String)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        let (runtime, text) = row();
        total += start.elapsed();
        std::hint::black_box(text);
        drop(runtime);
    }
    total
}

/// Whether criterion's filter (`cargo bench --bench typescript -- FILTER`) can select this
/// engine's group: its snapshots are made only then.
fn wanted(name: &str) -> bool {
    let group = format!("typescript/{name}");
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    filters.is_empty() || filters.iter().any(|f| group.contains(f.as_str()) || f.contains(group.as_str()))
}

fn engine<A: Api>(c: &mut Criterion, name: &str) {
    if !wanted(name) {
        return;
    }
    let setup = Setup::new();
    let (runtime, expected) = setup.cold::<A>();
    drop(runtime);
    let heap = setup.make::<A>("heap.psnap", MakeOptions::default()).expect("a heap snapshot");
    let warm = A::capabilities().contains(Capabilities::WARM_CODE).then(|| {
        let warmup = Script::new("warmup.js", WARMUP);
        let options = MakeOptions { warmup: Some(warmup), ..MakeOptions::default() };
        setup.make::<A>("warm.psnap", options).expect("a warm snapshot")
    });
    let code_cache = A::capabilities().contains(Capabilities::CODE_CACHE).then(|| {
        setup.make::<A>("code-cache.psnap", MakeOptions { strategy: Strategy::CodeCache, ..MakeOptions::default() })
    });
    let code_cache = code_cache.flatten();

    // Every row must produce what cold produced, or its time is not a time for the same work.
    let check = |row: &str, (runtime, text): (A::Runtime, String)| {
        assert_eq!(text, expected, "{name}/{row} printed something else than cold");
        drop(runtime);
    };
    check("heap", setup.restored::<A>(&heap));
    check("floor", setup.floor::<A>(&heap));
    if let Some(warm) = &warm {
        check("warm", setup.restored::<A>(warm));
    }
    if let Some(code_cache) = &code_cache {
        check("code-cache", setup.restored::<A>(code_cache));
    }

    let mut group = c.benchmark_group(format!("typescript/{name}"));
    // Ten samples of the slowest row (a ChakraCore heap restore, over a second) must fit.
    let measurement = if name == "chakra" { 15 } else { 6 };
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(measurement));
    group.bench_function("cold", |b| b.iter_custom(|iters| timed(iters, || setup.cold::<A>())));
    group.bench_function("heap", |b| b.iter_custom(|iters| timed(iters, || setup.restored::<A>(&heap))));
    if let Some(warm) = &warm {
        group.bench_function("warm", |b| b.iter_custom(|iters| timed(iters, || setup.restored::<A>(warm))));
    }
    if let Some(code_cache) = &code_cache {
        group.bench_function("code-cache", |b| b.iter_custom(|iters| timed(iters, || setup.restored::<A>(code_cache))));
    }
    group.bench_function("floor", |b| b.iter_custom(|iters| timed(iters, || setup.floor::<A>(&heap))));
    group.finish();
}

fn v8(c: &mut Criterion) {
    #[cfg(feature = "v8")]
    engine::<polysnap::v8::V8>(c, "v8");
    #[cfg(not(feature = "v8"))]
    let _ = c;
}

fn chakra(c: &mut Criterion) {
    #[cfg(feature = "chakra")]
    engine::<polysnap::chakra::Chakra>(c, "chakra");
    #[cfg(not(feature = "chakra"))]
    let _ = c;
}

// criterion's macros define undocumented public functions (`benches`, `main`).
#[allow(missing_docs)]
mod harness {
    use super::{chakra, v8};
    criterion::criterion_group!(benches, v8, chakra);
}
use harness::benches;

criterion::criterion_main!(benches);
