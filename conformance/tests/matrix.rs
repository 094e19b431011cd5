//! The whole suite on every engine built in: each scenario made in one process, restored in
//! another, run fresh in a third. Restored must equal fresh, and the output must equal the
//! one expected output per scenario (an insta snapshot shared by every engine). Declared
//! capability gaps show as unsupported (and their fresh run must still give the expected
//! output); a gap that passes is a failure. And
//! docs/conformance.md must show the matrix this run produced (`cargo xtask conformance`
//! regenerates it).

use conformance::engines;
use conformance::matrix::{render, shows_gap, Expect, Outcome, Runner};
use conformance::scenario::{load_all, scenarios_dir};

#[test]
fn every_scenario_on_every_engine() {
    let dir = scenarios_dir();
    let scenarios = load_all(&dir).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let runner = Runner { binary: env!("CARGO_BIN_EXE_conformance").into(), scratch: scratch.path().to_owned() };
    let engines = engines::built_in();
    assert!(!engines.is_empty(), "no backend is built in");
    let mut failures = Vec::new();
    let mut cells = Vec::new();
    for scenario in &scenarios {
        let path = dir.join(format!("{}.toml", scenario.name));
        let mut row = Vec::new();
        for engine in &engines {
            let (outcome, output) = runner.run(scenario, &path, engine, Expect::Skip);
            row.push(outcome.clone());
            match outcome {
                Outcome::Fail(why) => failures.push(format!("{} on {}: {why}", scenario.name, engine.kind)),
                // A declared gap is the engine's only if the check itself works: run fresh
                // (no snapshot), it must give the scenario's one expected output.
                Outcome::Unsupported(_) if scenario.differential => match runner.fresh(&path, engine.kind) {
                    Ok(fresh) => insta::assert_snapshot!(scenario.name.as_str(), fresh),
                    // An engine that cannot run the setup at all (ES modules on ChakraCore)
                    // says so fresh too, with the same symptom.
                    Err(why) if shows_gap(scenario, engine, &why) => {}
                    Err(why) => {
                        failures.push(format!("{} on {} (fresh, for a gap): {why}", scenario.name, engine.kind))
                    }
                },
                Outcome::Unsupported(_) => {}
                Outcome::Pass => {
                    if let Some(output) = output {
                        // One expected output per scenario, whatever the engine.
                        insta::assert_snapshot!(scenario.name.as_str(), output);
                    }
                }
            }
        }
        cells.push(row);
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    if engines.len() == 2 {
        let doc = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/conformance.md");
        let doc = std::fs::read_to_string(&doc).unwrap_or_default();
        let table = render(&scenarios, &engines, &cells);
        assert!(
            doc.contains(&table),
            "docs/conformance.md is stale: run `cargo xtask conformance`; this run gives\n{table}"
        );
    }
}
