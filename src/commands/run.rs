//! `polysnap run`: restore, deserialize callbacks, `main()`, scripts, `-p`, event loop.

use std::path::PathBuf;

use snapshot_core::HostValue;

use crate::commands::{read_scripts, Failure};
use polysnap::host::{event_loop, FilePolicy, Host, ModulePolicy};
use polysnap::{restore, run_main, use_module_resolver, with_backend, Error, ModuleResolver, Script, SnapshotFile};

/// What `run` needs.
#[derive(Clone, Debug)]
pub struct RunArgs {
    /// The snapshot file.
    pub snapshot: PathBuf,
    /// Scripts to run after `main()`.
    pub scripts: Vec<PathBuf>,
    /// An expression whose `String()` is printed after the scripts.
    pub print: Option<String>,
    /// `process.argv` after the first two entries.
    pub args: Vec<String>,
    /// What to do with changed cached modules.
    pub modules: ModulePolicy,
    /// Every script is an ES module (`.mjs` files are anyway).
    pub module: bool,
    /// The named context the scripts and `-p` run in (main() runs in the default one).
    pub context: Option<String>,
    /// Leave the runtime to the end of the process instead of tearing the engine down after a
    /// successful run (the CLI does: the process ends at once, and the OS takes the heap back
    /// faster than the engine's own teardown, ~20 ms for typescript's heap on ChakraCore).
    pub leave_to_exit: bool,
}

/// Restores and runs; returns what `-p` printed (already written to stdout).
pub fn run(args: &RunArgs) -> Result<Option<String>, Failure> {
    let file = SnapshotFile::open(&args.snapshot).map_err(|e| Failure::Unusable(e.to_string()))?;
    let mut argv = vec!["polysnap".to_owned(), args.snapshot.display().to_string()];
    argv.extend(args.args.iter().cloned());
    let host = Host::new(argv, FilePolicy::Reopen, args.modules);
    let registry = host.registry().map_err(|e| Failure::Unusable(e.to_string()))?;
    let mut rehydrators = host.rehydrators();
    let scripts = read_scripts(&args.scripts, args.module)?;
    let engine = file.snapshot().header.engine.kind;
    let result: Result<Option<String>, Error> = with_backend!(engine, |A| {
        restore::<A>(&file, &registry, &mut rehydrators).and_then(|mut runtime| {
            let printed = run_restored::<A>(&mut runtime, args, &scripts, &host.module_resolver())?;
            if args.leave_to_exit {
                std::mem::forget(runtime);
            }
            Ok(printed)
        })
    });
    result.map_err(|e| Failure::from_error(e, &host))
}

/// main() → scripts → `-p` → event loop, in the named context when one is asked for.
/// Scripts and modules import through the host's resolver (`import()` as well).
fn run_restored<A: snapshot_core::Api>(
    runtime: &mut A::Runtime,
    args: &RunArgs,
    scripts: &[Script],
    resolver: &ModuleResolver,
) -> Result<Option<String>, Error> {
    // Before main(): it may import() too.
    use_module_resolver(runtime, resolver)?;
    run_main(runtime, &args.args)?;
    let Some(name) = &args.context else {
        return after_restore(runtime, scripts, args.print.as_deref());
    };
    let enter = |runtime: &mut A::Runtime, name: Option<&str>| {
        snapshot_core::Runtime::enter_context(runtime, name).map_err(|source| Error::Engine { engine: A::KIND, source })
    };
    enter(runtime, Some(name))?;
    let printed = run_scripts(runtime, scripts, args.print.as_deref())?;
    // The host runtime (timers, the event loop) lives in the default context.
    enter(runtime, None)?;
    event_loop::run_until_idle(runtime)?;
    Ok(printed)
}

/// Scripts → `-p` → event loop, on any runtime (after main()).
pub fn after_restore<R: snapshot_core::Runtime>(
    runtime: &mut R,
    scripts: &[Script],
    print: Option<&str>,
) -> Result<Option<String>, Error> {
    let printed = run_scripts(runtime, scripts, print)?;
    event_loop::run_until_idle(runtime)?;
    Ok(printed)
}

/// Scripts and modules → `-p` (printed to stdout), in the runtime's current context.
fn run_scripts<R: snapshot_core::Runtime>(
    runtime: &mut R,
    scripts: &[Script],
    print: Option<&str>,
) -> Result<Option<String>, Error> {
    let engine = runtime.engine();
    let js = |source| Error::Engine { engine, source };
    for script in scripts {
        script.run_in(runtime)?;
        // The completion value is dropped: so is any handle it pinned.
        runtime.release_handles().map_err(js)?;
    }
    let printed = match print {
        Some(expr) => {
            let value = runtime.run_script("[eval]", &format!("String(({expr}))")).map_err(js)?;
            let text = match value {
                HostValue::String(s) => s,
                other => format!("{other:?}"),
            };
            crate::commands::print_line(&text);
            Some(text)
        }
        None => None,
    };
    Ok(printed)
}
