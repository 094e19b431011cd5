//! The `snapshot` JS API (`isBuilding`, `setMain`, `addSerializeCallback`,
//! `addDeserializeCallback`), written once in JavaScript for every engine, and the host's
//! calls into it at each step of the pipelines.

use snapshot_core::{HostValue, ScriptHost};

use crate::Error;

const SNAPSHOT_API: &str = include_str!("../js/snapshot_api.js");

fn run(host: &mut dyn ScriptHost, name: &str, source: &str) -> Result<HostValue, Error> {
    let engine = host.engine();
    host.run_script(name, source).map_err(|source| Error::Engine { engine, source })
}

/// Installs the state reader and the `snapshot` global (before any setup script).
pub fn install(host: &mut dyn ScriptHost) -> Result<(), Error> {
    crate::pipeline::verify::install(host)?;
    run(host, "polysnap:snapshot_api.js", SNAPSHOT_API).map(drop)
}

/// For a runtime made without a snapshot: installs the API with `isBuilding()` false.
pub fn install_fresh(host: &mut dyn ScriptHost) -> Result<(), Error> {
    install(host)?;
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
pub fn identities(host: &mut dyn ScriptHost) -> Result<Vec<snapshot_core::format::IdentityEntry>, Error> {
    let names = match run(host, "polysnap:identities", "__polysnap_host.identityNames()")? {
        HostValue::String(json) => serde_json::from_str::<Vec<String>>(&json).unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok(names
        .iter()
        .enumerate()
        .map(|(slot, name)| snapshot_core::format::IdentityEntry {
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
