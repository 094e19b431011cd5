//! The engine × scenario matrix: each cell from three child processes (make, restore, fresh).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use polysnap::core::{Capabilities, CapabilityGap, EngineKind};

use crate::scenario::Scenario;

/// The outcome of one scenario on one engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Restored == fresh == expected (or the expected refusal happened); for a scenario
    /// with `differential = false`, restored == expected.
    Pass,
    /// Anything else, with what differed.
    Fail(String),
    /// A declared capability gap of the engine, with its reason.
    Unsupported(String),
}

/// One engine as the matrix sees it: its name on the command line and its declared gaps.
#[derive(Clone, Debug)]
pub struct EngineInfo {
    /// Which engine.
    pub kind: EngineKind,
    /// What it can bring back.
    pub capabilities: Capabilities,
    /// What it cannot, with reasons.
    pub gaps: &'static [CapabilityGap],
}

/// Where a cell's expected output comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// The insta snapshot recorded for the scenario.
    Recorded,
    /// Not compared here (the caller asserts the insta snapshot itself).
    Skip,
}

/// Where the steps run: the runner binary (this crate's `conformance`) and a scratch folder.
pub struct Runner {
    /// The `conformance` binary.
    pub binary: PathBuf,
    /// A folder for snapshot files.
    pub scratch: PathBuf,
}

/// What a child step printed, or how it failed.
#[derive(Debug)]
struct StepOutput {
    ok: bool,
    text: String,
    /// What the step noted on stderr (`make`'s declared losses).
    notes: Vec<String>,
}

/// How a step's stderr line starts when it is a note (see `steps::make`).
pub const NOTE: &str = "note: ";

impl Runner {
    fn step(&self, args: &[&str]) -> StepOutput {
        self.step_with(args, false)
    }

