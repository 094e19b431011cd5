//! The cost curve (`cargo xtask bench curve`): for heaps of 10^3 to 10^6 objects, a
//! code-heavy setup, and the seed's 10^7 globals with distinct shapes, on both engines:
//! cold (fresh runtime + setup + check), restore of the heap snapshot, restore of the
//! code-cache snapshot, and the snapshot sizes. Prints a table and draws
//! `docs/cost-curve.svg`.

use std::path::Path;
use std::time::Instant;

use plotters::prelude::*;
use polysnap::core::format::Strategy;
use polysnap::core::{Api, Capabilities, DynScriptHost, HostValue, Rehydrators, ScriptHost};
use polysnap::{with_backend, EngineKind, Error, MakeOptions, Registry, Script, SnapshotFile};

struct Case {
    name: String,
    objects: u64,
    setup: String,
    check: &'static str,
    code_cache: bool,
}

#[derive(Clone, Debug)]
struct Point {
    engine: EngineKind,
    case: String,
    objects: u64,
    cold_ms: f64,
    heap_ms: f64,
    heap_bytes: u64,
    code_cache_ms: Option<f64>,
    code_cache_bytes: Option<u64>,
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = [1_000u64, 10_000, 100_000, 1_000_000]
        .into_iter()
        .map(|n| Case {
            name: format!("objects-{n}"),
            objects: n,
            setup: format!("var objs = []; for (var i = 0; i < {n}; i++) objs.push({{ id: i, name: 'item' + i }});"),
            check: "objs.length + objs[objs.length - 1].id",
            code_cache: true,
        })
        .collect();
    let functions: String = (0..5_000).map(|i| format!("function f_{i}(x) {{ return x * {i} + {i}; }}\n")).collect();
    cases.push(Case {
        name: "code-heavy (5,000 functions)".into(),
        objects: 5_000,
        setup: format!("{functions}var total = 0; for (var i = 0; i < 5000; i++) total += this['f_' + i](1);"),
        check: "total + f_4999(2)",
        code_cache: true,
    });
    cases.push(Case {
        name: "10^7 globals, distinct shapes".into(),
        objects: 10_000_000,
        setup: "var global = this; for (var i = 0; i < 1e7; ) global[i++] = { [i]: i };".into(),
        check: "global[9999999][10000000]",
        code_cache: false,
    });
    cases
}

fn eval(runtime: &mut dyn ScriptHost, source: &str) -> Result<HostValue, Error> {
    let engine = runtime.engine();
    runtime.run_script("check.js", source).map_err(|source| Error::Engine { engine, source })
}

fn time_restore<A: Api>(path: &Path, check: &str, expected: &HostValue) -> Result<f64, Error> {
    let start = Instant::now();
    let file = SnapshotFile::open(path)?;
    let mut runtime = polysnap::restore::<A>(&file, &Registry::new(), &mut Rehydrators::new())?;
    let value = eval(&mut runtime, check)?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(&value, expected, "restored state differs from cold");
    Ok(ms)
}

