//! `cargo xtask battery [NAME-FILTER]`: the differential battery. Every setup in
//! `battery/cases/` runs fresh (`polysnap exec`) and restored (`polysnap make`, then `polysnap
//! run`) on both engines, and each case on each engine must end in one of:
//!
//! * **same**: restored prints what fresh prints;
//! * **same, noted**: the same, and `make` noted a declared loss elsewhere in the heap;
//! * **gap**: restored differs from fresh and `make` named the declared loss (a note);
//! * **refused**: `make` refused it by name (a known hazard, or a restore that would differ
//!   from or die on what was captured), exit 2, nothing written;
//! * **n/a**: the setup fails the same way fresh and at `make` (a syntax the engine lacks);
//!
//! and never a signal, a hang, or a silent difference (restored differs from fresh with
//! nothing said), which fail the battery — unless `battery/expected-failures.toml` lists the
//! case on that engine with the reason (a **known failure**: an engine limit not mended or
//! refused yet, shown in the table); a listed case that no longer fails fails as stale. `make` itself dying while capturing (the guarded
//! child names the signal, exit 2) is counted apart as **make died**: a hazard polysnap does
//! not refuse by name yet. The table goes to docs/battery.md.
//!
//! A case is a setup script that defines `probe()`, returning a string; directives at its top:
//! `// make-env: K=V ...`, `// run-env: K=V ...` (fresh and restored runs), `// args: a b`
//! (after `--`), `// expect: differ` (two runs must differ, fresh and restored alike).

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{cmd, setup};

const ENGINES: [&str; 2] = ["v8", "chakra"];
const LIMIT: Duration = Duration::from_secs(60);

/// Builds polysnap, runs every case (whose name contains `filter`) on both engines, writes
/// docs/battery.md, and fails when any case failed.
pub fn run(workspace: &Path, filter: Option<&str>) -> Result<()> {
    let engines = setup::run(workspace)?;
    cmd::cargo("build polysnap", workspace, &["build", "--bin", "polysnap"], &engines.env())?;
    let binary = workspace.join("target/debug/polysnap");
    let cases = load_cases(&workspace.join("battery/cases"), filter)?;
    let scratch = tempfile::tempdir().context("a scratch folder for the battery's snapshots")?;
    let started = Instant::now();
    let expected = load_expected(&workspace.join("battery/expected-failures.toml"))?;
    let mut rows = Vec::new();
    for case in &cases {
        let outcomes: Vec<Outcome> = ENGINES
            .iter()
            .map(|engine| expect(judge(&binary, case, engine, scratch.path()), &expected, &case.name, engine))
            .collect();
        eprintln!("battery: {:<44} {}", case.name, outcomes.iter().map(Outcome::short).collect::<Vec<_>>().join("  "));
        rows.push((case.name.clone(), outcomes));
    }
    let doc = render(&rows, started.elapsed());
    std::fs::write(workspace.join("docs/battery.md"), &doc).context("write docs/battery.md")?;
    println!("{}", summary(&rows));
    let failed: Vec<String> = rows
        .iter()
        .flat_map(|(name, outcomes)| {
            outcomes
                .iter()
                .zip(ENGINES)
                .filter(|(o, _)| o.is_failure())
                .map(move |(o, e)| format!("{name} on {e}: {}", o.detail()))
        })
        .collect();
    if !failed.is_empty() {
        bail!("{} battery cell(s) failed:\n{}", failed.len(), failed.join("\n"));
    }
    Ok(())
}

/// A failure the battery expects, with why (a known engine limit not yet mended or refused).
#[derive(serde::Deserialize)]
struct Expected {
    case: String,
    engine: String,
    why: String,
}

#[derive(serde::Deserialize)]
struct ExpectedFile {
    expected: Vec<Expected>,
}

fn load_expected(path: &Path) -> Result<Vec<Expected>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    Ok(toml::from_str::<ExpectedFile>(&text).with_context(|| format!("parse {}", path.display()))?.expected)
}

/// A failure listed in `expected` is a known failure; a listed one that does not fail is a
/// stale entry, which fails.
fn expect(outcome: Outcome, expected: &[Expected], case: &str, engine: &str) -> Outcome {
    let Some(entry) = expected.iter().find(|e| e.case == case && e.engine == engine) else { return outcome };
    match outcome {
        Outcome::Fail(detail) => Outcome::Known(format!("{}; {detail}", entry.why)),
        other => Outcome::Fail(format!(
            "listed in battery/expected-failures.toml ({}) but ended {}: remove the entry",
            entry.why,
            other.short()
        )),
    }
}

/// One case: its file and directives.
struct Case {
    name: String,
    path: PathBuf,
    make_env: Vec<(String, String)>,
    run_env: Vec<(String, String)>,
    args: Vec<String>,
    expect_differ: bool,
}

