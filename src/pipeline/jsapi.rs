//! The `snapshot` JS API (`isBuilding`, `setMain`, `addSerializeCallback`,
//! `addDeserializeCallback`), written once in JavaScript for every engine, and the host's
//! calls into it at each step of the pipelines.

use snapshot_core::{HostValue, NativeKind, Registry, ScriptHost};

use crate::Error;

const SNAPSHOT_API: &str = include_str!("../js/snapshot_api.js");

/// Defines each function named in the JSON array `names` (dotted names) on nested objects of
/// the global object, made as needed like builtins (writable, configurable, not enumerable).
/// (`this` at the top level is the global object: ChakraCore has no `globalThis`.)
const EXPOSE: &str = r#"(function (global, names) {
  var natives = __polysnap_natives, define = Object.defineProperty;
  for (var i = 0; i < names.length; i++) {
    var parts = names[i].split("."), target = global;
    for (var j = 0; j < parts.length; j++) {
      var last = j === parts.length - 1, next = last ? natives[names[i]] : target[parts[j]];
      if (last || next === undefined) {
        next = last ? next : {};
        define(target, parts[j], { value: next, writable: true, enumerable: false, configurable: true });
      }
      target = next;
    }
  }
})"#;

/// Installs the functions under the registry's exposed roots ([`Registry::expose`]).
fn expose(host: &mut dyn ScriptHost, registry: &Registry) -> Result<(), Error> {
    let under_root =
        |name: &str| registry.exposed().iter().any(|root| name == *root || name.starts_with(&format!("{root}.")));
    let names: Vec<&str> = registry
        .natives()
        .iter()
        .filter(|native| native.kind == NativeKind::Function && under_root(native.name))
        .map(|native| native.name)
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let names = serde_json::to_string(&names).expect("strings serialize");
    run(host, "polysnap:expose", &format!("{EXPOSE}(this, {names})")).map(drop)
}

fn run(host: &mut dyn ScriptHost, name: &str, source: &str) -> Result<HostValue, Error> {
    let engine = host.engine();
    host.run_script(name, source).map_err(|source| Error::Engine { engine, source })
}

/// Installs the state reader, the `snapshot` global and the registry's exposed natives
/// (before any setup script).
pub fn install(host: &mut dyn ScriptHost, registry: &Registry) -> Result<(), Error> {
    crate::pipeline::verify::install(host)?;
    run(host, "polysnap:snapshot_api.js", SNAPSHOT_API)?;
    expose(host, registry)
}

/// For a runtime made without a snapshot: installs the API with `isBuilding()` false.
pub fn install_fresh(host: &mut dyn ScriptHost, registry: &Registry) -> Result<(), Error> {
    install(host, registry)?;
    run(host, "polysnap:fresh", "__polysnap_host.markFresh()").map(drop)
}

/// Runs the serialize callbacks, just before capture.
pub fn before_capture(host: &mut dyn ScriptHost) -> Result<(), Error> {
    run(host, "polysnap:serialize-callbacks", "__polysnap_host.beforeCapture()").map(drop)
}

/// Marks the runtime as restored and runs the deserialize callbacks.
pub fn after_restore(host: &mut dyn ScriptHost) -> Result<(), Error> {
    run(host, "polysnap:deserialize-callbacks", "__polysnap_host.afterRestore()").map(drop)
}

/// Runs the function given to `snapshot.setMain`, if any, with `args`; returns whether one ran.
pub fn run_main(host: &mut dyn ScriptHost, args: &[String]) -> Result<bool, Error> {
    if run(host, "polysnap:has-main", "__polysnap_host.hasMain()")? != HostValue::Bool(true) {
        return Ok(false);
    }
    let args = serde_json::to_string(args).expect("strings serialize");
    run(host, "polysnap:main", &format!("void __polysnap_host.runMain({args})"))?;
    Ok(true)
}

/// The identity map's entries (name → slot), as the snapshot stores them.
pub fn identities(host: &mut dyn ScriptHost) -> Result<Vec<snapshot_core::IdentityEntry>, Error> {
    let names = match run(host, "polysnap:identities", "__polysnap_host.identityNames()")? {
        HostValue::String(json) => serde_json::from_str::<Vec<String>>(&json).unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok(names
        .iter()
        .enumerate()
        .map(|(slot, name)| snapshot_core::IdentityEntry {
            id: snapshot_core::StableId::with_interned_name(name),
            slot: slot as u64,
            wraps: None,
        })
        .collect())
}

/// The object bound at `slot`, converted to a host value.
pub fn identity_at(host: &mut dyn ScriptHost, slot: u64) -> Result<HostValue, Error> {
    run(host, "polysnap:identity", &format!("__polysnap_host.identityAt({slot})"))
}

/// The named contexts the setup asked for with `snapshot.createContext(name, source)`.
pub fn pending_contexts(host: &mut dyn ScriptHost) -> Result<Vec<(String, String)>, Error> {
    match run(host, "polysnap:contexts", "__polysnap_host.pendingContexts()")? {
        HostValue::String(json) => Ok(serde_json::from_str(&json).unwrap_or_default()),
        _ => Ok(Vec::new()),
    }
}