    /// Runs a step; `on_tty` runs it on a pseudo-terminal (util-linux `script`), so that its
    /// stdout is a terminal.
    fn step_with(&self, args: &[&str], on_tty: bool) -> StepOutput {
        let mut command = if on_tty {
            let line = std::iter::once(self.binary.to_string_lossy().into_owned())
                .chain(args.iter().map(|a| (*a).to_owned()))
                .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
                .collect::<Vec<_>>()
                .join(" ");
            let mut script = Command::new("script");
            script.args(["-qec", &line, "/dev/null"]);
            script
        } else {
            let mut direct = Command::new(&self.binary);
            direct.args(args);
            direct
        };
        let output = match command.output() {
            Ok(output) => output,
            Err(e) => {
                return StepOutput {
                    ok: false,
                    text: format!("cannot start {}: {e}", self.binary.display()),
                    notes: Vec::new(),
                }
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        let notes: Vec<String> = stderr.lines().filter_map(|l| l.strip_prefix(NOTE)).map(str::to_owned).collect();
        match output.status.code() {
            Some(0) => StepOutput { ok: true, text: stdout, notes },
            Some(code) => StepOutput { ok: false, text: format!("exit {code}: {stderr}"), notes },
            None => StepOutput { ok: false, text: format!("killed by a signal ({}): {stderr}", output.status), notes },
        }
    }

    /// Runs one scenario on one engine and judges it against `expected` (`Expect::Recorded`
    /// reads the insta snapshot; `Expect::Skip` leaves that comparison to the caller). Returns
    /// the outcome and the restored result.
    pub fn run(
        &self,
        scenario: &Scenario,
        path: &Path,
        engine: &EngineInfo,
        expect: Expect,
    ) -> (Outcome, Option<String>) {
        let expected = match expect {
            Expect::Recorded => Some(expected(&scenario.name)),
            Expect::Skip => None,
        };
        let (outcome, output) = self.judge(scenario, path, engine.kind, expected.as_ref().map(Option::as_deref));
        (apply_gaps(scenario, engine, outcome), output)
    }

    /// The scenario's result on a fresh runtime of `engine` (setup then check, no snapshot):
    /// what a scenario the engine cannot restore must still give, so that its gap is the
    /// engine's and not a broken check.
    pub fn fresh(&self, path: &Path, engine: EngineKind) -> Result<String, String> {
        let engine_arg = engine.to_string();
        let scenario_arg = path.to_string_lossy().into_owned();
        let fresh = self.step(&["fresh", "--engine", &engine_arg, "--scenario", &scenario_arg]);
        if fresh.ok {
            Ok(fresh.text)
        } else {
            Err(fresh.text)
        }
    }

    fn judge(
        &self,
        scenario: &Scenario,
        path: &Path,
        engine: EngineKind,
        expected: Option<Option<&str>>,
    ) -> (Outcome, Option<String>) {
        let (outcome, output, notes) = self.judge_steps(scenario, path, engine, expected);
        let outcome = match outcome {
            Outcome::Fail(failure) if !notes.is_empty() => {
                Outcome::Fail(format!("{failure} (make noted: {})", notes.join("; ")))
            }
            other => other,
        };
        (outcome, output)
    }

    /// The steps of one cell; also what `make` noted.
    fn judge_steps(
        &self,
        scenario: &Scenario,
        path: &Path,
        engine: EngineKind,
        expected: Option<Option<&str>>,
    ) -> (Outcome, Option<String>, Vec<String>) {
        let engine_arg = engine.to_string();
        let scenario_arg = path.to_string_lossy().into_owned();
        let snapshot = self.scratch.join(format!("{}-{engine}.psnap", scenario.name));
        let snapshot_arg = snapshot.to_string_lossy().into_owned();
        let made = self.step_with(
            &["make", "--engine", &engine_arg, "--scenario", &scenario_arg, "--out", &snapshot_arg],
            scenario.make_on_tty,
        );
        if let Some(error) = &scenario.expect_make_error {
            let outcome = if !made.ok && made.text.starts_with("exit 2:") && made.text.contains(error.as_str()) {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("make should fail with `{error}` (exit 2), got: {}", made.text))
            };
            return (outcome, None, made.notes);
        }
        if !made.ok {
            return (Outcome::Fail(format!("make: {}", made.text)), None, made.notes);
        }
        let notes = made.notes;
        if let Some(write) = &scenario.write_after_make {
            if let Err(e) = std::fs::write(&write.path, &write.content) {
                return (Outcome::Fail(format!("cannot write {}: {e}", write.path)), None, notes);
            }
        }
        let restored =
            self.step(&["restore", "--engine", &engine_arg, "--scenario", &scenario_arg, "--snapshot", &snapshot_arg]);
        if let Some(error) = &scenario.expect_restore_error {
            let outcome = match &restored {
                StepOutput { ok: false, text, .. } if text.starts_with("exit 2:") && text.contains(error.as_str()) => {
                    Outcome::Pass
                }
                StepOutput { text, .. } => {
                    Outcome::Fail(format!("restore should fail with `{error}` (exit 2), got: {text}"))
                }
            };
            return (outcome, None, notes);
        }
        if !restored.ok {
            return (Outcome::Fail(format!("restore: {}", restored.text)), None, notes);
        }
        // Differential scenarios: restored must equal fresh. The others have no fresh side.
        let compared = if scenario.differential {
            let fresh = self.step(&["fresh", "--engine", &engine_arg, "--scenario", &scenario_arg]);
            if !fresh.ok {
                return (Outcome::Fail(format!("fresh: {}", fresh.text)), Some(restored.text), notes);
            }
            if restored.text != fresh.text {
                return (
                    Outcome::Fail(format!("restored {} != fresh {}", restored.text, fresh.text)),
                    Some(restored.text),
                    notes,
                );
            }
            "restored and fresh"
        } else {
            "restored (not differential)"
        };
        let outcome = match expected {
            Some(Some(expected)) if expected != restored.text => {
                Outcome::Fail(format!("{compared} {} != expected {expected}", restored.text))
            }
            Some(None) => Outcome::Fail(format!("no expected output recorded; {compared} gave {}", restored.text)),
            Some(Some(_)) | None => Outcome::Pass,
        };
        (outcome, Some(restored.text), notes)
    }
}

/// A declared gap excuses only the failure it names: the failure must show the gap's
/// symptom (a note of `make`'s or an error naming the capability), else it is a failure.
pub fn apply_gaps(scenario: &Scenario, engine: &EngineInfo, outcome: Outcome) -> Outcome {
    let missing = scenario.required_capabilities() - engine.capabilities;
    if missing.is_empty() {
        return outcome;
    }
    let gaps: Vec<&CapabilityGap> = engine.gaps.iter().filter(|g| missing.intersects(g.capability)).collect();
    let reason = gaps.iter().map(|g| g.reason).collect::<Vec<_>>().join("; ");
    match outcome {
        Outcome::Pass => {
            Outcome::Fail(format!("passes although a capability gap is declared ({reason}): the declaration is stale"))
        }
        Outcome::Fail(failure) if gaps.iter().any(|g| failure.contains(g.symptom)) => Outcome::Unsupported(reason),
        Outcome::Fail(failure) => Outcome::Fail(format!(
            "fails without the symptom of its declared gap ({}): {failure}",
            gaps.iter().map(|g| format!("`{}`", g.symptom)).collect::<Vec<_>>().join(" or ")
        )),
        unsupported => unsupported,
    }
}

/// Whether `text` (a failure) shows the symptom of a gap `engine` declares for a capability
/// `scenario` requires.
pub fn shows_gap(scenario: &Scenario, engine: &EngineInfo, text: &str) -> bool {
    let missing = scenario.required_capabilities() - engine.capabilities;
    engine.gaps.iter().any(|g| missing.intersects(g.capability) && text.contains(g.symptom))
}

/// The matrix as Markdown: one row per scenario, one column per engine, then totals.
pub fn render(scenarios: &[Scenario], engines: &[EngineInfo], cells: &[Vec<Outcome>]) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "| scenario | {} |", engines.iter().map(|e| e.kind.to_string()).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(engines.len()));
    for (scenario, row) in scenarios.iter().zip(cells) {
        let cells: Vec<String> = row.iter().map(cell).collect();
        let _ = writeln!(out, "| {} | {} |", scenario.name, cells.join(" | "));
    }
    let _ = writeln!(out);
    for (column, engine) in engines.iter().enumerate() {
        let count = |f: fn(&Outcome) -> bool| cells.iter().filter(|row| f(&row[column])).count();
        let _ = writeln!(
            out,
            "- {}: {} passed, {} failed, {} unsupported",
            engine.kind,
            count(|o| *o == Outcome::Pass),
            count(|o| matches!(o, Outcome::Fail(_))),
            count(|o| matches!(o, Outcome::Unsupported(_)))
        );
    }
    out
}

