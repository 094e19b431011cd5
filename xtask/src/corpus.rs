//! `cargo xtask corpus [--quick] [NAME...]`: the real-library corpus.
//!
//! Every library in `xtask/corpus.toml` (popular npm packages, each pinned by exact version
//! and by the sha512 `integrity` of its tarball) is fetched with `npm pack --silent
//! NAME@VERSION` into `.cache/corpus/<name>-<version>/`, checked against the pinned
//! integrity before it is unpacked, and kept there (a stamp records the verified copy, so a
//! second run downloads nothing). Then, library by library and for each engine (`v8`,
//! `chakra`):
//!
//! - a cold run, `polysnap exec SETUP -p EXPR` (a fresh runtime, no snapshot);
//! - for each strategy (`heap`, `code-cache`, `auto`): `polysnap make --strategy S` and
//!   `polysnap run X.psnap -p EXPR`, the restored output compared with the cold one.
//!
//! A cell is `ok` (same output), `refused` (make exited 2, naming why: an accepted outcome),
//! or a failure: `DIFFERS`, `SIGNAL n`, `timeout` (a process killed after 120 s) or a
//! make/run exit status that means something else went wrong. A library whose cold run
//! fails (exit 1: an uncaught error, e.g. syntax ChakraCore 1.11 cannot parse) has a row
//! saying `setup fails on this engine` with the error's first line. The table is printed;
//! a full run also writes it to `docs/corpus.md`. The task exits non-zero if any cell is a
//! failure.
//!
//! `--quick` (for CI) runs the 8 small libraries marked `quick = true` (lodash, moment,
//! dayjs, marked, js-yaml, redux, big.js, lz-string) with the `heap` and `auto` strategies
//! only. `NAME...` runs only the libraries named. Neither rewrites `docs/corpus.md`.
//!
//! polysnap is built with `cargo build --release --bin polysnap` and run as
//! `target/release/polysnap` with the engines' environment; `POLYSNAP_BIN=/path/to/polysnap`
//! skips the build and runs that binary instead. Libraries run one after another.

use std::fmt::Write as _;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use serde::Deserialize;
use sha2::{Digest, Sha512};

use crate::{cmd, setup};

/// The corpus: which libraries, how to load them and what to evaluate.
const MANIFEST: &str = include_str!("../corpus.toml");

/// The engines every library runs on, with the names the tables use.
const ENGINES: [(&str, &str); 2] = [("v8", "V8 10.2"), ("chakra", "ChakraCore 1.11")];

/// The strategies of a full run.
const STRATEGIES: [&str; 3] = ["heap", "code-cache", "auto"];

/// The strategies of `--quick`.
const QUICK_STRATEGIES: [&str; 2] = ["heap", "auto"];

/// How long one polysnap process may take before it is killed and the cell is a `timeout`.
const TIMEOUT: Duration = Duration::from_secs(120);

/// What surrounds the exercise's value in the printed output, so that anything else the
/// setup or the library writes to stdout does not take part in the comparison.
const MARKS: (&str, &str) = ("<<corpus:", ":corpus>>");

/// `xtask/corpus.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// The libraries, in the order the tables list them.
    library: Vec<Library>,
}

/// One library of the corpus.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Library {
    /// The npm package name.
    name: String,
    /// Its exact version.
    version: String,
    /// The tarball's sha512 integrity (`sha512-<base64>`).
    integrity: String,
    /// The file to load, relative to the package's root.
    file: String,
    /// Whether the file itself is passed to polysnap as the first setup script.
    #[serde(default)]
    script: bool,
    /// The setup snippet (`{file}`: the file's absolute path, `{dir}`: the package root).
    #[serde(default)]
    setup: String,
    /// The expression whose String() is compared between the cold and the restored run.
    exercise: String,
    /// Whether `--quick` runs it.
    #[serde(default)]
    quick: bool,
}

/// What the command line asked for.
struct Options {
    /// `--quick`: the quick libraries, heap and auto only.
    quick: bool,
    /// The libraries named on the command line (all when empty).
    names: Vec<String>,
}

impl Options {
    /// Parses `[--quick] [NAME...]`.
    fn parse(args: &[String]) -> Result<Self> {
        let mut options = Options { quick: false, names: Vec::new() };
        for arg in args {
            match arg.as_str() {
                "--quick" => options.quick = true,
                flag if flag.starts_with('-') => {
                    bail!("usage: cargo xtask corpus [--quick] [NAME...]; expected --quick or a name, found `{flag}`")
                }
                name => options.names.push(name.to_owned()),
            }
        }
        Ok(options)
    }