fn load_cases(dir: &Path, filter: Option<&str>) -> Result<Vec<Case>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("read the battery's cases in {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .collect();
    paths.sort();
    let mut cases = Vec::new();
    for path in paths {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        if filter.is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let source = std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
        let directive = |key: &str| -> Option<String> {
            source
                .lines()
                .take_while(|l| l.starts_with("//"))
                .find_map(|l| l.trim_start_matches('/').trim().strip_prefix(key).map(|rest| rest.trim().to_owned()))
        };
        let env = |key: &str| -> Vec<(String, String)> {
            directive(key)
                .unwrap_or_default()
                .split_whitespace()
                .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
                .collect()
        };
        cases.push(Case {
            make_env: env("make-env:"),
            run_env: env("run-env:"),
            args: directive("args:").map(|a| a.split_whitespace().map(str::to_owned).collect()).unwrap_or_default(),
            expect_differ: directive("expect:").is_some_and(|e| e == "differ"),
            name,
            path,
        });
    }
    Ok(cases)
}

/// How one case ended on one engine.
#[derive(Clone, Debug)]
enum Outcome {
    Same,
    SameNoted(String),
    Gap(String),
    Refused(String),
    NotApplicable(String),
    MakeDied(String),
    Known(String),
    Fail(String),
}

impl Outcome {
    fn short(&self) -> &'static str {
        match self {
            Outcome::Same => "same",
            Outcome::SameNoted(_) => "same, noted",
            Outcome::Gap(_) => "gap",
            Outcome::Refused(_) => "refused",
            Outcome::NotApplicable(_) => "n/a",
            Outcome::MakeDied(_) => "make died",
            Outcome::Known(_) => "known failure",
            Outcome::Fail(_) => "FAIL",
        }
    }

    fn detail(&self) -> &str {
        match self {
            Outcome::Same => "",
            Outcome::SameNoted(d)
            | Outcome::Gap(d)
            | Outcome::Refused(d)
            | Outcome::NotApplicable(d)
            | Outcome::MakeDied(d)
            | Outcome::Known(d)
            | Outcome::Fail(d) => d,
        }
    }

    fn is_failure(&self) -> bool {
        matches!(self, Outcome::Fail(_))
    }
}

/// What a process did.
struct Ran {
    /// The exit status; `None` for a signal or a hang.
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Why it has no status: `signal N` or `hung`.
    abnormal: Option<String>,
}

fn polysnap(binary: &Path, args: &[&str], env: &[(String, String)]) -> Ran {
    let mut child = match Command::new(binary)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            return Ran {
                code: None,
                stdout: String::new(),
                stderr: e.to_string(),
                abnormal: Some("cannot start".into()),
            }
        }
    };
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    match status {
        None => Ran { code: None, stdout, stderr, abnormal: Some(format!("hung (killed after {}s)", LIMIT.as_secs())) },
        Some(status) => match status.code() {
            Some(code) => Ran { code: Some(code), stdout, stderr, abnormal: None },
            None => {
                use std::os::unix::process::ExitStatusExt;
                Ran { code: None, stdout, stderr, abnormal: Some(format!("signal {}", status.signal().unwrap_or(0))) }
            }
        },
    }
}

/// The first line of `text` that is not a note (`make` writes its notes before an error).
fn first_line(text: &str) -> String {
    let note = |l: &str| l.trim().starts_with("polysnap: note: ");
    let line = text.lines().find(|l| !l.trim().is_empty() && !note(l)).unwrap_or("").trim();
    line.strip_prefix("polysnap: ").unwrap_or(line).chars().take(300).collect()
}

fn notes(stderr: &str) -> Vec<String> {
    stderr.lines().filter_map(|l| l.strip_prefix("polysnap: note: ")).map(str::to_owned).collect()
}

