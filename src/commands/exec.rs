//! `polysnap exec`: the same life cycle as `make` followed by `run`, in one process and
//! without a snapshot — setup scripts, serialize callbacks, rehydrators, deserialize
//! callbacks, `main()`, scripts, `-p`, event loop. It is the "fresh" side of every
//! differential check (restored must equal it) and a way to run a setup without making one.

use std::path::PathBuf;

use crate::commands::run::after_restore;
use crate::commands::{read_scripts, Failure};
use polysnap::host::{FilePolicy, Host, ModulePolicy};
use polysnap::{run_main, with_backend, EngineKind, Error};

/// What `exec` needs.
#[derive(Clone, Debug)]
pub struct ExecArgs {
    /// The engine.
    pub engine: EngineKind,
    /// The setup scripts, run in order in one global scope (as `make` runs them).
    pub scripts: Vec<PathBuf>,
    /// An expression whose `String()` is printed after the setup (as `run -p`).
    pub print: Option<String>,
    /// `process.argv` after the first two entries.
    pub args: Vec<String>,
    /// Every script is an ES module (`.mjs` files are anyway).
    pub module: bool,
}

/// Runs the setup and what a restore would run after it; returns what `-p` printed.
pub fn exec(args: &ExecArgs) -> Result<Option<String>, Failure> {
    let first = args.scripts.first().map(|p| p.display().to_string()).unwrap_or_default();
    let mut argv = vec!["polysnap".to_owned(), first];
    argv.extend(args.args.iter().cloned());
    let host = Host::new(argv, FilePolicy::Reopen, ModulePolicy::Refuse);
    let registry = host.registry().map_err(|e| Failure::Unusable(e.to_string()))?;
    let mut rehydrators = host.rehydrators();
    let mut scripts = vec![host.runtime_script()];
    scripts.extend(read_scripts(&args.scripts, args.module)?);
    host.note_modules(&scripts);
    let resolver = host.module_resolver();
    let result: Result<Option<String>, Error> = with_backend!(args.engine, |A| {
        polysnap::fresh_life_cycle::<A>(&registry, &mut rehydrators, &scripts, Some(&resolver)).and_then(
            |mut runtime| {
                run_main(&mut runtime, &args.args)?;
                let printed = after_restore(&mut runtime, &[], args.print.as_deref())?;
                // As `polysnap run` does: the process ends at once and takes the engine with it.
                std::mem::forget(runtime);
                Ok(printed)
            },
        )
    });
    result.map_err(|e| Failure::from_error(e, &host))
}
