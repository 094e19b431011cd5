//! `examples/runtime` (tinyrt), a runtime written as a crate outside this workspace would
//! write it: built with `v8` alone, `chakra` alone and both, run with no `POLYSNAP_*`
//! variable and no `LD_LIBRARY_PATH`, and its output checked.

use std::path::Path;
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

/// Variables that would let a binary find an engine it could not find by itself.
const HIDDEN: &[&str] = &["LD_LIBRARY_PATH", "POLYSNAP_V8_DIR", "POLYSNAP_CHAKRA_LIB", "POLYSNAP_V8_SHIM"];

/// Builds tinyrt three ways and checks what each prints.
pub fn run(workspace: &Path) -> Result<()> {
    let crate_dir = workspace.join("examples/runtime");
    let target = workspace.join("target/tinyrt");
    let scratch = tempfile::tempdir()?;
    let builds: [(&str, &[&str]); 3] = [
        ("both", &[]),
        ("v8", &["--no-default-features", "--features", "v8"]),
        ("chakra", &["--no-default-features", "--features", "chakra"]),
    ];
    for (name, features) in builds {
        let binary = scratch.path().join(format!("tinyrt-{name}"));
        build(&crate_dir, &target, features, &binary)?;
        eprintln!("tinyrt: built with {name}");
    }
    let dir = scratch.path();
    let tinyrt = |build: &str, args: &[&str]| run_clean(&dir.join(format!("tinyrt-{build}")), &crate_dir, args);
    for engine in ["v8", "chakra"] {
        let file = dir.join(format!("{engine}.snap"));
        let file = file.to_str().context("a UTF-8 path")?;
        let made = tinyrt("both", &["build", "js/setup.js", "-o", file, "--engine", engine])?;
        expect(&made, true, "setup: 2 + 3 = 5\n", &[&format!("wrote {file}")])?;
        let expected = "hello, script\n42\n[object Object]\nhello, main, total + 1 = 6\n";
        let restored_in = [("both", true), (engine, true), (if engine == "v8" { "chakra" } else { "v8" }, false)];
        for (build, works) in restored_in {
            let out = tinyrt(build, &["run", file, "js/script.js"])?;
            if works {
                expect(
                    &out,
                    true,
                    expected,
                    &["1 additions so far", "3 additions in all", "bound `app` to an object"],
                )?;
            } else {
                // A build without this engine says which cargo feature adds it.
                expect(&out, false, "", &[&format!("cargo feature `{engine}`")])?;
            }
        }
        // A native set without `tinyrt.add`: refused before the engine sees the snapshot.
        let changed = tinyrt("both", &["run", file, "js/script.js", "--without", "tinyrt.add"])?;
        expect(&changed, false, "", &["tinyrt.add"])?;
        eprintln!("tinyrt: {engine} snapshot: made, restored by each build that has {engine}, refused by the other");
    }
    Ok(())
}

fn build(crate_dir: &Path, target: &Path, features: &[&str], binary: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(crate_dir).args(["build", "--quiet", "--target-dir"]).arg(target).args(features);
    let status = command.status().context("cannot start cargo for examples/runtime")?;
    if !status.success() {
        bail!("examples/runtime: `cargo build {}` failed ({status})", features.join(" "));
    }
    std::fs::copy(target.join("debug/tinyrt"), binary).context("cargo left no tinyrt binary")?;
    Ok(())
}

/// Runs `binary` in `dir` with none of [`HIDDEN`] in its environment.
fn run_clean(binary: &Path, dir: &Path, args: &[&str]) -> Result<Output> {
    let mut command = Command::new(binary);
    command.current_dir(dir).args(args);
    for name in HIDDEN {
        command.env_remove(name);
    }
    command.output().with_context(|| format!("cannot start {}", binary.display()))
}

/// Checks the exit status, the whole stdout and that stderr holds each of `in_stderr`.
fn expect(out: &Output, success: bool, stdout: &str, in_stderr: &[&str]) -> Result<()> {
    let (printed, said) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.success() != success || printed != stdout || in_stderr.iter().any(|s| !said.contains(s)) {
        bail!(
            "tinyrt: expected {} with stdout {stdout:?} and {in_stderr:?} on stderr; it ended with {} and printed \
             {printed:?}, stderr:\n{said}",
            if success { "success" } else { "failure" },
            out.status
        );
    }
    Ok(())
}
