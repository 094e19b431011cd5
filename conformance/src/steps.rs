//! The three steps a scenario runs as, each in its own process: make a snapshot, restore it
//! and check, or run setup and check fresh. Generic over the engine.

use std::path::{Path, PathBuf};

use polysnap::core::{Api, DynScriptHost, HostValue, Registry, Rehydrators, Runtime, ScriptHost};
use polysnap::host::{FilePolicy, ModulePolicy};
use polysnap::{MakeOptions, Script, SnapshotFile};

use crate::natives::{self, Counter, CounterRehydrator};
use crate::scenario::{Corruption, Scenario};

/// A step failed: a polysnap error (refused snapshot, engine error) or a bad scenario.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// polysnap refused or the engine failed.
    #[error(transparent)]
    Polysnap(#[from] polysnap::Error),
    /// The scenario's check did not produce a JSON string.
    #[error("scenario {scenario}: the check must complete with a JSON string, it gave {found:?}")]
    BadResult {
        /// The scenario.
        scenario: String,
        /// What it gave.
        found: HostValue,
    },
    /// The step cannot run for this scenario.
    #[error("scenario {scenario}: {message}")]
    NotApplicable {
        /// The scenario.
        scenario: String,
        /// Why.
        message: String,
    },
    /// Reading or damaging the snapshot file failed.
    #[error("scenario {scenario}: {message}")]
    Io {
        /// The scenario.
        scenario: String,
        /// What failed.
        message: String,
    },
}

struct Host {
    registry: Registry,
    rehydrators: Rehydrators<DynScriptHost>,
    runtime: Option<polysnap::host::Host>,
}

fn host(scenario: &Scenario, leave_out: &[String]) -> Result<Host, StepError> {
    let counter = Counter::default();
    let names: Vec<String> = scenario.natives.iter().filter(|n| !leave_out.contains(n)).cloned().collect();
    let runtime = scenario.host.then(|| {
        let files = match scenario.files.as_deref() {
            Some("reopen") => FilePolicy::Reopen,
            Some("close") => FilePolicy::Close,
            _ => FilePolicy::Error,
        };
        let modules = match scenario.modules.as_deref() {
            Some("reload") => ModulePolicy::Reload,
            _ => ModulePolicy::Refuse,
        };
        polysnap::host::Host::new(vec!["polysnap".into()], files, modules)
    });
    let mut registry = match &runtime {
        Some(h) => h.registry().map_err(polysnap::Error::from)?,
        None => Registry::new(),
    };
    let stores = natives::Stores::default();
    natives::register(&mut registry, &names, &counter, &stores).map_err(polysnap::Error::from)?;
    let mut rehydrators = match &runtime {
        Some(h) => h.rehydrators(),
        None => Rehydrators::new(),
    };
    if names.iter().any(|n| n == "test.counter") {
        rehydrators.add(CounterRehydrator(counter)).map_err(polysnap::Error::from)?;
    }
    if names.iter().any(|n| n.starts_with("test.Point.")) {
        rehydrators.add(stores.points).map_err(polysnap::Error::from)?;
    }
    if names.iter().any(|n| n.starts_with("test.Counter2.")) {
        rehydrators.add(stores.counters).map_err(polysnap::Error::from)?;
    }
    Ok(Host { registry, rehydrators, runtime })
}

/// The host runtime's script (when the scenario uses it), the scenario's setup, then its
/// setup module. Writes the scenario's module files first.
fn setup_scripts(scenario: &Scenario, host: &Host) -> Result<Vec<Script>, StepError> {
    for (path, content) in &scenario.module_files {
        let io = |e: std::io::Error| StepError::Io { scenario: scenario.name.clone(), message: format!("{path}: {e}") };
        std::fs::create_dir_all(Path::new(path).parent().unwrap_or(Path::new("/"))).map_err(io)?;
        std::fs::write(path, content).map_err(io)?;
    }
    let mut scripts: Vec<Script> = host.runtime.iter().map(|h| h.runtime_script()).collect();
    scripts.push(Script::new(format!("{}/setup.js", scenario.name), scenario.setup.as_str()));
    if let Some(root) = &scenario.setup_module {
        scripts.push(Script::module(format!("file://{root}"), scenario.module_files[root].as_str()));
    }
    if let Some(runtime) = &host.runtime {
        runtime.note_modules(&scripts);
    }
    Ok(scripts)
}

/// The host's Node-like module resolver (ES module scenarios): the host runtime's, which
/// keeps the ledger its module map's rehydrator checks, when the scenario has one.
fn resolver(host: &Host) -> polysnap::ModuleResolver {
    match &host.runtime {
        Some(runtime) => runtime.module_resolver(),
        None => std::sync::Arc::new(polysnap::host::modules::resolve),
    }
}

