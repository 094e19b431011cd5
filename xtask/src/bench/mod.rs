//! `cargo xtask bench [v8|chakra] [--rounds N] [--runs N] [--write-docs]`: every figure of
//! docs/benchmarks.md, measured the same way on every side and checked.
//!
//! Steps: set up the engines, Node.js 18.20.4 and hyperfine → build everything timed
//! (release: polysnap, the `cold` example, the criterion bench) → make the snapshots (polysnap
//! and Node's own) → whole-process tables through hyperfine (every command first checked to
//! print what its baseline prints) → in-process rows through criterion → sizes → report,
//! printed, and with `--write-docs` written to docs/benchmarks.md with the cost curve.
//! `cargo xtask bench curve` draws the cost curve alone.

mod inprocess;
mod report;
mod stats;
mod whole;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{cmd, setup, workloads};
use report::{Report, Table};
use whole::Row;

/// The work every typescript row ends with: one transpile, printed.
pub const TRANSPILE: &str = r#"ts.transpileModule("interface P { x: number }\nexport const f = (p: P): number => p.x * 2;\nexport class C<T> { constructor(readonly v: T) {} }\n", { compilerOptions: { module: ts.ModuleKind.CommonJS, newLine: ts.NewLineKind.LineFeed } }).outputText"#;
/// The warm snapshot's warm-up: another transpile, in a context V8 throws away.
const WARMUP: &str = r#"ts.transpileModule("export const warm = (n: number): string => `${n}`;", { compilerOptions: { module: ts.ModuleKind.CommonJS } });"#;
/// A setup that computes for a while and leaves a small heap.
const HEAVY: &str = "var acc = 0; for (var i = 0; i < 30000000; i++) { acc = (acc + i * i) % 1000003; } var table = []; for (var j = 0; j < 1000; j++) { table.push(acc + j); }";

/// The ES module application: a package (`compiler`, typescript as an ES module behind an
/// `exports` map), a configuration module and a top-level await; each file (path under the
/// scratch folder, text; `None` for typescript.mjs, written from typescript.js).
const ESM_APP: &[(&str, Option<&str>)] = &[
    (
        "esm/app.mjs",
        Some(
            "import { transpile, version } from 'compiler';\nimport { options } from './config.mjs';\n\
             // A start-up step that waits on a promise, as loaders and plugin registries do.\n\
             const ready = await Promise.resolve(`typescript ${version}`);\n\
             globalThis.app = { ready, transpile: (source) => transpile(source, options) };\n",
        ),
    ),
    ("esm/config.mjs", Some("export const options = { compilerOptions: { module: 1, newLine: 1 } };\n")),
    (
        "esm/node_modules/compiler/package.json",
        Some(r#"{ "name": "compiler", "exports": { ".": { "import": "./index.mjs", "require": "./index.cjs" } } }"#),
    ),
    (
        "esm/node_modules/compiler/index.mjs",
        Some(
            "import ts from './typescript.mjs';\nexport const version = ts.version;\n\
             export function transpile(source, options) { return ts.transpileModule(source, options).outputText; }\n",
        ),
    ),
    ("esm/node_modules/compiler/typescript.mjs", None),
];
/// The ES module application's work after start-up: one transpile, printed.
const ESM_TRANSPILE: &str =
    r#"app.transpile("interface P { x: number }\nexport const f = (p: P): number => p.x * 2;\n")"#;

/// Writes the ES module application under `dir`.
fn write_esm_app(dir: &Path, typescript: &Path) -> Result<()> {
    for (path, text) in ESM_APP {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder"))?;
        match text {
            Some(text) => std::fs::write(&path, text)?,
            None => {
                let mut module = std::fs::read_to_string(typescript)?;
                module.push_str("\nexport default ts;\n");
                std::fs::write(&path, module)?;
            }
        }
    }
    Ok(())
}

/// What the command line asked for.
struct Options {
    engines: Vec<&'static str>,
    rounds: usize,
    runs: usize,
    criterion_rounds: usize,
    write_docs: bool,
    /// Each command and each criterion row once, outputs checked, nothing reported (CI).
    smoke: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options {
            engines: vec!["v8", "chakra"],
            rounds: 5,
            runs: 5,
            criterion_rounds: 3,
            write_docs: false,
            smoke: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut number = |what: &str| -> Result<usize> {
                let value = args.next().with_context(|| format!("{what} takes a number"))?;
                value
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .with_context(|| format!("{what} takes a number above 0, not {value}"))
            };
            match arg.as_str() {
                "v8" => options.engines = vec!["v8"],
                "chakra" => options.engines = vec!["chakra"],
                "--rounds" => options.rounds = number("--rounds")?,
                "--runs" => options.runs = number("--runs")?,
                "--criterion-rounds" => options.criterion_rounds = number("--criterion-rounds")?,
                "--write-docs" => options.write_docs = true,
                "--smoke" => options.smoke = true,
                other => bail!(
                    "unknown argument {other}; usage: cargo xtask bench [v8|chakra|curve] [--rounds N] [--runs N] \
                     [--criterion-rounds N] [--write-docs | --smoke]"
                ),
            }
        }
        if options.write_docs && (options.engines.len() != 2 || options.smoke) {
            bail!("--write-docs measures both engines in full: leave out v8/chakra and --smoke");
        }
        if options.smoke {
            (options.rounds, options.runs) = (1, 2);
        }
        Ok(options)
    }
}