    /// Whether this is a full run (every library, every strategy), the one docs/corpus.md shows.
    fn full(&self) -> bool {
        !self.quick && self.names.is_empty()
    }

    /// The strategies to run.
    fn strategies(&self) -> &'static [&'static str] {
        if self.quick {
            &QUICK_STRATEGIES
        } else {
            &STRATEGIES
        }
    }

    /// The libraries to run, in manifest order; a name the manifest lacks is an error.
    fn select<'a>(&self, libraries: &'a [Library]) -> Result<Vec<&'a Library>> {
        for name in &self.names {
            if !libraries.iter().any(|lib| &lib.name == name) {
                let known: Vec<&str> = libraries.iter().map(|lib| lib.name.as_str()).collect();
                bail!("no library `{name}` in xtask/corpus.toml; expected one of: {}", known.join(", "));
            }
        }
        Ok(libraries
            .iter()
            .filter(|lib| self.names.is_empty() || self.names.contains(&lib.name))
            .filter(|lib| !self.quick || lib.quick)
            .collect())
    }
}

/// Runs the corpus as `args` asks; fails when any cell is a failure.
pub fn run(workspace: &Path, args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    let manifest: Manifest = toml::from_str(MANIFEST).context("xtask/corpus.toml does not parse")?;
    let libraries = options.select(&manifest.library)?;
    let polysnap = Polysnap::prepare(workspace)?;
    let started = Instant::now();
    let mut rows = Vec::new();
    for lib in &libraries {
        let root = ensure_package(workspace, lib)?;
        for (engine, _) in ENGINES {
            let row = run_library(&polysnap, lib, &root, engine, options.strategies())?;
            eprintln!("corpus: {}", row.progress());
            rows.push(row);
        }
    }
    let report = render(&libraries, &rows, options.strategies(), &polysnap.origin, started.elapsed());
    println!("{report}");
    if options.full() {
        let doc = workspace.join("docs/corpus.md");
        fs::write(&doc, &report).with_context(|| format!("cannot write {}", doc.display()))?;
        eprintln!("corpus: written to {}", doc.display());
    }
    let failures = rows.iter().map(Row::failures).sum::<usize>();
    if failures > 0 {
        bail!(
            "{failures} corpus cell(s) failed (DIFFERS, SIGNAL, timeout or an unexpected exit status); see the table"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Fetching and verifying the packages
// ---------------------------------------------------------------------------------------

/// The package's unpacked root folder, fetched, verified and unpacked unless a verified
/// copy is already in `.cache/corpus/`.
fn ensure_package(workspace: &Path, lib: &Library) -> Result<PathBuf> {
    let dir = workspace.join(".cache/corpus").join(format!("{}-{}", slug(&lib.name), lib.version));
    let root = dir.join("package");
    let stamp = dir.join(".verified");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(lib.integrity.as_str()) && root.join(&lib.file).is_file() {
        return Ok(root);
    }
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("cannot clear the stale copy in {}", dir.display()))?;
    }
    fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let tarball = npm_pack(&dir, lib)?;
    verify_integrity(&tarball, lib)?;
    unpack(&dir, &tarball)?;
    fs::remove_file(&tarball).with_context(|| format!("cannot remove {}", tarball.display()))?;
    if !root.join(&lib.file).is_file() {
        bail!("{}@{}: expected the file `{}` in the package, found no such file", lib.name, lib.version, lib.file);
    }
    fs::write(&stamp, &lib.integrity).with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(root)
}

/// A package name as a folder name (`@babel/standalone` → `babel-standalone`).
fn slug(name: &str) -> String {
    name.trim_start_matches('@').replace('/', "-")
}

/// Downloads the package's tarball into `dir` with `npm pack`; returns its path.
fn npm_pack(dir: &Path, lib: &Library) -> Result<PathBuf> {
    let spec = format!("{}@{}", lib.name, lib.version);
    let step = format!("download npm package {spec}");
    eprintln!("corpus: {step}");
    let out = cmd::capture(&step, dir, "npm", &["pack", "--silent", &spec])?;
    if !out.status.success() {
        bail!(
            "{step}: expected npm to fetch it, found exit status {} and: {}\nCheck that the npm registry is \
             reachable and npm is installed (apt-get install -y npm).",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let name = stdout.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or_default();
    let tarball = dir.join(name);
    if name.is_empty() || !name.ends_with(".tgz") || !tarball.is_file() {
        bail!("{step}: expected npm pack to print the tarball's file name, found `{}`", stdout.trim());
    }
    Ok(tarball)
}

/// Checks the tarball's sha512 against the pinned integrity.
fn verify_integrity(tarball: &Path, lib: &Library) -> Result<()> {
    let Some(pinned) = lib.integrity.strip_prefix("sha512-") else {
        bail!("{}@{}: expected an integrity `sha512-<base64>`, found `{}`", lib.name, lib.version, lib.integrity);
    };
    let bytes = fs::read(tarball).with_context(|| format!("cannot read {}", tarball.display()))?;
    let found = base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&bytes));
    if found != pinned {
        bail!(
            "verify {}@{}: {} has integrity sha512-{found}, expected {} (pinned in xtask/corpus.toml)",
            lib.name,
            lib.version,
            tarball.display(),
            lib.integrity
        );
    }
    Ok(())
}

/// Unpacks the tarball into `dir/package`, whatever its top folder is called.
fn unpack(dir: &Path, tarball: &Path) -> Result<()> {
    let tarball = tarball.to_str().context("expected a UTF-8 tarball path")?;
    cmd::run(&format!("unpack {tarball}"), dir, "tar", &["-xzf", tarball, "-C", "package", "--strip-components=1"])
}

// ---------------------------------------------------------------------------------------
// Running polysnap
// ---------------------------------------------------------------------------------------

/// The polysnap binary and the environment it runs with.
struct Polysnap {
    /// The binary.
    bin: PathBuf,
    /// The variables pointing it at the engines.
    env: Vec<(String, String)>,
    /// Which build it is, for the report.
    origin: String,
}

/// How a process ended.
enum Exit {
    /// It exited with this status.
    Code(i32),
    /// It was killed by this signal.
    Signal(i32),
    /// It ran longer than [`TIMEOUT`] and was killed.
    Timeout,
}

/// A finished process: how it ended, what it printed, how long it took.
struct Finished {
    /// How it ended.
    exit: Exit,
    /// Its standard output.
    stdout: String,
    /// Its standard error.
    stderr: String,
    /// Wall time in milliseconds.
    ms: f64,
}

impl Polysnap {
    /// Sets the engines up and builds polysnap in release, or takes `POLYSNAP_BIN`.
    fn prepare(workspace: &Path) -> Result<Self> {
        let engines = setup::run(workspace)?;
        let env: Vec<(String, String)> = engines.env().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if let Some(bin) = std::env::var_os("POLYSNAP_BIN") {
            let bin = PathBuf::from(bin);
            if !bin.is_file() {
                bail!("POLYSNAP_BIN: expected a polysnap binary, found no file at {}", bin.display());
            }
            eprintln!("corpus: using {} (POLYSNAP_BIN), no build", bin.display());
            let origin = format!("`POLYSNAP_BIN={}`", bin.display());
            return Ok(Polysnap { bin, env, origin });
        }
        cmd::cargo(
            "build polysnap (release)",
            workspace,
            &["build", "--release", "--quiet", "--bin", "polysnap"],
            &engines.env(),
        )?;
        let origin = "a release build (`target/release/polysnap`)".to_owned();
        Ok(Polysnap { bin: target_dir(workspace).join("release/polysnap"), env, origin })
    }

    /// Runs polysnap with `args` in `dir`, killing it after [`TIMEOUT`]; output goes to
    /// files in `dir` so a chatty process can never block on a full pipe.
    fn execute(&self, dir: &Path, args: &[&str]) -> Result<Finished> {
        let (out_path, err_path) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
        let out = fs::File::create(&out_path).with_context(|| format!("cannot create {}", out_path.display()))?;
        let err = fs::File::create(&err_path).with_context(|| format!("cannot create {}", err_path.display()))?;
        let started = Instant::now();
        let mut child = Command::new(&self.bin)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("cannot start {}", self.bin.display()))?;
        let exit = loop {
            if let Some(status) = child.try_wait().context("cannot wait for polysnap")? {
                break exit_of(status);
            }
            if started.elapsed() > TIMEOUT {
                child.kill().context("cannot kill a polysnap that timed out")?;
                child.wait().context("cannot wait for a killed polysnap")?;
                break Exit::Timeout;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(Finished { exit, stdout: read_lossy(&out_path)?, stderr: read_lossy(&err_path)?, ms })
    }
}

/// The folder cargo builds into (`CARGO_TARGET_DIR`, else `target/`).
fn target_dir(workspace: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    }
}

/// An exit status as an [`Exit`].
fn exit_of(status: ExitStatus) -> Exit {
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(signal)) => Exit::Signal(signal),
        (None, None) => Exit::Code(-1),
    }
}

