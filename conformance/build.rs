//! Puts the V8 engine's library folder on the rpath of the conformance runner, its tests and
//! examples (backend-v8's build script finds it and passes it on as `DEP_POLYSNAP_V8_RPATH`).
//! `--disable-new-dtags` writes an old-style RPATH, which the loader also searches for
//! libnode's own dependencies (libuv, c-ares) unpacked beside it; a RUNPATH is not.

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_POLYSNAP_V8_RPATH");
    if let Ok(dir) = std::env::var("DEP_POLYSNAP_V8_RPATH") {
        println!("cargo:rustc-link-arg=-Wl,--disable-new-dtags,-rpath,{dir}");
    }
}
