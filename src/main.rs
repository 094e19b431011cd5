//! The `polysnap` command: argument parsing here, the commands in [`commands`], both built on
//! the library's public API only.

// A build with no backend at all compiles every command down to the `BackendNotBuilt` error
// (see `polysnap::with_backend!`), which leaves the engine-side code of each command unused.
#![cfg_attr(not(any(feature = "v8", feature = "chakra")), allow(unused))]

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use commands::{bench, exec, guard, inspect, make, run, Failure};
use polysnap::host::{FilePolicy, ModulePolicy};
use polysnap::EngineKind;

#[derive(Parser)]
#[command(name = "polysnap", version, about = "Start-up snapshots for JavaScript runtimes, on V8 and ChakraCore")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Engine {
    V8,
    Chakra,
}

impl From<Engine> for EngineKind {
    fn from(e: Engine) -> EngineKind {
        match e {
            Engine::V8 => EngineKind::V8,
            Engine::Chakra => EngineKind::ChakraCore,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum StrategyArg {
    /// The engine's heap (default).
    Heap,
    /// The setup's sources and the engine's code cache, run again at restore (only for a
    /// deterministic setup, which make proves).
    CodeCache,
    /// Both, each restore timed; the faster correct one is kept (inspect shows the figures).
    Auto,
}

#[derive(Clone, Copy, ValueEnum)]
enum Files {
    Error,
    Reopen,
    Close,
}

#[derive(Clone, Copy, ValueEnum)]
enum Modules {
    Refuse,
    Reload,
}

#[derive(Subcommand)]
enum Command {
    /// Run SCRIPTs in a fresh runtime (one global scope), drain microtasks, capture a snapshot.
    Make {
        /// The engine to snapshot.
        #[arg(long, value_enum)]
        engine: Engine,
        /// Where to write the snapshot (atomically).
        #[arg(short = 'o', long = "output", default_value = "snapshot.psnap")]
        output: PathBuf,
        /// A script run only to compile code that is kept; its side effects are discarded.
        #[arg(long)]
        warmup: Option<PathBuf>,
        /// Store natives' names in the snapshot (debug builds always do).
        #[arg(long)]
        embed_names: bool,
        /// Files still open at capture: refuse (error), reopen at restore, or close.
        #[arg(long, value_enum, default_value = "error")]
        files: Files,
        /// What to capture: the heap, the sources with the engine's code cache, or auto.
        #[arg(long, value_enum, default_value = "heap")]
        strategy: StrategyArg,
        /// Write the snapshot without restoring it first to check that it gives back the state
        /// it captured (by default it is checked, and refused when it does not).
        #[arg(long)]
        no_verify: bool,
        /// A named context set up by a script, captured beside the default one (V8).
        #[arg(long = "context", value_name = "NAME=SCRIPT", value_parser = parse_context)]
        contexts: Vec<(String, PathBuf)>,
        /// Every SCRIPT is an ES module (`.mjs` files are anyway): imports resolve like Node's.
        #[arg(long)]
        module: bool,
        /// The setup scripts, run in order.
        #[arg(required = true)]
        scripts: Vec<PathBuf>,
    },
    /// Restore FILE, run deserialize callbacks, main(), SCRIPTs, print String(EXPR), run timers.
    Run {
        /// The snapshot.
        file: PathBuf,
        /// Scripts to run after main(); they and -p may `import()` modules (V8).
        scripts: Vec<PathBuf>,
        /// Every SCRIPT is an ES module (`.mjs` files are anyway): imports resolve like Node's.
        #[arg(long)]
        module: bool,
        /// Print String(EXPR) and a newline.
        #[arg(short = 'p', long = "print")]
        print: Option<String>,
        /// Cached modules whose file changed: refuse, or reload on next require.
        #[arg(long, value_enum, default_value = "refuse")]
        modules: Modules,
        /// Run SCRIPTs and -p in this named context (main() runs in the default one).
        #[arg(long)]
        context: Option<String>,
        /// Arguments for process.argv.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Run SCRIPTs fresh, without a snapshot, through the life cycle `make` then `run` would:
    /// setup, serialize and deserialize callbacks, main(), print String(EXPR), run timers.
    Exec {
        /// The engine.
        #[arg(long, value_enum)]
        engine: Engine,
        /// Every SCRIPT is an ES module (`.mjs` files are anyway): imports resolve like Node's.
        #[arg(long)]
        module: bool,
        /// The setup scripts, run in order.
        #[arg(required = true)]
        scripts: Vec<PathBuf>,
        /// Print String(EXPR) and a newline.
        #[arg(short = 'p', long = "print")]
        print: Option<String>,
        /// Arguments for process.argv.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Restore SNAPSHOT and compare the state with the one in STATE (make's verified capture).
    #[command(hide = true)]
    CheckRestore {
        /// The state read before capture.
        #[arg(long)]
        state: PathBuf,
        /// The snapshot.
        snapshot: PathBuf,
    },
    /// Show what a snapshot holds: header, engine build, sections, natives, records.
    Inspect {
        /// The snapshot.
        file: PathBuf,
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cold start against restore, each repeated; medians and their ratio.
    Bench {
        /// The engine; repeat it for one row per engine in one table.
        #[arg(long, value_enum, required = true)]
        engine: Vec<Engine>,
        /// The setup scripts.
        #[arg(required = true)]
        scripts: Vec<PathBuf>,
        /// The expression evaluated after setup or restore.
        #[arg(short = 'p', long = "print")]
        print: Option<String>,
        /// A warm-up script: also measure a snapshot that keeps the code it compiles.
        #[arg(long)]
        warmup: Option<PathBuf>,
        /// Runs per side.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

fn parse_context(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, script)) if !name.is_empty() && !script.is_empty() => Ok((name.to_owned(), script.into())),
        _ => Err(format!("expected NAME=SCRIPT, found `{text}`")),
    }
}

/// Node-style flags: `--make-snapshot FILE …` is `make -o FILE …` (engine v8 unless
/// given), `--from-snapshot FILE …` is `run FILE …`.
fn node_style_flags(mut argv: Vec<String>) -> Vec<String> {
    match argv.get(1).map(String::as_str) {
        Some("--make-snapshot") if argv.len() > 2 => {
            let file = argv.remove(2);
            argv[1] = "make".into();
            argv.splice(2..2, ["-o".to_owned(), file]);
            if !argv.iter().any(|a| a == "--engine" || a.starts_with("--engine=")) {
                argv.splice(2..2, ["--engine".to_owned(), "v8".to_owned()]);
            }
        }
        Some("--from-snapshot") => argv[1] = "run".into(),
        _ => {}
    }
    argv
}

fn main() -> ExitCode {
    let in_child = guard::in_child();
    if in_child {
        guard::become_child();
    }
    let cli = Cli::parse_from(node_style_flags(std::env::args().collect()));
    let result = match cli.command {
        Command::Make { engine, output, .. } if !in_child => guard::run_in_child(engine.into(), &output),
        Command::Make {
            engine,
            output,
            warmup,
            embed_names,
            files,
            strategy,
            no_verify,
            contexts,
            module,
            scripts,
        } => {
            let files = match files {
                Files::Error => FilePolicy::Error,
                Files::Reopen => FilePolicy::Reopen,
                Files::Close => FilePolicy::Close,
            };
            let args = make::MakeArgs {
                engine: engine.into(),
                output: output.clone(),
                warmup,
                embed_names,
                scripts,
                module,
                files,
                contexts,
                strategy: match strategy {
                    StrategyArg::Heap => Some(snapshot_core::format::Strategy::Heap),
                    StrategyArg::CodeCache => Some(snapshot_core::format::Strategy::CodeCache),
                    StrategyArg::Auto => None,
                },
                skip_verification: no_verify,
            };
            make::make(&args).map(|bytes| eprintln!("polysnap: wrote {} ({bytes} bytes)", output.display()))
        }
        Command::Run { file, scripts, module, print, modules, context, args } => {
            let modules = match modules {
                Modules::Refuse => ModulePolicy::Refuse,
                Modules::Reload => ModulePolicy::Reload,
            };
            run::run(&run::RunArgs {
                snapshot: file,
                scripts,
                print,
                args,
                modules,
                module,
                context,
                leave_to_exit: true,
            })
            .map(drop)
        }
        Command::Exec { engine, module, scripts, print, args } => {
            exec::exec(&exec::ExecArgs { engine: engine.into(), scripts, print, args, module }).map(drop)
        }
        Command::CheckRestore { state, snapshot } => commands::check::check_restore(&snapshot, &state),
        Command::Inspect { file, json } => {
            inspect::inspect(&file, json).map(|text| commands::print_line(text.trim_end()))
        }
        Command::Bench { engine, scripts, print, warmup, runs } => {
            let engines: Vec<EngineKind> = engine.into_iter().map(EngineKind::from).collect();
            bench::bench_and_print(&engines, &bench::BenchArgs { engine: engines[0], scripts, print, warmup, runs })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Exit(code)) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(failure) => {
            eprintln!("polysnap: {failure}");
            ExitCode::from(failure.exit_code() as u8)
        }
    }
}
