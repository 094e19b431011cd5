//! V8's code cache for classic scripts, the primitives of the "code-cache" capture strategy
//! (keep the setup's sources plus V8's code cache, re-execute them at restore):
//!
//! * [`Runtime::run_script_producing_cache`] — run a script, then make its cache;
//! * [`Runtime::run_script_keeping`] + [`Runtime::code_cache`] — run a script, run more
//!   (a warm-up, later setup scripts), make the first script's cache when they are done;
//! * [`Runtime::run_script_with_cache`] — compile with a cache and run, reporting
//!   [`CacheOutcome::Accepted`] or [`CacheOutcome::Rejected`];
//! * [`check_code_cache`], [`code_cache_version_tag`] — look at a cache without V8.
//!
//! # What is cached
//!
//! A cache is made *after* running: the shim runs the script (and drains the microtask
//! queue) first, then serializes its `UnboundScript` with `ScriptCompiler::CreateCodeCache`,
//! V8's "after execution" cache. It holds the bytecode of every function of the script
//! compiled so far (the top level and every lazily compiled function that ran, whoever
//! called it), not only what the top level compiled eagerly; measured on a script of 300
//! functions, 66 KB when the run called none of them, 145 KB when it called all. Consuming
//! compiles with `kConsumeCodeCache`: functions found in the cache need no parse and no
//! bytecode generation. A cache holds code, never state: the script runs in full each time,
//! with all its side effects.
//!
//! What it saves on a real workload is in docs/backends.md (code cache) and
//! docs/benchmarks.md.
//!
//! # The envelope, and why
//!
//! V8 checks a cache before using it (magic number, V8 version hash, source hash, flag hash,
//! payload length; its payload checksum is off in polysnap, see the shim's `InitPlatform`,
//! so the envelope's is the one that counts) and on any mismatch sets
//! `CachedData::rejected` and compiles from source. But its "source hash" is only the
//! source's *length* (plus a module bit): on V8 10.2.154 a cache made for one script,
//! consumed for another script of the same length, is **accepted, and the first script's
//! code runs** (found while writing this module: `f(21)` of the consumed source returned the
//! cached source's result). And nothing in V8's check covers compile-time build options
//! (pointer compression and friends) that the version hash does not.
//!
//! So the bytes returned by [`Runtime::run_script_producing_cache`] are V8's cache inside a
//! 48-byte envelope, and [`Runtime::run_script_with_cache`] checks the envelope before V8
//! sees a byte; any mismatch means [`CacheOutcome::Rejected`] and a plain compile, exactly as
//! a V8 rejection does:
//!
//! ```text
//! 0   8  magic "PSV8CODE"
//! 8   4  format version (1), u32 LE
//! 12  4  V8's CachedDataVersionTag (version + flags) of the producing process, u32 LE
//! 16  8  checksum of the producing process's build_identity() (UTF-8), u64 LE
//! 24  8  checksum of the script source (UTF-8), u64 LE
//! 32  8  payload length, u64 LE
//! 40  8  payload checksum, u64 LE
//! 48  .. payload: V8's CachedData bytes
//! ```
//!
//! (checksums: `envelope::checksum`, the shim's 64-bit multiply-xorshift: it detects damage
//! and edits, not malice; caches, like snapshots, are trusted input). The file name
//! is not part of the check: V8 does not need it to match.
//!
//! # Caveats
//!
//! * [`CacheOutcome::Accepted`] means "not rejected". When this isolate has already compiled
//!   the same source with the same origin (file name), V8 takes the script from its
//!   in-isolate compilation cache and never reads the code cache; it still reports
//!   "not rejected".
//! * V8 cannot make a cache for every script (`CreateCodeCache` returns nothing for a script
//!   containing a validated asm.js module, or while a debugger is active): then the returned
//!   cache is empty, and consuming an empty cache is a [`CacheOutcome::Rejected`] plain run.
//! * A cache holds what is compiled *when it is made*: V8 flushes the bytecode of functions
//!   left unused across many garbage collections, so a cache made late in a long-lived
//!   runtime ([`Runtime::code_cache`]) may lack functions that ran early.
//! * Only classic scripts, in the runtime's current context (see
//!   [`Runtime::enter_context`]); a cache is not tied to a context or an isolate and may be
//!   consumed by any runtime of the same build, fresh or restored.

use std::ffi::{c_char, c_int};

use snapshot_core::HostValue;