/// Everything the rows run, built and fetched.
struct Tools {
    polysnap: PathBuf,
    cold: PathBuf,
    node: PathBuf,
    hyperfine: PathBuf,
}

/// Runs the benchmarks (`args` after `bench`).
pub fn run(workspace: &Path, args: &[String]) -> Result<()> {
    let engines = setup::run(workspace)?;
    if args.first().map(String::as_str) == Some("curve") {
        return curve(workspace, &engines.env()).map(drop);
    }
    let options = Options::parse(args)?;
    let bench_tools = setup::bench_tools(workspace)?;
    let typescript = workloads::typescript(workspace)?;
    let ts = typescript.to_str().context("a UTF-8 path")?;
    let mut env = engines.env();
    env.push(("POLYSNAP_TYPESCRIPT_JS", ts));
    cmd::cargo(
        "build polysnap, the cold example and the criterion bench (release)",
        workspace,
        &["build", "--release", "--quiet", "--bin", "polysnap", "--example", "cold", "--bench", "typescript"],
        &env,
    )?;
    let tools = Tools {
        polysnap: workspace.join("target/release/polysnap"),
        cold: workspace.join("target/release/examples/cold"),
        node: bench_tools.node,
        hyperfine: bench_tools.hyperfine,
    };
    let scratch = tempfile::tempdir()?;
    let dir = scratch.path();
    std::os::unix::fs::symlink(&typescript, dir.join("typescript.js"))?;
    std::fs::write(dir.join("warmup.js"), WARMUP)?;
    std::fs::write(dir.join("heavy.js"), HEAVY)?;
    write_esm_app(dir, &typescript)?;
    let node_version = node_snapshot(&tools.node, dir, &typescript)?;

    // The cost curve first: the slowest part, and the one most likely to fail.
    let curve_text = match options.write_docs {
        true => {
            eprintln!("bench: the cost curve");
            Some(curve(workspace, &engines.env())?)
        }
        false => None,
    };
    let mut report = Report::new(&options, node_version);
    for &engine in &options.engines {
        eprintln!("bench: {engine}: snapshots");
        let made = make_snapshots(&tools.polysnap, dir, engine)?;
        report.notes.extend(made.refused.iter().map(|reason| format!("{engine}: {reason}")));
        for table in tables(&tools, engine, &made) {
            eprint!("bench: {engine}: {} ", table.title);
            let peaks = whole::check_outputs(dir, &table.rows)?;
            let (rounds, runs) = match table.repetitions {
                Some(slow) if !options.smoke => slow,
                _ => (options.rounds, options.runs),
            };
            let mut samples = whole::measure(&tools.hyperfine, dir, &table.rows, rounds, runs)?;
            for (samples, peak) in samples.iter_mut().zip(peaks) {
                samples.peak_rss.push(peak);
            }
            report.whole.push(Table { samples, ..table });
        }
        report.sizes.push(sizes(&tools.polysnap, dir, engine)?);
        if options.smoke {
            inprocess::smoke(workspace, &env, engine)?;
            continue;
        }
        eprintln!("bench: {engine}: in process (criterion)");
        report.in_process.push((engine, inprocess::measure(workspace, &env, engine, options.criterion_rounds)?));
    }
    if options.smoke {
        eprintln!("bench: smoke run passed: every row ran and printed what its baseline printed (no figures kept)");
        return Ok(());
    }
    report.curve = curve_text;
    let text = report.render();
    println!("{text}");
    if options.write_docs {
        let doc = workspace.join("docs/benchmarks.md");
        std::fs::write(&doc, text).with_context(|| format!("cannot write {}", doc.display()))?;
        eprintln!("bench: wrote {}", doc.display());
    }
    Ok(())
}

