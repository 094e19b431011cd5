//! tinyrt: a tiny JavaScript runtime built on polysnap, as a runtime author writes one.
//!
//! ```text
//! tinyrt build SETUP.js -o FILE [--engine v8|chakra]   run SETUP.js, write its snapshot
//! tinyrt run FILE [SCRIPT.js] [--without NATIVE]       restore FILE (any engine), run SCRIPT.js
//! ```
//!
//! Scripts see two natives, `tinyrt.print(value)` (prints `String(value)`) and
//! `tinyrt.add(a, b)`. tinyrt counts the additions in Rust; a rehydrator carries the count
//! across the snapshot. `--without` drops a native, to show what a changed native set prints.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use polysnap::core::{stable_id, DynScriptHost, RehydrateError, Rehydrator, Rehydrators};
use polysnap::{EngineKind, Error, HostValue, MakeOptions, Registry, Runtime, Script, SnapshotFile};

/// Runs before the setup: `print` takes any value, as `String()` shows it (the native takes
/// a string).
const PRELUDE: &str = "tinyrt.print = ((print) => (value) => print(String(value)))(tinyrt.print);";

/// tinyrt's natives, installed as `globalThis.tinyrt`; `without` is left out.
fn natives(additions: &Arc<AtomicU64>, without: Option<&str>) -> Result<Registry, Error> {
    let mut registry = Registry::new();
    registry.function("tinyrt.print", |call| {
        println!("{}", call.arg_as::<String>(0)?);
        Ok(HostValue::Undefined)
    })?;
    let count = additions.clone();
    if without != Some("tinyrt.add") {
        registry.function("tinyrt.add", move |call| {
            count.fetch_add(1, Ordering::Relaxed);
            Ok(HostValue::Number(call.arg_as::<f64>(0)? + call.arg_as::<f64>(1)?))
        })?;
    }
    registry.expose("tinyrt");
    Ok(registry)
}

/// Native state the heap cannot hold: how many additions ran, carried across the snapshot.
struct Additions(Arc<AtomicU64>);

impl Rehydrator<DynScriptHost> for Additions {
    type Record = u64;

    fn id(&self) -> polysnap::StableId {
        stable_id!("tinyrt.Additions")
    }

    fn before_snapshot(&mut self, _: &mut DynScriptHost) -> Result<Vec<u64>, RehydrateError> {
        Ok(vec![self.0.load(Ordering::Relaxed)])
    }

    fn after_restore(&mut self, _: &mut DynScriptHost, records: Vec<u64>) -> Result<(), RehydrateError> {
        self.0.store(records.iter().sum(), Ordering::Relaxed);
        Ok(())
    }
}

fn rehydrators(additions: &Arc<AtomicU64>) -> Result<Rehydrators<DynScriptHost>, Error> {
    let mut rehydrators = Rehydrators::new();
    rehydrators.add(Additions(additions.clone()))?;
    Ok(rehydrators)
}

fn build(setup: &str, out: &str, engine: EngineKind) -> Result<(), Error> {
    let additions = Arc::new(AtomicU64::new(0));
    let scripts =
        [Script::new("tinyrt:prelude.js", PRELUDE), Script::from_file(setup.as_ref())?];
    let registry = natives(&additions, None)?;
    let snapshot =
        polysnap::make_with(engine, &registry, &mut rehydrators(&additions)?, &scripts, &MakeOptions::default())?;
    polysnap::write_snapshot(out.as_ref(), &snapshot)?;
    eprintln!("tinyrt: wrote {out} ({engine}, {} additions during setup)", additions.load(Ordering::Relaxed));
    Ok(())
}

fn run(file: &str, script: Option<&str>, without: Option<&str>) -> Result<(), Error> {
    let additions = Arc::new(AtomicU64::new(0));
    let file = SnapshotFile::open(file.as_ref())?;
    let registry = natives(&additions, without)?;
    let mut runtime = Runtime::restore_with(&file, &registry, &mut rehydrators(&additions)?)?;
    eprintln!(
        "tinyrt: restored a {} snapshot, {} additions so far",
        runtime.engine(),
        additions.load(Ordering::Relaxed)
    );
    // The identity map, read from Rust: what the setup bound with `snapshot.bind`.
    if let Ok(app) = runtime.lookup(&file, polysnap::stable_id_of("app")) {
        eprintln!("tinyrt: the setup bound `app` to {}", app.kind_name());
        runtime.release_handles()?;
    }
    if let Some(script) = script {
        let script = Script::from_file(script.as_ref())?;
        runtime.run_script(&script.name, &script.source)?;
    }
    runtime.run_main(&[])?;
    eprintln!("tinyrt: {} additions in all", additions.load(Ordering::Relaxed));
    Ok(())
}

fn main() -> ExitCode {
    // Flags that take a value, then the plain words in order.
    let (mut flags, mut plain) = (std::collections::HashMap::new(), Vec::new());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-o" | "--engine" | "--without" => drop(flags.insert(arg, args.next().unwrap_or_default())),
            _ => plain.push(arg),
        }
    }
    let value_of = |flag: &str| flags.get(flag).map(String::as_str);
    let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
    let result = match plain.as_slice() {
        ["build", setup] => match (value_of("-o"), value_of("--engine").unwrap_or("v8")) {
            (Some(out), "v8") => build(setup, out, EngineKind::V8),
            (Some(out), "chakra") => build(setup, out, EngineKind::ChakraCore),
            _ => return usage(),
        },
        ["run", file] => run(file, None, value_of("--without")),
        ["run", file, script] => run(file, Some(script), value_of("--without")),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tinyrt: {error}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: tinyrt build SETUP.js -o FILE [--engine v8|chakra] | tinyrt run FILE [SCRIPT.js] [--without NATIVE]"
    );
    ExitCode::from(2)
}
