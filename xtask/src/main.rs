//! polysnap's task runner.
//!
//! ```text
//! cargo xtask setup   fetch both engines (and the benchmarks' Node.js and hyperfine) from the registries
//! cargo xtask test    set up, then every test, clippy and the docs
//! cargo xtask demo    set up, then the main job on both engines
//! cargo xtask tinyrt  examples/runtime, an outside crate, built per engine and checked
//! cargo xtask conformance   the scenario × engine matrix, also written to docs/conformance.md
//! cargo xtask battery [FILTER]   the differential battery (battery/cases), written to docs/battery.md
//! cargo xtask bench [v8|chakra] [--write-docs | --smoke]   hyperfine + criterion, beside Node.js
//! cargo xtask bench curve          the cost curve, redrawing docs/cost-curve.svg
//! cargo xtask fuzz [SECONDS]        the container decoder's fuzz targets (30 s each by default)
//! cargo xtask cycles               no module-level import cycle inside any crate
//! cargo xtask corpus [--quick] [NAME...]   real npm libraries × engines × strategies, docs/corpus.md
//! ```

mod battery;
mod bench;
mod cmd;
mod corpus;
mod cycles;
mod demo;
mod fuzz;
mod setup;
mod test;
mod tinyrt;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(&workspace()).and_then(|_| setup::bench_tools(&workspace())).map(|_| ()),
        Some("test") => test::run(&workspace()),
        Some("demo") => demo::run(&workspace()),
        Some("cycles") => cycles::run(&workspace()),
        Some("tinyrt") => setup::run(&workspace()).and_then(|_| tinyrt::run(&workspace())),
        Some("battery") => battery::run(&workspace(), args.get(1).map(String::as_str)),
        Some("conformance") => conformance(&workspace()),
        Some("corpus") => corpus::run(&workspace(), &args[1..]),
        Some("bench") => bench::run(&workspace(), &args[1..]),
        Some("fuzz") => match args.get(1).map(|s| s.parse::<u64>()) {
            None => fuzz::run(&workspace(), 30),
            Some(Ok(seconds)) => fuzz::run(&workspace(), seconds),
            Some(Err(_)) => {
                eprintln!("usage: cargo xtask fuzz [SECONDS]");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!(
                "usage: cargo xtask setup | test | demo | tinyrt | conformance | battery [FILTER] | bench [v8|chakra|curve] [--write-docs | --smoke] | cycles | fuzz [SECONDS] | corpus [--quick] [NAME...]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the conformance matrix and writes it to docs/conformance.md.
fn conformance(workspace: &std::path::Path) -> anyhow::Result<()> {
    let engines = setup::run(workspace)?;
    let doc = workspace.join("docs/conformance.md");
    let doc = doc.to_str().expect("a UTF-8 path");
    cmd::cargo(
        "conformance",
        workspace,
        &["run", "--quiet", "-p", "conformance", "--", "matrix", "--write", doc],
        &engines.env(),
    )
}

/// The workspace root (xtask lives one folder below it).
fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_owned()
}