fn cell(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Pass => "pass".into(),
        Outcome::Fail(why) => format!("**FAIL** ({})", why.replace('|', "\\|").replace('\n', " ")),
        Outcome::Unsupported(why) => format!("unsupported ({why})"),
    }
}

/// The expected output recorded for `scenario` (an insta snapshot in `tests/snapshots/`).
pub fn expected(scenario: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/snapshots/matrix__{scenario}.snap"));
    let text = std::fs::read_to_string(path).ok()?;
    // insta's file: a YAML header between `---` lines, then the content.
    let body = text.splitn(3, "---\n").nth(2)?;
    Some(body.trim_end_matches('\n').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAPS: &[CapabilityGap] = &[CapabilityGap {
        capability: Capabilities::DATA_VIEW,
        reason: "views come back plain",
        symptom: "capability DATA_VIEW is absent",
    }];

    fn engine() -> EngineInfo {
        EngineInfo { kind: EngineKind::ChakraCore, capabilities: Capabilities::empty(), gaps: GAPS }
    }

    fn scenario() -> Scenario {
        let mut scenario: Scenario =
            toml::from_str("about = 'a'\nsetup = ''\ncheck = ''\nrequires = ['DATA_VIEW']").unwrap();
        scenario.name = "views".into();
        scenario
    }

    #[test]
    fn a_gap_excuses_only_a_failure_with_its_symptom() {
        let excused =
            apply_gaps(&scenario(), &engine(), Outcome::Fail("x (make noted: capability DATA_VIEW is absent)".into()));
        assert_eq!(excused, Outcome::Unsupported("views come back plain".into()));
        let other = apply_gaps(&scenario(), &engine(), Outcome::Fail("restore: killed by a signal".into()));
        assert!(matches!(other, Outcome::Fail(ref why) if why.contains("without the symptom")), "{other:?}");
        let stale = apply_gaps(&scenario(), &engine(), Outcome::Pass);
        assert!(matches!(stale, Outcome::Fail(ref why) if why.contains("stale")), "{stale:?}");
    }
}