/// A file's text, invalid UTF-8 replaced.
fn read_lossy(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The first non-empty line of a process's stderr (or a note that there was none).
/// The first line of `text` that is not a note (`make` writes its notes before an error).
fn first_line(text: &str) -> String {
    let note = |l: &str| l.starts_with("polysnap: note: ");
    text.lines().map(str::trim).find(|l| !l.is_empty() && !note(l)).unwrap_or("(no message)").to_owned()
}

/// What a process that ended badly did, for a failing cell: `SIGNAL 11 (make)`,
/// `timeout (run)`, `exit 1 (make): <first line of stderr>`.
fn describe(step: &str, finished: &Finished) -> String {
    match finished.exit {
        Exit::Signal(signal) => format!("SIGNAL {signal} ({step})"),
        Exit::Timeout => format!("timeout ({step}, killed after {} s)", TIMEOUT.as_secs()),
        Exit::Code(code) => format!("exit {code} ({step}): {}", first_line(&finished.stderr)),
    }
}

/// The exercise, wrapped so its value can be found in the output.
fn wrapped(exercise: &str) -> String {
    format!("'{}' + String(({exercise})) + '{}'", MARKS.0, MARKS.1)
}

/// The exercise's value in a process's stdout, if it printed one.
fn extract(stdout: &str) -> Option<String> {
    let start = stdout.find(MARKS.0)? + MARKS.0.len();
    let end = stdout.rfind(MARKS.1)?;
    (end >= start).then(|| stdout[start..end].to_owned())
}

// ---------------------------------------------------------------------------------------
// One library on one engine
// ---------------------------------------------------------------------------------------

/// The cold run's result.
enum Cold {
    /// It ran: how long it took and the exercise's value.
    Ran { ms: f64, output: String },
    /// The setup throws on this engine (exit 1): the error's first line.
    SetupFails(String),
    /// A failure: a signal, a timeout, another exit status, or no value printed.
    Failed(String),
}

/// One strategy's result.
enum Outcome {
    /// The restored run printed what the cold run printed.
    Ok,
    /// make exited 2: the first line of its stderr.
    Refused(String),
    /// The restored run printed something else (what it printed).
    Differs(String),
    /// A process died by a signal, timed out or exited unexpectedly (described).
    Failed(String),
}

/// One strategy's cell: the outcome, the snapshot's size and the restored run's wall time.
struct Cell {
    /// The strategy.
    strategy: &'static str,
    /// What happened.
    outcome: Outcome,
    /// The snapshot file's size in bytes, when make wrote one.
    size: Option<u64>,
    /// The restored run's wall time in milliseconds, when it ran.
    run_ms: Option<f64>,
}

/// One library on one engine.
struct Row {
    /// The library's name.
    name: String,
    /// The engine (`v8`, `chakra`).
    engine: &'static str,
    /// The cold run.
    cold: Cold,
    /// One cell per strategy (none when the cold run did not succeed).
    cells: Vec<Cell>,
}

impl Row {
    /// How many failures the row holds.
    fn failures(&self) -> usize {
        let cold = usize::from(matches!(self.cold, Cold::Failed(_)));
        cold + self.cells.iter().filter(|c| matches!(c.outcome, Outcome::Differs(_) | Outcome::Failed(_))).count()
    }

    /// A one-line progress report.
    fn progress(&self) -> String {
        let cold = match &self.cold {
            Cold::Ran { ms, .. } => format!("cold {ms:.0} ms"),
            Cold::SetupFails(error) => format!("setup fails on this engine: {error}"),
            Cold::Failed(what) => format!("cold run FAILED: {what}"),
        };
        let cells: Vec<String> = self.cells.iter().map(|c| format!("{} {}", c.strategy, c.outcome.word())).collect();
        format!("{} on {}: {cold}; {}", self.name, self.engine, cells.join(", "))
    }
}

impl Outcome {
    /// The outcome in a word or two.
    fn word(&self) -> String {
        match self {
            Outcome::Ok => "ok".into(),
            Outcome::Refused(_) => "refused".into(),
            Outcome::Differs(_) => "DIFFERS".into(),
            Outcome::Failed(what) => what.clone(),
        }
    }
}

/// Runs one library on one engine: cold, then make + run per strategy.
fn run_library(
    polysnap: &Polysnap,
    lib: &Library,
    root: &Path,
    engine: &'static str,
    strategies: &[&'static str],
) -> Result<Row> {
    let work = tempfile::tempdir().context("cannot create a scratch folder")?;
    let scripts = write_setup(work.path(), lib, root)?;
    let expr = wrapped(&lib.exercise);
    let cold = cold_run(polysnap, work.path(), engine, &scripts, &expr)?;
    let mut row = Row { name: lib.name.clone(), engine, cold, cells: Vec::new() };
    if let Cold::Ran { output, .. } = &row.cold {
        for &strategy in strategies {
            let cell = strategy_cell(polysnap, work.path(), engine, strategy, &scripts, &expr, output)?;
            row.cells.push(cell);
        }
    }
    Ok(row)
}

/// Writes the setup snippet into `dir`; returns the scripts to pass to polysnap.
fn write_setup(dir: &Path, lib: &Library, root: &Path) -> Result<Vec<String>> {
    let file = root.join(&lib.file);
    let file = file.to_str().context("expected a UTF-8 path for the library file")?;
    let root = root.to_str().context("expected a UTF-8 path for the package folder")?;
    let setup = dir.join(format!("{}-setup.js", slug(&lib.name)));
    let text = lib.setup.replace("{file}", file).replace("{dir}", root);
    fs::write(&setup, text).with_context(|| format!("cannot write {}", setup.display()))?;
    let mut scripts = Vec::new();
    if lib.script {
        scripts.push(file.to_owned());
    }
    scripts.push(setup.to_str().context("expected a UTF-8 scratch path")?.to_owned());
    Ok(scripts)
}

/// The cold run: `polysnap exec --engine E SCRIPTS -p EXPR`.
fn cold_run(polysnap: &Polysnap, dir: &Path, engine: &str, scripts: &[String], expr: &str) -> Result<Cold> {
    let mut args = vec!["exec", "--engine", engine];
    args.extend(scripts.iter().map(String::as_str));
    args.extend(["-p", expr]);
    let finished = polysnap.execute(dir, &args)?;
    Ok(match finished.exit {
        Exit::Code(0) => match extract(&finished.stdout) {
            Some(output) => Cold::Ran { ms: finished.ms, output },
            None => Cold::Failed(format!("exec printed no value: `{}`", first_line(&finished.stdout))),
        },
        Exit::Code(1) => Cold::SetupFails(first_line(&finished.stderr)),
        _ => Cold::Failed(describe("exec", &finished)),
    })
}

/// One strategy: make the snapshot, run it, compare with the cold output.
fn strategy_cell(
    polysnap: &Polysnap,
    dir: &Path,
    engine: &str,
    strategy: &'static str,
    scripts: &[String],
    expr: &str,
    cold_output: &str,
) -> Result<Cell> {
    let file = format!("{strategy}.psnap");
    let mut args = vec!["make", "--engine", engine, "--strategy", strategy, "-o", &file];
    args.extend(scripts.iter().map(String::as_str));
    let made = polysnap.execute(dir, &args)?;
    let mut cell = Cell { strategy, outcome: Outcome::Ok, size: None, run_ms: None };
    match made.exit {
        Exit::Code(0) => {}
        Exit::Code(2) => {
            cell.outcome = Outcome::Refused(first_line(&made.stderr));
            return Ok(cell);
        }
        _ => {
            cell.outcome = Outcome::Failed(describe("make", &made));
            return Ok(cell);
        }
    }
    let path = dir.join(&file);
    cell.size =
        Some(fs::metadata(&path).with_context(|| format!("make exited 0 but wrote no {}", path.display()))?.len());
    let ran = polysnap.execute(dir, &["run", &file, "-p", expr])?;
    fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    cell.outcome = match (&ran.exit, extract(&ran.stdout)) {
        (Exit::Code(0), Some(output)) if output == cold_output => Outcome::Ok,
        (Exit::Code(0), Some(output)) => Outcome::Differs(output),
        (Exit::Code(0), None) => Outcome::Differs(format!("(no value; stdout: {})", first_line(&ran.stdout))),
        _ => Outcome::Failed(describe("run", &ran)),
    };
    cell.run_ms = Some(ran.ms);
    Ok(cell)
}

// ---------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------

/// The whole report, in Markdown: intro, the libraries, one table per engine, the refusals,
/// a summary; `origin` says which polysnap ran.
fn render(libraries: &[&Library], rows: &[Row], strategies: &[&str], origin: &str, elapsed: Duration) -> String {
    let mut doc = String::new();
    doc.push_str(INTRO);
    let _ = writeln!(
        doc,
        "\nThis run: {} libraries × {} engines, strategies {}, polysnap from {origin}, {:.0} s in all.\n",
        libraries.len(),
        ENGINES.len(),
        strategies.join(", "),
        elapsed.as_secs_f64()
    );
    render_libraries(&mut doc, libraries, rows);
    let mut notes = Notes::default();
    for (engine, title) in ENGINES {
        let engine_rows: Vec<&Row> = rows.iter().filter(|r| r.engine == engine).collect();
        render_engine(&mut doc, title, libraries, &engine_rows, strategies, &mut notes);
    }
    notes.render(&mut doc);
    render_summary(&mut doc, rows);
    doc
}

/// The report's first paragraphs: what the corpus is and how to rerun it.
const INTRO: &str = "# Real-library corpus

Popular npm libraries, each pinned by exact version and sha512 integrity in
[`xtask/corpus.toml`](../xtask/corpus.toml), loaded by a small setup and snapshotted on both
engines with every strategy. For each library and engine, a cold run (`polysnap exec SETUP -p
EXPR`: a fresh runtime, no snapshot) gives the expected value of an exercise expression; then
`polysnap make --strategy S` and `polysnap run X.psnap -p EXPR` must print the same. A cell
reads `ok · snapshot size · restored run wall time (restored / cold)`; `refused` is a snapshot
`make` declined with a named reason (exit 2, listed under the tables), an accepted outcome;
**DIFFERS**, **SIGNAL n**, **timeout** and an unexpected exit status are failures. A library
whose setup throws on an engine (ChakraCore 1.11 cannot parse some modern syntax) says so with
the error's first line. Times are wall times of whole processes (start-up included), one run
each, on the machine that wrote this file.

Rerun with `cargo xtask corpus` (every library, all three strategies; rewrites this file),
`cargo xtask corpus --quick` (8 small libraries, `heap` and `auto`) or
`cargo xtask corpus NAME...` (only those libraries); the task exits non-zero on any failure.
";

/// The libraries table: name, version, file loaded and the exercise's cold value.
fn render_libraries(doc: &mut String, libraries: &[&Library], rows: &[Row]) {
    doc.push_str(
        "## Libraries\n\n| library | version | file loaded | exercise value (cold run) |\n|---|---|---|---|\n",
    );
    for lib in libraries {
        let output = rows.iter().filter(|r| r.name == lib.name).find_map(|r| match &r.cold {
            Cold::Ran { output, .. } => Some(output.as_str()),
            _ => None,
        });
        let _ = writeln!(
            doc,
            "| {} | {} | {} | {} |",
            lib.name,
            lib.version,
            code(&lib.file, 80),
            output.map_or("—".to_owned(), |o| code(o, 60))
        );
    }
    doc.push('\n');
}

/// The refusal reasons, numbered once each, referred to from the cells.
#[derive(Default)]
struct Notes {
    /// The distinct reasons, in order of first appearance, with where they were seen.
    reasons: Vec<(String, Vec<String>)>,
}

impl Notes {
    /// The number of `reason` (1-based), adding it and where it was seen.
    fn refer(&mut self, reason: &str, seen: String) -> usize {
        if let Some(at) = self.reasons.iter().position(|(r, _)| r == reason) {
            self.reasons[at].1.push(seen);
            return at + 1;
        }
        self.reasons.push((reason.to_owned(), vec![seen]));
        self.reasons.len()
    }

    /// The numbered list of refusal reasons.
    fn render(&self, doc: &mut String) {
        if self.reasons.is_empty() {
            return;
        }
        doc.push_str(
            "## Refusals\n\nWhy `make` declined (exit 2): the first line of its stderr up to its first colon; \
             `polysnap make` by hand prints the whole message.\n\n",
        );
        for (n, (reason, seen)) in self.reasons.iter().enumerate() {
            let _ = writeln!(doc, "{}. {} — {}", n + 1, code(reason, 400), seen.join(", "));
        }
        doc.push('\n');
    }
}

/// One engine's table.
fn render_engine(
    doc: &mut String,
    title: &str,
    libraries: &[&Library],
    rows: &[&Row],
    strategies: &[&str],
    notes: &mut Notes,
) {
    let _ = writeln!(doc, "## {title}\n\n| library | cold | {} |", strategies.join(" | "));
    let _ = writeln!(doc, "|---|--:|{}", "---|".repeat(strategies.len()));
    for lib in libraries {
        let Some(row) = rows.iter().find(|r| r.name == lib.name) else { continue };
        let cells: Vec<String> = match &row.cold {
            Cold::Ran { ms, .. } => row.cells.iter().map(|c| cell_text(c, *ms, &lib.name, row.engine, notes)).collect(),
            _ => strategies.iter().map(|_| "—".to_owned()).collect(),
        };
        let cold = match &row.cold {
            Cold::Ran { ms, .. } => format!("{ms:.0} ms"),
            Cold::SetupFails(error) => format!("setup fails on this engine: {}", code(error, 120)),
            Cold::Failed(what) => format!("**{}**", escape(what)),
        };
        let _ = writeln!(doc, "| {} | {cold} | {} |", lib.name, cells.join(" | "));
    }
    doc.push('\n');
}

/// One cell's text.
fn cell_text(cell: &Cell, cold_ms: f64, name: &str, engine: &str, notes: &mut Notes) -> String {
    let figures = match (cell.size, cell.run_ms) {
        (Some(size), Some(ms)) => format!(" · {} · {ms:.0} ms ({:.2}×)", megabytes(size), ms / cold_ms),
        (Some(size), None) => format!(" · {}", megabytes(size)),
        _ => String::new(),
    };
    match &cell.outcome {
        Outcome::Ok => format!("ok{figures}"),
        Outcome::Refused(line) => {
            format!("refused [{}]", notes.refer(reason_of(line), format!("{name} ({engine}, {})", cell.strategy)))
        }
        Outcome::Differs(output) => format!("**DIFFERS**{figures}: got {}", code(output, 60)),
        Outcome::Failed(what) => format!("**{}**{figures}", escape(what)),
    }
}

/// A refusal's reason without its particulars: the first line of make's stderr without the
/// `polysnap: ` prefix, up to its first `: ` (digests, file names and advice come after it).
fn reason_of(line: &str) -> &str {
    let line = line.strip_prefix("polysnap: ").unwrap_or(line);
    line.split(": ").next().unwrap_or(line)
}

/// The counts of each kind of outcome.
fn render_summary(doc: &mut String, rows: &[Row]) {
    let cells = rows.iter().flat_map(|r| &r.cells);
    let count = |f: fn(&Outcome) -> bool| cells.clone().filter(|c| f(&c.outcome)).count();
    let setup_fails = rows.iter().filter(|r| matches!(r.cold, Cold::SetupFails(_))).count();
    let failures = rows.iter().map(Row::failures).sum::<usize>();
    let _ = writeln!(
        doc,
        "## Summary\n\n{} ok, {} refused, {} library × engine rows whose setup fails on the engine, {} failures.",
        count(|o| matches!(o, Outcome::Ok)),
        count(|o| matches!(o, Outcome::Refused(_))),
        setup_fails,
        failures
    );
}

/// A byte count in KB or MB.
fn megabytes(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{:.0} KB", bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

/// Text for a table cell as inline code: cut to `max` characters, newlines shown as `\n`,
/// pipes escaped, delimited by enough backticks.
fn code(text: &str, max: usize) -> String {
    let mut short: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        short.push('…');
    }
    let short = short.replace('\n', "\\n").replace('|', "\\|");
    if short.is_empty() {
        "(empty)".to_owned()
    } else if short.contains('`') {
        format!("`` {short} ``")
    } else {
        format!("`{short}`")
    }
}

/// Plain text for a table cell: newlines flattened, pipes and markup characters escaped.
fn escape(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|").replace('<', "&lt;").replace('*', "\\*")
}
