//! The event loop: runs due timers until none is pending.

use std::time::Duration;

use snapshot_core::{HostValue, ScriptHost};

use crate::Error;

/// Runs timers (and, through the engine, the microtasks they queue) until none is left.
pub fn run_until_idle(runtime: &mut dyn ScriptHost) -> Result<(), Error> {
    loop {
        let delay = match eval(runtime, "__polysnap_runtime.loop.nextDelay()")? {
            HostValue::Number(ms) if ms >= 0.0 => ms,
            _ => return Ok(()),
        };
        if delay > 0.0 {
            std::thread::sleep(Duration::from_secs_f64(delay / 1000.0));
        }
        eval(runtime, "__polysnap_runtime.loop.runDue()")?;
        // Nothing the loop got back is kept: release what a timer's value may have pinned.
        let engine = runtime.engine();
        runtime.release_handles().map_err(|source| Error::Engine { engine, source })?;
    }
}

fn eval(runtime: &mut dyn ScriptHost, source: &str) -> Result<HostValue, Error> {
    let engine = runtime.engine();
    runtime.run_script("polysnap:event-loop", source).map_err(|source| Error::Engine { engine, source })
}