/// The snapshots an engine made, and why any was refused.
struct Made {
    warm: bool,
    code_cache: bool,
    heavy: bool,
    esm: bool,
    refused: Vec<String>,
}

fn make_snapshots(polysnap: &Path, dir: &Path, engine: &str) -> Result<Made> {
    let mut refused = Vec::new();
    let mut make = |file: &str, extra: &[&str], script: &str| -> Result<bool> {
        let mut args = vec!["make", "--engine", engine, "-o", file];
        args.extend_from_slice(extra);
        args.push(script);
        let out = Command::new(polysnap).args(&args).current_dir(dir).output()?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let reason = stderr.lines().find(|l| !l.contains("note:")).unwrap_or("no reason given");
            refused.push(format!("`polysnap {}` was refused: {reason}", args.join(" ")));
        }
        Ok(out.status.success())
    };
    let heap = make(&format!("{engine}-heap.psnap"), &[], "typescript.js")?;
    let warm = make(&format!("{engine}-warm.psnap"), &["--warmup", "warmup.js"], "typescript.js")?;
    let code_cache = make(&format!("{engine}-code-cache.psnap"), &["--strategy", "code-cache"], "typescript.js")?;
    let heavy = make(&format!("{engine}-heavy.psnap"), &[], "heavy.js")?;
    let esm = make(&format!("{engine}-esm.psnap"), &[], "esm/app.mjs")?;
    if !heap {
        bail!("{engine}: the typescript heap snapshot was refused: {}", refused.join("; "));
    }
    Ok(Made { warm, code_cache, heavy, esm, refused })
}

/// The whole-process tables of one engine.
fn tables(tools: &Tools, engine: &str, made: &Made) -> Vec<Table> {
    let args = |words: &[&str]| -> Vec<String> { words.iter().map(|w| (*w).to_owned()).collect() };
    let row = |name: &str, program: &Path, words: Vec<String>, baseline: usize| Row {
        name: name.to_owned(),
        program: program.to_owned(),
        args: words,
        baseline,
    };
    let heap = format!("{engine}-heap.psnap");
    let mut typescript = vec![
        row("cold", &tools.cold, args(&["--engine", engine, "typescript.js", "-p", TRANSPILE]), 0),
        row("restored, heap", &tools.polysnap, args(&["run", &heap, "-p", TRANSPILE]), 0),
        row("engine floor, heap", &tools.cold, args(&["--engine", engine, "--raw", &heap, "-p", TRANSPILE]), 0),
    ];
    if made.warm && engine == "v8" {
        let warm = format!("{engine}-warm.psnap");
        typescript.push(row("restored, warm heap", &tools.polysnap, args(&["run", &warm, "-p", TRANSPILE]), 0));
    }
    if made.code_cache {
        let cc = format!("{engine}-code-cache.psnap");
        typescript.push(row("restored, code cache", &tools.polysnap, args(&["run", &cc, "-p", TRANSPILE]), 0));
    }
    if engine == "v8" {
        let node_cold = typescript.len();
        typescript.push(row("Node.js, cold", &tools.node, args(&["node-entry.js"]), 0));
        typescript.push(row(
            "Node.js, its snapshot",
            &tools.node,
            args(&["--snapshot-blob", "node-ts.blob"]),
            node_cold,
        ));
    }
    let mut tables = vec![Table::new(engine, "typescript, load + one transpile", typescript, None)];
    if made.heavy {
        let heavy = format!("{engine}-heavy.psnap");
        let rows = vec![
            row("cold", &tools.cold, args(&["--engine", engine, "heavy.js", "-p", "acc"]), 0),
            row("restored, heap", &tools.polysnap, args(&["run", &heavy, "-p", "acc"]), 0),
        ];
        tables.push(Table::new(engine, "compute-heavy setup (30M iterations), small heap", rows, None));
    }
    if made.esm {
        let esm = format!("{engine}-esm.psnap");
        let rows = vec![
            row(
                "cold (exec)",
                &tools.polysnap,
                args(&["exec", "--engine", engine, "esm/app.mjs", "-p", ESM_TRANSPILE]),
                0,
            ),
            row("restored, heap", &tools.polysnap, args(&["run", &esm, "-p", ESM_TRANSPILE]), 0),
        ];
        tables.push(Table::new(engine, "an ES module application (typescript behind a package's exports map, top-level await), load + one transpile", rows, None));
    }
    let out = format!("{engine}-make.psnap");
    let rows = vec![
        row(
            "make --no-verify",
            &tools.polysnap,
            args(&["make", "--engine", engine, "--no-verify", "-o", &out, "typescript.js"]),
            0,
        ),
        row("make (verified)", &tools.polysnap, args(&["make", "--engine", engine, "-o", &out, "typescript.js"]), 0),
    ];
    tables.push(Table::new(engine, "making the typescript heap snapshot", rows, Some((2, 3))));
    tables
}

