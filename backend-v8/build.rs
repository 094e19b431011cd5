//! Build script of backend-v8: finds Debian's libnode108 (V8 10.2) and compiles the C++ shim
//! against its headers into a shared library linked to libnode, which the crate opens at run
//! time (so binaries that depend on the crate do not link libnode themselves).
//!
//! Engine root: `$POLYSNAP_V8_DIR`, else `<workspace>/.engines/v8` (the root of a
//! `dpkg -x libnode108_*.deb` plus `libnode-dev`), as `cargo xtask setup` lays it out.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=POLYSNAP_V8_DIR");
    println!("cargo:rerun-if-changed=shim/shim.cc");
    println!("cargo:rerun-if-changed=build.rs");

    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = match env::var_os("POLYSNAP_V8_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => manifest_dir.parent().expect("backend-v8 lives inside the workspace").join(".engines").join("v8"),
    };
    let include = root.join("usr/include/node");
    let libdir = root.join("usr/lib/x86_64-linux-gnu");

    let header = include.join("v8-snapshot.h");
    let lib = libdir.join("libnode.so");
    for needed in [&header, &lib] {
        if !needed.exists() {
            panic!(
                "backend-v8: V8 engine not found: expected {} (engine root {}, from POLYSNAP_V8_DIR or <workspace>/.engines/v8); run `cargo xtask setup`",
                needed.display(),
                root.display()
            );
        }
    }
    println!("cargo:rerun-if-changed={}", header.display());
    println!("cargo:rerun-if-changed={}", lib.display());

    let shim = compile_shim(&include, &libdir);
    // The crate opens the shim at run time (src/ffi.rs): nothing here links libnode into the
    // binaries that depend on it, so they start without the loader looking for libnode and
    // need no rpath, build script or LD_LIBRARY_PATH of their own.
    println!("cargo:rustc-env=POLYSNAP_V8_SHIM_BUILT={}", shim.display());
    println!("cargo:root={}", root.display());
}

/// Compiles `shim/shim.cc` into a shared library linked against libnode, with the engine's
/// library folder as its old-style RPATH (`--disable-new-dtags`: a DT_RPATH also serves
/// libnode's own dependencies, libuv and c-ares, unpacked beside it; a DT_RUNPATH would not).
fn compile_shim(include: &Path, libdir: &Path) -> PathBuf {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let shim = out.join("libpolysnap_v8_shim.so");
    let compiler = cc::Build::new()
        .cpp(true)
        .pic(true)
        .include(include)
        .flag("-std=c++17")
        .flag("-fno-rtti")
        // The shim is small and converts every value crossing the boundary: keep it fast in
        // debug builds too.
        .opt_level(2)
        .flag_if_supported("-Wno-unused-parameter")
        .warnings(true)
        .get_compiler();
    let mut command = compiler.to_command();
    command
        .arg("-shared")
        .arg("shim/shim.cc")
        .arg("-o")
        .arg(&shim)
        .arg(format!("-L{}", libdir.display()))
        .arg("-lnode")
        .arg(format!("-Wl,--disable-new-dtags,-rpath,{}", libdir.display()))
        // Every symbol the shim uses must resolve now, against libnode, not at first call.
        .arg("-Wl,-z,defs");
    let status = command.status().unwrap_or_else(|e| panic!("backend-v8: cannot start the C++ compiler: {e}"));
    if !status.success() {
        panic!("backend-v8: compiling shim/shim.cc into {} failed ({status}): {command:?}", shim.display());
    }
    shim
}
