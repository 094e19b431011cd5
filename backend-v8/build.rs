//! Build script of backend-v8: finds Debian's libnode108 (V8 10.2), compiles the C++ shim
//! against its headers and links `libnode.so` with an rpath so binaries find it at run time.
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

    compile_shim(&include);

    println!("cargo:rustc-link-search=native={}", libdir.display());
    println!("cargo:rustc-link-lib=dylib=node");
    // libnode needs libuv.so.1 and libcares.so.2 which live beside it and are not installed
    // system-wide. A DT_RUNPATH (the linker's default) only serves the binary's direct
    // dependencies, so libnode would not find them: emit an old-style DT_RPATH
    // (--disable-new-dtags), which also serves dependencies of dependencies.
    // `rustc-link-arg` only reaches this package's own binaries (tests, examples, benches);
    // dependents read `DEP_POLYSNAP_V8_RPATH`.
    println!("cargo:rustc-link-arg=-Wl,--disable-new-dtags,-rpath,{}", libdir.display());
    println!("cargo:rpath={}", libdir.display());
    println!("cargo:root={}", root.display());
}

fn compile_shim(include: &Path) {
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .file("shim/shim.cc")
        .include(include)
        .flag("-std=c++17")
        .flag("-fno-rtti")
        // The shim is small and converts every value crossing the boundary: keep it fast in
        // debug builds too.
        .opt_level(2)
        .flag_if_supported("-Wno-unused-parameter")
        .warnings(true);
    build.compile("polysnap_v8_shim");
}