/// Writes Node's entry (typescript.js, then a transpile printed, or set as the snapshot's main
/// function while Node builds one) and builds Node's snapshot of it; returns Node's version.
fn node_snapshot(node: &Path, dir: &Path, typescript: &Path) -> Result<String> {
    let mut entry = std::fs::read_to_string(typescript)?;
    entry.push_str(&format!(
        "\n;(function () {{\n  const transpile = () => {TRANSPILE};\n  const v8 = require('v8');\n  \
         if (v8.startupSnapshot.isBuildingSnapshot()) {{\n    \
         v8.startupSnapshot.setDeserializeMainFunction(() => console.log(transpile()));\n  }} else {{\n    \
         console.log(transpile());\n  }}\n}})();\n"
    ));
    std::fs::write(dir.join("node-entry.js"), entry)?;
    let out = Command::new(node)
        .args(["--snapshot-blob", "node-ts.blob", "--build-snapshot", "node-entry.js"])
        .current_dir(dir)
        .output()?;
    if !out.status.success() {
        bail!("Node.js could not build its snapshot: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let version = Command::new(node).arg("--version").output()?;
    Ok(String::from_utf8_lossy(&version.stdout).trim().to_owned())
}

/// A typescript heap snapshot's file, stored payload and decoded payload, in bytes.
pub struct Sizes {
    pub engine: &'static str,
    pub file: u64,
    pub stored: u64,
    pub decoded: u64,
}

fn sizes(polysnap: &Path, dir: &Path, engine: &'static str) -> Result<Sizes> {
    let file = format!("{engine}-heap.psnap");
    let inspect = Command::new(polysnap).args(["inspect", "--json", &file]).current_dir(dir).output()?;
    if !inspect.status.success() {
        bail!("polysnap inspect {file} failed: {}", String::from_utf8_lossy(&inspect.stderr).trim());
    }
    let json: serde_json::Value = serde_json::from_slice(&inspect.stdout).context("inspect --json does not parse")?;
    let field = |name: &str| find_number(&json, name).with_context(|| format!("inspect --json has no {name}"));
    Ok(Sizes {
        engine,
        file: std::fs::metadata(dir.join(&file))?.len(),
        stored: field("stored_bytes")?,
        decoded: field("decoded_bytes")?,
    })
}

/// The first number under key `name` anywhere in `value`.
fn find_number(value: &serde_json::Value, name: &str) -> Option<u64> {
    match value {
        serde_json::Value::Object(map) => map
            .get(name)
            .and_then(serde_json::Value::as_u64)
            .or_else(|| map.values().find_map(|v| find_number(v, name))),
        serde_json::Value::Array(items) => items.iter().find_map(|v| find_number(v, name)),
        _ => None,
    }
}

/// Runs the cost curve (redrawing docs/cost-curve.svg); returns what it printed.
fn curve(workspace: &Path, env: &[(&str, &str)]) -> Result<String> {
    let svg = workspace.join("docs/cost-curve.svg");
    let svg = svg.to_str().context("a UTF-8 path")?;
    cmd::cargo("build the cost curve", workspace, &["build", "--release", "--quiet", "--example", "curve"], env)?;
    let out =
        Command::new(workspace.join("target/release/examples/curve")).arg(svg).envs(env.iter().copied()).output()?;
    if !out.status.success() {
        bail!("the cost curve failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{text}");
    Ok(text)
}
