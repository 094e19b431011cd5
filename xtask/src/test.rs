//! `cargo xtask test`: every test, on the real engines, set up first.

use std::path::Path;

use anyhow::Result;

use crate::{cmd, setup, workloads};

/// Sets up the engines, then runs the whole suite, the import-cycle check, clippy, the docs,
/// the benchmarks' smoke run, the fuzz targets, the differential battery and the npm corpus;
/// stops at the first failure.
pub fn run(workspace: &Path) -> Result<()> {
    let engines = setup::run(workspace)?;
    let typescript = workloads::typescript(workspace)?;
    let mut env = engines.env();
    env.push(("POLYSNAP_TYPESCRIPT_JS", typescript.to_str().expect("a UTF-8 path")));
    let none = env.as_slice();
    cmd::cargo("build everything", workspace, &["build", "--workspace", "--all-targets"], none)?;
    cmd::cargo("test", workspace, &["test", "--workspace", "--no-fail-fast"], none)?;
    cmd::cargo(
        "test release-build ids (no names kept)",
        workspace,
        &["test", "--release", "-p", "snapshot-core", "--test", "stable_id"],
        none,
    )?;
    // No module of any crate imports another that imports it back.
    crate::cycles::run(workspace)?;
    cmd::cargo("clippy", workspace, &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], none)?;
    // Each backend alone, and none (the library and the CLI only: every test and example
    // needs an engine): what a runtime author picking one engine builds.
    let builds: [&[&str]; 3] = [
        &["--no-default-features", "--lib", "--bins"],
        &["--no-default-features", "--features", "v8", "--all-targets"],
        &["--no-default-features", "--features", "chakra", "--all-targets"],
    ];
    for build in builds {
        let args = [&["clippy", "-p", "polysnap"][..], build, &["--", "-D", "warnings"]].concat();
        cmd::cargo("clippy (one backend or none)", workspace, &args, none)?;
    }
    cmd::cargo(
        "docs",
        workspace,
        &["doc", "--workspace", "--no-deps"],
        &[none, &[("RUSTDOCFLAGS", "-D warnings")]].concat(),
    )?;
    // A crate outside the workspace (examples/runtime), with each backend alone and both, run
    // with no engine variables.
    crate::tinyrt::run(workspace)?;
    // The benchmarks build on a clean clone and every row prints what its baseline prints
    // (each command and each criterion row once; no figures kept).
    crate::bench::run(workspace, &["--smoke".to_owned()])?;
    crate::fuzz::run(workspace, 30)?;
    // Code nobody here wrote: the differential battery, then the real-library corpus (each
    // writes its table to docs/).
    crate::battery::run(workspace, None)?;
    crate::corpus::run(workspace, &[])?;
    eprintln!("xtask test: every step passed");
    Ok(())
}
