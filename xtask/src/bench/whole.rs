//! Whole-process rows through hyperfine: every command of a table checked to print what its
//! baseline prints, then timed in rounds (the table's commands one after another, in a
//! rotated order each round), wall times from hyperfine's JSON export; peak RSS from the
//! checking run.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::stats::Samples;

/// One command of a table.
#[derive(Clone, Debug)]
pub struct Row {
    /// What the table calls it.
    pub name: String,
    /// The program, then its arguments (files are relative to the scratch folder).
    pub program: PathBuf,
    pub args: Vec<String>,
    /// The row it is compared with (its index in the table): its output must be the same, and
    /// its ratio is taken over that row's time.
    pub baseline: usize,
}

impl Row {
    /// The command as anyone can type it in the scratch folder (the program by file name).
    pub fn shown(&self) -> String {
        let program = self.program.file_name().unwrap_or_default().to_string_lossy();
        std::iter::once(program.into_owned()).chain(self.args.iter().map(|a| quote(a))).collect::<Vec<_>>().join(" ")
    }

    /// The command as hyperfine runs it without a shell (its words split like a shell's).
    fn for_hyperfine(&self) -> String {
        std::iter::once(quote(&self.program.to_string_lossy()))
            .chain(self.args.iter().map(|a| quote(a)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `word` as one shell word.
fn quote(word: &str) -> String {
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:@%+".contains(c)) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Runs every row once and checks it prints what its baseline prints; returns each row's
/// peak resident memory in that run, in bytes.
pub fn check_outputs(dir: &Path, rows: &[Row]) -> Result<Vec<u64>> {
    let mut printed: Vec<String> = Vec::new();
    let mut peaks = Vec::new();
    for row in rows {
        let out = run_measured(dir, row)?;
        if !out.success {
            bail!("{} failed ({}): {}", row.name, out.status, out.stderr.trim());
        }
        peaks.push(out.peak_rss);
        let text = out.stdout;
        if let Some(expected) = printed.get(row.baseline) {
            if text != *expected {
                bail!(
                    "{} printed {text:?}, {} printed {expected:?}: the rows would not time the same work",
                    row.name,
                    rows[row.baseline].name
                );
            }
        }
        printed.push(text);
    }
    Ok(peaks)
}

/// What one run of a row printed, how it ended and its peak resident memory.
struct Measured {
    stdout: String,
    stderr: String,
    success: bool,
    status: String,
    peak_rss: u64,
}

/// Runs `row` once, its peak RSS taken from the kernel's accounting of that one child
/// (`wait4`; hyperfine's figure is the running maximum over every child it has waited for).
fn run_measured(dir: &Path, row: &Row) -> Result<Measured> {
    use std::io::Read;
    let stderr_file = tempfile::tempfile()?;
    let mut child = Command::new(&row.program)
        .args(&row.args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr_file.try_clone()?)
        .spawn()
        .with_context(|| format!("{}: cannot start {}", row.name, row.program.display()))?;
    let mut stdout = String::new();
    child.stdout.take().expect("piped").read_to_string(&mut stdout)?;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of that plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `child.id()` is our own child, not yet waited for; `status` and `usage` are
    // valid for writes for the duration of the call.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    if waited < 0 {
        bail!("{}: wait4 failed: {}", row.name, std::io::Error::last_os_error());
    }
    let mut stderr = String::new();
    let mut file = stderr_file;
    std::io::Seek::rewind(&mut file)?;
    file.read_to_string(&mut stderr)?;
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let status = if libc::WIFEXITED(status) {
        format!("exit status {}", libc::WEXITSTATUS(status))
    } else {
        format!("signal {}", libc::WTERMSIG(status))
    };
    // ru_maxrss is in KiB on Linux.
    Ok(Measured { stdout, stderr, success, status, peak_rss: usage.ru_maxrss as u64 * 1024 })
}

#[derive(Deserialize)]
struct Export {
    results: Vec<ExportedCommand>,
}

#[derive(Deserialize)]
struct ExportedCommand {
    command: String,
    times: Vec<f64>,
    exit_codes: Vec<Option<i32>>,
}

/// Times the rows in `rounds` rounds of `runs` runs each (after one warm-up run per command).
pub fn measure(hyperfine: &Path, dir: &Path, rows: &[Row], rounds: usize, runs: usize) -> Result<Vec<Samples>> {
    let mut samples = vec![Samples::default(); rows.len()];
    for round in 0..rounds {
        let export = dir.join(format!("round-{round}.json"));
        let mut command = Command::new(hyperfine);
        command.current_dir(dir).args(["-N", "--style", "none", "--warmup", "1", "--runs"]);
        command.arg(runs.to_string()).arg("--export-json").arg(&export);
        let order: Vec<usize> = (0..rows.len()).map(|i| (i + round) % rows.len()).collect();
        for &i in &order {
            command.arg("--command-name").arg(&rows[i].name).arg(rows[i].for_hyperfine());
        }
        let out = command.output().context("cannot start hyperfine")?;
        if !out.status.success() {
            bail!("hyperfine failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
        }
        let json = std::fs::read_to_string(&export).context("hyperfine wrote no export")?;
        let export: Export = serde_json::from_str(&json).context("hyperfine's export does not parse")?;
        for (result, &i) in export.results.iter().zip(&order) {
            if result.command != rows[i].name {
                bail!("hyperfine's export lists {:?} where {:?} was expected", result.command, rows[i].name);
            }
            if result.exit_codes.iter().any(|code| *code != Some(0)) {
                bail!("{}: a timed run did not exit 0 ({:?})", rows[i].name, result.exit_codes);
            }
            let ms: Vec<f64> = result.times.iter().map(|s| s * 1000.0).collect();
            samples[i].round_medians.push(super::stats::median(&ms));
            samples[i].runs.extend(ms);
        }
        eprint!(".");
    }
    eprintln!();
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_they_need_it() {
        assert_eq!(quote("wp-heap.psnap"), "wp-heap.psnap");
        assert_eq!(quote("String(x)"), "'String(x)'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }
}