use crate::buf::Buf;
use crate::convert;
use crate::envelope::checksum;
use crate::error::V8Error;
use crate::ffi;
use crate::platform::{self, build_identity};
use crate::runtime::Runtime;

const MAGIC: &[u8; 8] = b"PSV8CODE";
const FORMAT: u32 = 1;
const HEADER_LEN: usize = 48;

/// What [`Runtime::run_script_with_cache`] did with the cache it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CacheOutcome {
    /// V8 compiled the script from the cache (it did not set `CachedData::rejected`; see
    /// the [module documentation](crate::code_cache) for the in-isolate compilation cache caveat).
    Accepted,
    /// The cache was not used and the script was compiled from source: the envelope did not
    /// check out (not a cache from [`Runtime::run_script_producing_cache`], damaged or
    /// truncated, made for another source, by another build or with other V8 flags), or V8
    /// rejected it (`CachedData::rejected`). Make a new cache to get the speed back; see
    /// [`check_code_cache`] for the reason.
    Rejected,
}

/// V8's `ScriptCompiler::CachedDataVersionTag()` for this process: a hash of the V8 version
/// and the V8 flags a code cache depends on. Two processes with different tags reject each
/// other's caches; the envelope records the producer's tag.
pub fn code_cache_version_tag() -> Result<u32, V8Error> {
    platform::init()?;
    // SAFETY: the platform is initialized (above); the call only reads V8's version and
    // flag state.
    Ok(unsafe { ffi::v8__ScriptCompiler__CachedDataVersionTag() })
}

/// Checks, without V8, whether `cache` is a cache this build would hand to V8 for `source`:
/// what [`Runtime::run_script_with_cache`] checks before compiling. `Ok(())` does not promise
/// that V8 accepts the cache (V8 still runs its own checks), but an error says why the cache
/// would be [`CacheOutcome::Rejected`] ([`V8Error::BadCodeCache`]).
pub fn check_code_cache(source: &str, cache: &[u8]) -> Result<(), V8Error> {
    open(source, cache).map(|_| ())
}

fn bad(expected: impl Into<String>, found: impl Into<String>) -> V8Error {
    V8Error::BadCodeCache { expected: expected.into(), found: found.into() }
}

/// Puts V8's cache for the source with checksum `source_hash` into the envelope (empty
/// stays empty: V8 made none).
fn wrap(source_hash: u64, payload: &[u8]) -> Result<Vec<u8>, V8Error> {
    if payload.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&code_cache_version_tag()?.to_le_bytes());
    out.extend_from_slice(&checksum(build_identity()?.as_bytes()).to_le_bytes());
    out.extend_from_slice(&source_hash.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    debug_assert_eq!(out.len(), HEADER_LEN);
    out.extend_from_slice(payload);
    Ok(out)
}

/// Checks the envelope against `source` and this process; returns V8's bytes.
fn open<'a>(source: &str, cache: &'a [u8]) -> Result<&'a [u8], V8Error> {
    if cache.is_empty() {
        return Err(bad(
            "a code cache",
            "no bytes (V8 makes none for some scripts, e.g. with asm.js modules: run them without a cache)",
        ));
    }
    if cache.len() < HEADER_LEN || &cache[..8] != MAGIC {
        let shown: Vec<u8> = cache.iter().take(8).copied().collect();
        return Err(bad(
            format!("the magic bytes \"PSV8CODE\" and at least {HEADER_LEN} bytes"),
            format!("{} bytes starting {:?}", cache.len(), String::from_utf8_lossy(&shown)),
        ));
    }
    let u32_at = |o: usize| u32::from_le_bytes(cache[o..o + 4].try_into().expect("4 bytes"));
    let u64_at = |o: usize| u64::from_le_bytes(cache[o..o + 8].try_into().expect("8 bytes"));
    let format = u32_at(8);
    if format != FORMAT {
        return Err(bad(format!("code cache format version {FORMAT}"), format!("version {format}")));
    }
    let tag = code_cache_version_tag()?;
    if u32_at(12) != tag {
        return Err(bad(
            format!("V8 cache version tag {tag:08x} (this process's V8 version and flags)"),
            format!("tag {:08x}: made by another V8 version or with other V8 flags", u32_at(12)),
        ));
    }
    let identity = build_identity()?;
    if u64_at(16) != checksum(identity.as_bytes()) {
        return Err(bad(format!("a cache made by this V8 build (`{identity}`)"), "a cache made by another build"));
    }
    if u64_at(24) != checksum(source.as_bytes()) {
        return Err(bad(
            "a cache made for this script source",
            format!("a cache made for another source (this one is {} bytes)", source.len()),
        ));
    }
    let payload = &cache[HEADER_LEN..];
    if u64_at(32) != payload.len() as u64 {
        return Err(bad(
            format!("{} bytes of V8 cache after the header", u64_at(32)),
            format!("{} bytes (truncated or extended)", payload.len()),
        ));
    }
    if checksum(payload) != u64_at(40) {
        return Err(bad(format!("payload checksum {:016x}", u64_at(40)), "another checksum (the cache is damaged)"));
    }
    if payload.len() > i32::MAX as usize {
        return Err(bad("a V8 cache under 2 GiB", format!("{} bytes", payload.len())));
    }
    Ok(payload)
}

