//! `polysnap make`: run scripts in a fresh runtime, capture, write the snapshot atomically.

use std::path::{Path, PathBuf};

use crate::commands::{read_scripts, Failure};
use polysnap::host::{FilePolicy, Host, ModulePolicy};
use polysnap::{make_snapshot, with_backend, write_snapshot, EngineKind, MakeOptions};

/// What `make` needs.
#[derive(Clone, Debug)]
pub struct MakeArgs {
    /// The engine.
    pub engine: EngineKind,
    /// Where to write the snapshot.
    pub output: PathBuf,
    /// A warm-up script (compiled code kept, side effects discarded).
    pub warmup: Option<PathBuf>,
    /// Store natives' names in the file.
    pub embed_names: bool,
    /// The setup scripts, run in order in one global scope.
    pub scripts: Vec<PathBuf>,
    /// Every setup script is an ES module (`.mjs` files are anyway).
    pub module: bool,
    /// What to do with files still open at capture.
    pub files: FilePolicy,
    /// Named contexts: (name, the script that sets it up).
    pub contexts: Vec<(String, PathBuf)>,
    /// What to capture; `None` is auto (both made and timed, the faster correct one kept).
    pub strategy: Option<snapshot_core::format::Strategy>,
    /// Write without restoring the snapshot first to check it (`--no-verify`).
    pub skip_verification: bool,
}

/// Makes the snapshot; returns its size in bytes.
pub fn make(args: &MakeArgs) -> Result<u64, Failure> {
    let host = Host::new(Vec::new(), args.files, ModulePolicy::Refuse);
    let registry = host.registry().map_err(|e| Failure::Unusable(e.to_string()))?;
    let mut rehydrators = host.rehydrators();
    let mut scripts = vec![host.runtime_script()];
    scripts.extend(read_scripts(&args.scripts, args.module)?);
    host.note_modules(&scripts);
    let warmup = match &args.warmup {
        Some(path) => Some(read_scripts(std::slice::from_ref(path), false)?.remove(0)),
        None => None,
    };
    let mut contexts = Vec::new();
    for (name, path) in &args.contexts {
        contexts.push((name.clone(), read_scripts(std::slice::from_ref(path), false)?));
    }
    let spinner = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}").expect("a valid progress template"),
    );
    spinner.enable_steady_tick(std::time::Duration::from_millis(100));
    let shown = spinner.clone();
    let progress: polysnap::Progress = std::sync::Arc::new(move |step: &str| {
        crate::commands::guard::record_step(step);
        shown.set_message(step.to_owned());
    });
    let options = MakeOptions {
        embed_names: args.embed_names,
        warmup,
        contexts,
        progress: Some(progress),
        notes: Some(std::sync::Arc::new(|note: &str| eprintln!("polysnap: note: {note}"))),
        strategy: args.strategy.unwrap_or_default(),
        skip_verification: args.skip_verification,
        restore_check: None,
        module_resolver: Some(host.module_resolver()),
    };
    let scratch = tempfile::Builder::new()
        .prefix(&crate::commands::guard::scratch_prefix(std::process::id()))
        .tempdir()
        .map_err(|e| Failure::Unusable(format!("cannot create a temporary folder: {e}")))?;
    // A restore the engine dies on ends the checking process, not this one.
    let options = MakeOptions {
        restore_check: Some(crate::commands::check::in_child_process(scratch.path().to_owned())),
        ..options
    };
    let snapshot: Result<_, polysnap::Error> = with_backend!(args.engine, |A| match args.strategy {
        Some(_) => make_snapshot::<A>(&registry, &mut rehydrators, &scripts, &options),
        None => polysnap::make_auto::<A>(&registry, &|| host.rehydrators(), &scripts, &options, scratch.path(),),
    });
    let snapshot = snapshot.map_err(|e| {
        spinner.finish_and_clear();
        match Failure::from_error(e, &host) {
            Failure::Exit(code) => Failure::Unusable(format!(
                "the setup called process.exit({code}) while the snapshot was being made: a setup must run to its \
                 end for its heap to be captured, so nothing was written. Exit from main() instead \
                 (snapshot.setMain), or only when !snapshot.isBuilding()"
            )),
            other => other,
        }
    })?;
    spinner.set_message(format!("writing {}", args.output.display()));
    let written = write_snapshot(&args.output, &snapshot).map_err(|e| Failure::Unusable(e.to_string()));
    spinner.finish_and_clear();
    written?;
    Ok(file_len(&args.output))
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}
