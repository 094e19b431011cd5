//! Every scenario file parses and names only known natives and capabilities.

#[test]
fn every_scenario_file_is_valid() {
    let scenarios = conformance::load_all(&conformance::scenario::scenarios_dir()).unwrap();
    assert!(scenarios.len() >= 30, "found {} scenarios", scenarios.len());
    for s in &scenarios {
        assert!(!s.about.is_empty() && !s.check.trim().is_empty(), "{} is incomplete", s.name);
    }
}

#[test]
fn named_context_fields_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let load = |name: &str, text: &str| {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        conformance::scenario::Scenario::load(&path)
    };
    let base = "about = 'x'\nsetup = ''\ncheck = '\"{}\"'\n";
    let ok = load(
        "ok",
        &format!("{base}requires = ['NAMED_CONTEXTS']\ndifferential = false\ncheck_context = 'b'\n[contexts]\nb = 'var x'\na = ''\n"),
    )
    .unwrap();
    assert_eq!(ok.contexts.keys().collect::<Vec<_>>(), ["a", "b"], "contexts are added in name order");
    assert_eq!(ok.check_context.as_deref(), Some("b"));
    assert!(!ok.differential);
    assert!(load("plain", base).unwrap().differential, "scenarios are differential by default");

    let err = load("unknown", &format!("{base}check_context = 'w'\n")).unwrap_err().to_string();
    assert!(err.contains("check_context `w` is not one of `contexts` (none given)"), "{err}");
    let err =
        load("fresh", &format!("{base}requires = ['NAMED_CONTEXTS']\n[contexts]\nw = ''\n")).unwrap_err().to_string();
    assert!(err.contains("needs `differential = false`"), "{err}");
    let err = load("caps", &format!("{base}differential = false\n[contexts]\nw = ''\n")).unwrap_err().to_string();
    assert!(err.contains("NAMED_CONTEXTS"), "{err}");
}