/// A script run by [`Runtime::run_script_keeping`], whose code cache
/// [`Runtime::code_cache`] makes later, after more code has run. Holds no V8 handle itself:
/// the runtime keeps the script until [`Runtime::forget_script`] or its drop.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct KeptScript {
    id: u64,
    file_name: String,
    source_hash: u64,
}

impl KeptScript {
    /// The file name the script ran under.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }
}

impl Runtime {
    /// Runs `source` like [`run_script`](Self::run_script) and keeps the compiled script,
    /// so that [`code_cache`](Self::code_cache) can make its code cache later: after other
    /// scripts (a warm-up, a workload) have called, and so compiled, its functions. The
    /// script is kept (a V8 global handle) until [`forget_script`](Self::forget_script) or
    /// the runtime is dropped. A script that throws returns [`V8Error::Js`] and is not kept.
    pub fn run_script_keeping(&mut self, file_name: &str, source: &str) -> Result<(HostValue, KeptScript), V8Error> {
        let buf = Buf::new()?;
        let mut id = 0u64;
        // SAFETY: the state is live (owned by `self`); the strings are valid for the call
        // (V8 copies them); `id` and `buf` are valid out-pointers.
        let status = unsafe {
            ffi::polysnap__Runtime__RunKeepingScript(
                self.state_ptr(),
                file_name.as_ptr() as *const c_char,
                file_name.len(),
                source.as_ptr() as *const c_char,
                source.len(),
                &mut id,
                buf.as_ptr(),
            )
        };
        buf.check(status, file_name)?;
        let kept = KeptScript { id, file_name: file_name.to_owned(), source_hash: checksum(source.as_bytes()) };
        let value = convert::decode(buf.bytes())?;
        Ok((value, kept))
    }

    /// Makes the code cache of a script [kept](Self::run_script_keeping) by this runtime, as
    /// it is now: with the bytecode of every function of it compiled so far, by any script.
    /// Same envelope and use as the cache of
    /// [`run_script_producing_cache`](Self::run_script_producing_cache) (empty when V8
    /// cannot make one). May be called several times. A `script` kept by another runtime is
    /// [`V8Error::InvalidInput`].
    pub fn code_cache(&mut self, script: &KeptScript) -> Result<Vec<u8>, V8Error> {
        let buf = Buf::new()?;
        let cache = Buf::new()?;
        // SAFETY: the state is live; `cache` and `buf` are live buffers; an id this state
        // does not keep is reported as an error by the shim, never dereferenced.
        let status = unsafe {
            ffi::polysnap__Runtime__CreateCodeCache(self.state_ptr(), script.id, cache.as_ptr(), buf.as_ptr())
        };
        if status != ffi::OK {
            return Err(V8Error::InvalidInput {
                expected: "a KeptScript returned by run_script_keeping on this runtime and not forgotten (make the \
                           cache on the runtime that ran the script)"
                    .into(),
                found: format!(
                    "`{}` (kept script #{}), unknown to this runtime: {}",
                    script.file_name,
                    script.id,
                    String::from_utf8_lossy(buf.bytes())
                ),
            });
        }
        wrap(script.source_hash, cache.bytes())
    }

    /// Releases a script kept by [`run_script_keeping`](Self::run_script_keeping) (nothing
    /// happens for a script kept by another runtime). Its functions stay usable.
    pub fn forget_script(&mut self, script: KeptScript) {
        // SAFETY: the state is live; the shim ignores ids it does not keep.
        unsafe { ffi::polysnap__Runtime__ForgetScript(self.state_ptr(), script.id) }
    }

