//! Whole-process cold start, for `cargo xtask bench`: a fresh runtime with the host runtime,
//! the scripts, then `String(EXPR)` printed — what `polysnap run SNAPSHOT -p EXPR` does from
//! a snapshot, done without one.
//!
//! `cold --engine v8|chakra SCRIPT... -p EXPR`
//!
//! With `--raw SNAPSHOT` instead of scripts it is the engine's floor, whole-process: the
//! snapshot's payload handed straight to the backend (natives in the snapshot's order, no
//! rehydrators, no callbacks), then `String(EXPR)`.
//!
//! Like `polysnap run`, it leaves the runtime to the end of the process (no engine teardown),
//! so that every row of the benchmark ends its process the same way.

use std::process::ExitCode;

use polysnap::core::{Api, HostValue, ScriptHost};
use polysnap::host::{FilePolicy, Host, ModulePolicy};
use polysnap::{with_backend, EngineKind, Error, Script};

fn run<A: Api>(scripts: &[String], expr: &str) -> Result<String, Error> {
    let host = Host::new(Vec::new(), FilePolicy::Close, ModulePolicy::Reload);
    let mut runtime = polysnap::fresh::<A>(&host.registry()?)?;
    let mut all = vec![host.runtime_script()];
    for path in scripts {
        all.push(Script::from_file(path.as_ref())?);
    }
    for script in &all {
        runtime.run_script(&script.name, &script.source).map_err(|source| Error::Engine { engine: A::KIND, source })?;
    }
    let printed = print(&mut runtime, expr);
    std::mem::forget(runtime);
    printed
}

/// `String(EXPR)` in `runtime`.
fn print(runtime: &mut impl ScriptHost, expr: &str) -> Result<String, Error> {
    let engine = runtime.engine();
    match runtime
        .run_script("[eval]", &format!("String(({expr}))"))
        .map_err(|source| Error::Engine { engine, source })?
    {
        HostValue::String(text) => Ok(text),
        other => Ok(format!("{other:?}")),
    }
}

fn raw<A: Api>(snapshot: &str, expr: &str) -> Result<String, Error> {
    use polysnap::core::Runtime;
    let host = Host::new(Vec::new(), FilePolicy::Close, ModulePolicy::Reload);
    let registry = host.registry()?;
    let file = polysnap::SnapshotFile::open(snapshot.as_ref())?;
    let natives = polysnap::core::reconcile(&file.snapshot().refs, &registry, polysnap::core::ExtraPolicy::Reject)?;
    let mut runtime = A::Runtime::restore(file.payload(), &natives).map_err(|e| Error::engine(A::KIND, e))?;
    let printed = print(&mut runtime, expr);
    // The runtime may use the mapped payload to the end: neither is torn down.
    std::mem::forget(runtime);
    std::mem::forget(file);
    printed
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(engine_at), Some(print_at)) =
        (args.iter().position(|a| a == "--engine"), args.iter().position(|a| a == "-p"))
    else {
        eprintln!("usage: cold --engine v8|chakra SCRIPT... -p EXPR");
        return ExitCode::from(2);
    };
    let engine = match args.get(engine_at + 1).map(String::as_str) {
        Some("v8") => EngineKind::V8,
        Some("chakra") => EngineKind::ChakraCore,
        _ => {
            eprintln!("--engine takes v8 or chakra");
            return ExitCode::from(2);
        }
    };
    let expr = args.get(print_at + 1).cloned().unwrap_or_default();
    let scripts: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != engine_at && *i != engine_at + 1 && *i != print_at && *i != print_at + 1)
        .map(|(_, a)| a.clone())
        .collect();
    let raw_snapshot = args.iter().position(|a| a == "--raw").and_then(|i| args.get(i + 1)).cloned();
    let scripts: Vec<String> =
        scripts.into_iter().filter(|a| a != "--raw" && Some(a) != raw_snapshot.as_ref()).collect();
    let result: Result<String, Error> = with_backend!(engine, |A| match &raw_snapshot {
        Some(snapshot) => raw::<A>(snapshot, &expr),
        None => run::<A>(&scripts, &expr),
    });
    match result {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cold: {e}");
            ExitCode::from(1)
        }
    }
}