/// Runs the setup and writes a snapshot to `out`.
pub fn make<A: Api>(scenario: &Scenario, out: &Path) -> Result<(), StepError> {
    let mut host = host(scenario, &[])?;
    let scripts = setup_scripts(scenario, &host)?;
    let contexts = scenario
        .contexts
        .iter()
        .map(|(name, setup)| {
            (name.clone(), vec![Script::new(format!("{}/contexts/{name}.js", scenario.name), setup.as_str())])
        })
        .collect();
    let strategy = match scenario.strategy.as_deref() {
        Some("code-cache") => polysnap::core::format::Strategy::CodeCache,
        _ => polysnap::core::format::Strategy::Heap,
    };
    let options = MakeOptions {
        strategy,
        warmup: scenario.warmup.as_ref().map(|w| Script::new(format!("{}/warmup.js", scenario.name), w.as_str())),
        contexts,
        notes: Some(std::sync::Arc::new(|note: &str| eprintln!("{}{note}", crate::matrix::NOTE))),
        module_resolver: Some(resolver(&host)),
        ..MakeOptions::default()
    };
    let snapshot = polysnap::make_snapshot::<A>(&host.registry, &mut host.rehydrators, &scripts, &options)?;
    polysnap::write_snapshot(out, &snapshot)?;
    Ok(())
}

/// Restores the snapshot at `path` (damaged first if the scenario says so), runs main()
/// and the check, and returns the check's JSON.
pub fn restore<A: Api>(scenario: &Scenario, path: &Path) -> Result<String, StepError> {
    let mut host = host(scenario, &scenario.restore_without)?;
    let path = match scenario.corrupt {
        Some(corruption) => damaged_copy(scenario, path, corruption)?,
        None => path.to_owned(),
    };
    let file = SnapshotFile::open(&path).map_err(polysnap::Error::from)?;
    let mut runtime = polysnap::restore::<A>(&file, &host.registry, &mut host.rehydrators)?;
    polysnap::use_module_resolver(&mut runtime, &resolver(&host))?;
    polysnap::run_main(&mut runtime, &[])?;
    check(scenario, &mut runtime)
}

/// The same life cycle without the snapshot in the middle, in one runtime: snapshot API,
/// setup, serialize callbacks, rehydrators' records saved and handed back, deserialize
/// callbacks, main(), check. The restored result must equal this one. Refused for
/// scenarios with `differential = false`.
pub fn fresh<A: Api>(scenario: &Scenario) -> Result<String, StepError> {
    if !scenario.differential {
        return Err(StepError::NotApplicable {
            scenario: scenario.name.clone(),
            message: "not differential (`differential = false`): it has no fresh side to run".into(),
        });
    }
    let mut host = host(scenario, &[])?;
    let mut runtime = polysnap::fresh_building::<A>(&host.registry)?;
    polysnap::use_module_resolver(&mut runtime, &resolver(&host))?;
    for script in setup_scripts(scenario, &host)? {
        script.run_in(&mut runtime)?;
    }
    polysnap::capture_and_restore_in_place(&mut runtime, &mut host.rehydrators)?;
    polysnap::run_main(&mut runtime, &[])?;
    check(scenario, &mut runtime)
}

/// Runs the check (and `after`) in the scenario's `check_context`; the host's event loop in
/// the default context, where the host runtime lives.
fn check<R: Runtime>(scenario: &Scenario, runtime: &mut R) -> Result<String, StepError> {
    let context = scenario.check_context.as_deref();
    enter(runtime, context)?;
    let mut result = run(scenario, runtime, "check.js", &scenario.check)?;
    if scenario.host {
        enter(runtime, None)?;
        polysnap::host::event_loop::run_until_idle(runtime)?;
        enter(runtime, context)?;
    }
    if let Some(after) = &scenario.after {
        result = run(scenario, runtime, "after.js", after)?;
    }
    match result {
        HostValue::String(json) => Ok(json),
        found => Err(StepError::BadResult { scenario: scenario.name.clone(), found }),
    }
}

fn enter<R: Runtime>(runtime: &mut R, context: Option<&str>) -> Result<(), StepError> {
    let engine = runtime.engine();
    runtime.enter_context(context).map_err(|source| StepError::Polysnap(polysnap::Error::Engine { engine, source }))
}

fn run(scenario: &Scenario, runtime: &mut dyn ScriptHost, file: &str, source: &str) -> Result<HostValue, StepError> {
    let engine = runtime.engine();
    let name =
        if file.contains(':') || file.contains('/') { file.to_owned() } else { format!("{}/{file}", scenario.name) };
    runtime.run_script(&name, source).map_err(|source| StepError::Polysnap(polysnap::Error::Engine { engine, source }))
}

fn damaged_copy(scenario: &Scenario, path: &Path, corruption: Corruption) -> Result<PathBuf, StepError> {
    let io = |e: std::io::Error| StepError::Io { scenario: scenario.name.clone(), message: e.to_string() };
    let mut bytes = std::fs::read(path).map_err(io)?;
    match corruption {
        Corruption::FlipPayloadByte => {
            let layout = polysnap::core::format::decode::validate_layout(&bytes).map_err(polysnap::Error::from)?;
            let payload = layout.section(polysnap::core::format::SectionKind::Payload).expect("validated");
            let middle = (payload.offset + payload.length / 2) as usize;
            bytes[middle] ^= 0x01;
        }
    }
    let damaged = path.with_extension("damaged.psnap");
    std::fs::write(&damaged, bytes).map_err(io)?;
    Ok(damaged)
}