    /// Runs `source` like [`run_script`](Self::run_script) (classic script, current
    /// context, microtasks drained) and then makes V8's code cache for it.
    ///
    /// The cache is made *after* the run, so it holds the bytecode of every function of the
    /// script that the run (and its microtasks) compiled; run the workload you want fast
    /// later before producing (or produce from a script that exercises it). Returns the
    /// completion value and the cache in this crate's envelope (see the
    /// [module documentation](crate::code_cache)), for
    /// [`run_script_with_cache`](Self::run_script_with_cache) in any runtime of this build.
    /// The cache is empty when V8 cannot make one for this script (asm.js modules).
    ///
    /// A script that throws returns [`V8Error::Js`] and no cache.
    pub fn run_script_producing_cache(
        &mut self,
        file_name: &str,
        source: &str,
    ) -> Result<(HostValue, Vec<u8>), V8Error> {
        let buf = Buf::new()?;
        let cache = Buf::new()?;
        // SAFETY: the state is live (owned by `self`); the strings are valid for the call
        // (V8 copies them); `cache` and `buf` are live buffers the shim writes into.
        let status = unsafe {
            ffi::polysnap__Runtime__RunProducingCache(
                self.state_ptr(),
                file_name.as_ptr() as *const c_char,
                file_name.len(),
                source.as_ptr() as *const c_char,
                source.len(),
                cache.as_ptr(),
                buf.as_ptr(),
            )
        };
        buf.check(status, file_name)?;
        let value = convert::decode(buf.bytes())?;
        Ok((value, wrap(checksum(source.as_bytes()), cache.bytes())?))
    }

    /// Runs `source` like [`run_script`](Self::run_script), compiling it with `cache`
    /// (V8's `kConsumeCodeCache`) when the cache is one
    /// [`run_script_producing_cache`](Self::run_script_producing_cache) made for this very
    /// source in a process of this build with the same V8 flags.
    ///
    /// A bad cache is never an error and never reaches V8 unchecked: garbage, truncated or
    /// damaged bytes, a cache of another source (even one of the same length, which V8
    /// itself would accept) or of another build give [`CacheOutcome::Rejected`] and the
    /// script is compiled from source and run as usual; so does a cache V8 rejects. The
    /// bytes are read during the compile only. A script that throws returns
    /// [`V8Error::Js`], whatever the cache.
    pub fn run_script_with_cache(
        &mut self,
        file_name: &str,
        source: &str,
        cache: &[u8],
    ) -> Result<(HostValue, CacheOutcome), V8Error> {
        let Ok(payload) = open(source, cache) else {
            return Ok((self.run_script(file_name, source)?, CacheOutcome::Rejected));
        };
        self.run_with_v8_cache(file_name, source, payload)
    }

    /// Compiles with V8's raw cache bytes (no envelope), runs, reports V8's verdict.
    fn run_with_v8_cache(
        &mut self,
        file_name: &str,
        source: &str,
        payload: &[u8],
    ) -> Result<(HostValue, CacheOutcome), V8Error> {
        if payload.is_empty() || payload.len() > i32::MAX as usize {
            return Ok((self.run_script(file_name, source)?, CacheOutcome::Rejected));
        }
        let buf = Buf::new()?;
        let mut rejected: c_int = 1;
        // SAFETY: the state is live; the strings are valid for the call (V8 copies them);
        // `payload` is a valid, non-empty slice under 2 GiB that outlives the call, and V8
        // reads it during the call only (BufferNotOwned, synchronous compile); V8 checks
        // whatever bytes it gets and rejects what does not check out (see the tests).
        let status = unsafe {
            ffi::polysnap__Runtime__RunConsumingCache(
                self.state_ptr(),
                file_name.as_ptr() as *const c_char,
                file_name.len(),
                source.as_ptr() as *const c_char,
                source.len(),
                payload.as_ptr(),
                payload.len(),
                &mut rejected,
                buf.as_ptr(),
            )
        };
        buf.check(status, file_name)?;
        let outcome = if rejected == 0 { CacheOutcome::Accepted } else { CacheOutcome::Rejected };
        Ok((convert::decode(buf.bytes())?, outcome))
    }
}

#[cfg(test)]
mod tests {
    //! What V8 itself does with bad caches (the envelope is bypassed here on purpose), and
    //! the envelope's own checks.

    use super::*;

    const SRC: &str = "function f(a) { return a * 2 } function g(b) { return b + '!' } f(21) + g('x')";
    const SAME_LENGTH: &str = "function f(a) { return a * 3 } function g(b) { return b + '?' } f(21) + g('y')";

