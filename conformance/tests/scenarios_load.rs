//! Every scenario file parses and names only known natives and capabilities.

#[test]
fn every_scenario_file_is_valid() {
    let scenarios = conformance::load_all(&conformance::scenario::scenarios_dir()).unwrap();
    assert!(scenarios.len() >= 30, "found {} scenarios", scenarios.len());
    for s in &scenarios {
        assert!(!s.about.is_empty() && !s.check.trim().is_empty(), "{} is incomplete", s.name);
    }
}