fn measure<A: Api>(case: &Case, dir: &Path) -> Result<Point, Error> {
    let registry = Registry::new();
    let setup = [Script::new("setup.js", case.setup.as_str())];
    let start = Instant::now();
    let mut cold = polysnap::fresh::<A>(&registry)?;
    eval(&mut cold, &case.setup)?;
    let expected = eval(&mut cold, case.check)?;
    let cold_ms = start.elapsed().as_secs_f64() * 1000.0;
    drop(cold);

    let none = || -> Rehydrators<DynScriptHost> { Rehydrators::new() };
    let heap_path = dir.join("heap.psnap");
    let heap = polysnap::make_snapshot::<A>(&registry, &mut none(), &setup, &MakeOptions::default())?;
    polysnap::write_snapshot(&heap_path, &heap)?;
    drop(heap);
    let heap_ms = time_restore::<A>(&heap_path, case.check, &expected)?;
    let heap_bytes = std::fs::metadata(&heap_path).map_or(0, |m| m.len());
    std::fs::remove_file(&heap_path).ok();

    let (mut code_cache_ms, mut code_cache_bytes) = (None, None);
    if case.code_cache && A::capabilities().contains(Capabilities::CODE_CACHE) {
        let path = dir.join("code-cache.psnap");
        let options = MakeOptions { strategy: Strategy::CodeCache, ..MakeOptions::default() };
        let snapshot = polysnap::make_snapshot::<A>(&registry, &mut none(), &setup, &options)?;
        polysnap::write_snapshot(&path, &snapshot)?;
        code_cache_ms = Some(time_restore::<A>(&path, case.check, &expected)?);
        code_cache_bytes = std::fs::metadata(&path).ok().map(|m| m.len());
        std::fs::remove_file(&path).ok();
    }
    Ok(Point {
        engine: A::KIND,
        case: case.name.clone(),
        objects: case.objects,
        cold_ms,
        heap_ms,
        heap_bytes,
        code_cache_ms,
        code_cache_bytes,
    })
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "docs/cost-curve.svg".into());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut points = Vec::new();
    println!(
        "{:<8} {:<32} {:>11} {:>13} {:>11} {:>15} {:>12}",
        "engine", "case", "cold ms", "heap restore", "heap size", "code-cache", "cc size"
    );
    for engine in [EngineKind::V8, EngineKind::ChakraCore] {
        // One throw-away round first, so one-time costs (platform start-up, loading the
        // library, hashing it) are not charged to the first case.
        let warm_up =
            Case { name: "warm-up".into(), objects: 1, setup: "var x = 1;".into(), check: "x", code_cache: true };
        let _: Result<Point, Error> = with_backend!(engine, |A| measure::<A>(&warm_up, dir.path()));
        for case in cases() {
            if engine == EngineKind::ChakraCore && case.objects > 1_000_000 {
                println!(
                    "{:<8} {:<32} not run: TTD writes ~1 KB of text per object (100k objects: 100 MB), so 10^7 objects \
                     would be ~10 GB of TTD files to capture and inflate",
                    "chakra", case.name
                );
                continue;
            }
            let result: Result<Point, Error> = with_backend!(engine, |A| measure::<A>(&case, dir.path()));
            match result {
                Ok(p) => {
                    println!(
                        "{:<8} {:<32} {:>11.1} {:>13.1} {:>8.1} MB {:>15} {:>12}",
                        engine.to_string(),
                        p.case,
                        p.cold_ms,
                        p.heap_ms,
                        p.heap_bytes as f64 / 1e6,
                        p.code_cache_ms.map_or("-".into(), |ms| format!("{ms:.1}")),
                        p.code_cache_bytes.map_or("-".into(), |b| format!("{:.1} MB", b as f64 / 1e6)),
                    );
                    points.push(p);
                }
                Err(e) => println!("{:<8} {:<32} failed: {e}", engine.to_string(), case.name),
            }
        }
    }
    plot(&points, Path::new(&out)).expect("the plot is drawn");
    println!("plot: {out}");
}

/// One line of the plot: label, engine, the figure it draws, colour.
type Series = (&'static str, EngineKind, fn(&Point) -> Option<f64>, RGBColor);

fn plot(points: &[Point], out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(out, (900, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let curve: Vec<&Point> = points.iter().filter(|p| p.case.starts_with("objects-")).collect();
    let max_ms = curve.iter().flat_map(|p| [p.cold_ms, p.heap_ms, p.code_cache_ms.unwrap_or(0.0)]).fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(&root)
        .caption("polysnap: time to a result, small objects (log-log)", ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d((800f64..1.3e6f64).log_scale(), (0.5f64..max_ms * 1.5).log_scale())?;
    chart.configure_mesh().x_desc("objects in the heap").y_desc("milliseconds").draw()?;
    let series: [Series; 6] = [
        ("V8 cold", EngineKind::V8, |p| Some(p.cold_ms), RGBColor(31, 119, 180)),
        ("V8 heap restore", EngineKind::V8, |p| Some(p.heap_ms), RGBColor(44, 160, 44)),
        ("V8 code-cache restore", EngineKind::V8, |p| p.code_cache_ms, RGBColor(23, 190, 207)),
        ("ChakraCore cold", EngineKind::ChakraCore, |p| Some(p.cold_ms), RGBColor(214, 39, 40)),
        ("ChakraCore heap restore (TTD)", EngineKind::ChakraCore, |p| Some(p.heap_ms), RGBColor(255, 127, 14)),
        ("ChakraCore code-cache restore", EngineKind::ChakraCore, |p| p.code_cache_ms, RGBColor(148, 103, 189)),
    ];
    for (label, engine, value, color) in series {
        let data: Vec<(f64, f64)> = curve
            .iter()
            .filter(|p| p.engine == engine)
            .filter_map(|p| value(p).map(|v| (p.objects as f64, v)))
            .collect();
        chart
            .draw_series(LineSeries::new(data.clone(), color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        chart.draw_series(data.into_iter().map(|(x, y)| Circle::new((x, y), 3, color.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