    fn produce() -> Vec<u8> {
        let mut rt = Runtime::fresh(vec![]).unwrap();
        let (v, cache) = rt.run_script_producing_cache("a.js", SRC).unwrap();
        assert_eq!(v, HostValue::String("42x!".into()));
        assert!(cache.len() > HEADER_LEN);
        cache
    }

    fn raw(cache: &[u8]) -> &[u8] {
        open(SRC, cache).expect("a cache made for SRC")
    }

    fn v8_verdict(source: &str, payload: &[u8]) -> (HostValue, CacheOutcome) {
        let mut rt = Runtime::fresh(vec![]).unwrap();
        rt.run_with_v8_cache("b.js", source, payload).unwrap()
    }

    #[test]
    fn v8_accepts_its_own_cache() {
        let cache = produce();
        assert_eq!(v8_verdict(SRC, raw(&cache)), (HostValue::String("42x!".into()), CacheOutcome::Accepted));
    }

    /// V8's own checks without the envelope: garbage and truncation are refused by V8's
    /// header checks. Damaged payload bytes are not (polysnap turns V8's code-cache
    /// checksum off with `--no-verify-snapshot-checksum`, see the shim's `InitPlatform`),
    /// so they are only ever handed to V8 inside the envelope, whose payload checksum
    /// refuses every one of them before V8 runs: the script then compiles from source.
    #[test]
    fn garbage_truncation_and_damage_never_run() {
        let cache = produce();
        let payload = raw(&cache);
        let expected = HostValue::String("42x!".into());
        let garbage: Vec<u8> = (0..payload.len()).map(|i| (i * 7 + 3) as u8).collect();
        assert_eq!(v8_verdict(SRC, &garbage), (expected.clone(), CacheOutcome::Rejected));
        for cut in [1, 8, 31, payload.len() / 2, payload.len() - 1] {
            assert_eq!(v8_verdict(SRC, &payload[..cut]), (expected.clone(), CacheOutcome::Rejected), "cut {cut}");
        }
        let mut rt = Runtime::fresh(vec![]).unwrap();
        for i in (HEADER_LEN..cache.len()).step_by(7) {
            let mut bad = cache.clone();
            bad[i] ^= 0x5a;
            let (v, outcome) = rt.run_script_with_cache("b.js", SRC, &bad).unwrap();
            assert_eq!((v, outcome), (expected.clone(), CacheOutcome::Rejected), "byte {i} flipped");
        }
    }

    /// The hazard the envelope exists for: V8's source check is the length only.
    #[test]
    fn v8_alone_accepts_a_cache_of_another_source_of_the_same_length() {
        assert_eq!(SRC.len(), SAME_LENGTH.len());
        let cache = produce();
        let (v, outcome) = v8_verdict(SAME_LENGTH, raw(&cache));
        assert_eq!(outcome, CacheOutcome::Accepted);
        assert_eq!(v, HostValue::String("42x!".into()), "V8 ran the cached source's code, not SAME_LENGTH's");
        // Through the envelope: rejected, and the right code runs.
        let mut rt = Runtime::fresh(vec![]).unwrap();
        let (v, outcome) = rt.run_script_with_cache("b.js", SAME_LENGTH, &cache).unwrap();
        assert_eq!((v, outcome), (HostValue::String("63y?".into()), CacheOutcome::Rejected));
        let err = check_code_cache(SAME_LENGTH, &cache).unwrap_err();
        assert!(err.to_string().contains("another source"), "{err}");
    }

    #[test]
    fn envelope_checks_every_field() {
        let cache = produce();
        assert_eq!(check_code_cache(SRC, &cache), Ok(()));
        let flip = |at: usize| {
            let mut c = cache.clone();
            c[at] ^= 1;
            check_code_cache(SRC, &c).unwrap_err().to_string()
        };
        assert!(flip(0).contains("PSV8CODE"));
        assert!(flip(8).contains("format version"));
        assert!(flip(12).contains("version tag"));
        assert!(flip(16).contains("another build"));
        assert!(flip(24).contains("another source"));
        assert!(flip(32).contains("truncated"));
        assert!(flip(40).contains("damaged"));
        assert!(flip(HEADER_LEN + 5).contains("damaged"));
        let err = check_code_cache(SRC, &cache[..cache.len() - 1]).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
        let err = check_code_cache(SRC, &[]).unwrap_err().to_string();
        assert!(err.contains("asm.js"), "{err}");
    }
}