fn judge(binary: &Path, case: &Case, engine: &str, scratch: &Path) -> Outcome {
    let setup = case.path.to_string_lossy().into_owned();
    let file = scratch.join(format!("{}-{engine}.psnap", case.name)).to_string_lossy().into_owned();
    let with_args = |args: Vec<&str>| -> Vec<String> {
        let mut args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        if !case.args.is_empty() {
            args.push("--".to_owned());
            args.extend(case.args.iter().cloned());
        }
        args
    };
    let exec_args = with_args(vec!["exec", "--engine", engine, &setup, "-p", "probe()"]);
    let run_args = with_args(vec!["run", &file, "-p", "probe()"]);
    let call = |args: &[String], env: &[(String, String)]| {
        polysnap(binary, &args.iter().map(String::as_str).collect::<Vec<_>>(), env)
    };
    let fresh = call(&exec_args, &case.run_env);
    if let Some(abnormal) = &fresh.abnormal {
        return Outcome::Fail(format!("the fresh run {abnormal}: {}", first_line(&fresh.stderr)));
    }
    let made = call(&["make", "--engine", engine, "-o", &file, &setup].map(str::to_owned), &case.make_env);
    if let Some(abnormal) = &made.abnormal {
        return Outcome::Fail(format!("make {abnormal}: {}", first_line(&made.stderr)));
    }
    if fresh.code != Some(0) {
        return if made.code == fresh.code {
            Outcome::NotApplicable(first_line(&fresh.stderr))
        } else {
            Outcome::Fail(format!(
                "the fresh run failed ({}) but make gave exit {:?}: {}",
                first_line(&fresh.stderr),
                made.code,
                first_line(&made.stderr)
            ))
        };
    }
    match made.code {
        Some(0) => {}
        // The backend refuses what it cannot capture by making the builtin throw during
        // setup, with a message naming it (V8's Intl, FinalizationRegistry).
        Some(1) if made.stderr.contains("is not available while building") => {
            return Outcome::Refused(first_line(&made.stderr));
        }
        Some(2) if made.stderr.contains("ended the process while") => {
            return Outcome::MakeDied(first_line(&made.stderr));
        }
        Some(2) => return Outcome::Refused(first_line(&made.stderr)),
        other => {
            return Outcome::Fail(format!(
                "the fresh run succeeded but make gave exit {other:?}: {}",
                first_line(&made.stderr)
            ))
        }
    }
    let noted = notes(&made.stderr);
    let restored = call(&run_args, &case.run_env);
    if let Some(abnormal) = &restored.abnormal {
        return Outcome::Fail(format!("the restored run {abnormal}: {}", first_line(&restored.stderr)));
    }
    if restored.code != Some(0) {
        return Outcome::Fail(format!(
            "the restored run gave exit {:?}: {}",
            restored.code,
            first_line(&restored.stderr)
        ));
    }
    if case.expect_differ {
        let fresh_again = call(&exec_args, &case.run_env);
        let restored_again = call(&run_args, &case.run_env);
        if fresh.stdout == fresh_again.stdout {
            return Outcome::Fail(format!("two fresh runs should differ, both gave {}", fresh.stdout.trim()));
        }
        if restored.stdout == restored_again.stdout {
            return Outcome::Fail(format!(
                "two restored runs should differ (as fresh runs do), both gave {}",
                restored.stdout.trim()
            ));
        }
        return Outcome::Same;
    }
    match (restored.stdout == fresh.stdout, noted.is_empty()) {
        (true, true) => Outcome::Same,
        (true, false) => Outcome::SameNoted(noted.join("; ")),
        (false, false) => Outcome::Gap(format!(
            "restored {} != fresh {}; make noted: {}",
            restored.stdout.trim(),
            fresh.stdout.trim(),
            noted.join("; ")
        )),
        (false, true) => Outcome::Fail(format!(
            "silent difference: restored {} != fresh {}",
            restored.stdout.trim(),
            fresh.stdout.trim()
        )),
    }
}

fn summary(rows: &[(String, Vec<Outcome>)]) -> String {
    let mut out = String::new();
    for (column, engine) in ENGINES.iter().enumerate() {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for (_, outcomes) in rows {
            let short = outcomes[column].short();
            match counts.iter_mut().find(|(s, _)| *s == short) {
                Some((_, n)) => *n += 1,
                None => counts.push((short, 1)),
            }
        }
        counts.sort();
        let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let _ = writeln!(out, "- {engine}: {} cases: {}", rows.len(), parts.join(", "));
    }
    out
}

fn render(rows: &[(String, Vec<Outcome>)], took: Duration) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# The differential battery\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask battery` (run by `cargo xtask test`). Each case in `battery/cases/` is a small \
         adversarial setup that defines `probe()`; it runs fresh (`polysnap exec`) and restored (`polysnap make`, \
         then `polysnap run`) on both engines, and the two outputs are compared. **same**: equal; **same, noted**: \
         equal, and `make` noted a declared loss elsewhere; **gap**: they differ where `make` named a declared \
         capability gap; **refused**: `make` refused the heap by name and wrote nothing; **n/a**: the setup fails \
         the same way fresh and at `make` (syntax the engine lacks); **make died**: the engine died while capturing \
         (a hazard polysnap does not refuse by name yet; the guarded `make` says so, exit 2); **known failure**: a \
         failure listed in `battery/expected-failures.toml` with its reason (an engine limit not mended or refused \
         yet). Any other signal, hang or silent difference fails the battery.\n"
    );
    let _ = writeln!(out, "{}\nLast run took {:.0} s.\n", summary(rows), took.as_secs_f64());
    let _ = writeln!(out, "| case | {} |", ENGINES.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(ENGINES.len()));
    for (name, outcomes) in rows {
        let cells: Vec<String> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Same => "same".to_owned(),
                other => format!("{} ({})", other.short(), other.detail().replace('|', "\\|")),
            })
            .collect();
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    }
    out
}
