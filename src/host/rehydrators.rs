//! The host's rehydrators: what a heap cannot hold, saved before capture and rebuilt after
//! restore.
//!
//! * `timers.Timeout`: each pending timer's remaining delay (the timers themselves are in the
//!   heap; their due times are rebased on the new process's clock, order kept);
//! * `stdio.Streams`: what stdout and stderr were at capture (they are re-detected when used);
//! * `fs.FileHandle`: open files, per the [`FilePolicy`];
//! * `modules.Cache`: each cached module's file hash, checked per the [`ModulePolicy`];
//! * `modules.EsModules`: each captured ES module's file hash, checked per the same policy
//!   (`reload`: a later `import()` of a changed file loads it as a new instance);
//! * `process.Environment`: `process.env` and `process.argv` refilled from the restoring
//!   process, with the setup's own writes to `process.env` applied again.

use std::io::Seek;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use snapshot_core::{stable_id, DynScriptHost, HostValue, RehydrateError, Rehydrator, Rehydrators, StableId};

use super::modules::xxhash;
use super::natives::{FilePolicy, HostState, ModulePolicy};

/// Every host rehydrator, in the order they run.
pub fn all(state: &Arc<HostState>) -> Rehydrators<DynScriptHost> {
    let mut all: Rehydrators<DynScriptHost> = Rehydrators::new();
    all.add(Stdio).expect("distinct ids");
    all.add(Files(state.clone())).expect("distinct ids");
    all.add(Modules(state.module_policy)).expect("distinct ids");
    all.add(EsModules(state.clone())).expect("distinct ids");
    all.add(Timers).expect("distinct ids");
    all.add(Environment).expect("distinct ids");
    all
}

/// `process.env` and `process.argv`: one object and one array for the runtime's life, so a
/// reference a setup keeps stays live. Before capture: what the setup wrote into
/// `process.env` (name, value or `None` when deleted), against the making process's
/// environment. After restore: both refilled from the restoring process, then those writes
/// applied again, as a fresh run of the setup in this process would leave them.
struct Environment;

impl Rehydrator<DynScriptHost> for Environment {
    type Record = (String, Option<String>);

    fn id(&self) -> StableId {
        stable_id!("process.Environment")
    }

    fn before_snapshot(&mut self, host: &mut DynScriptHost) -> Result<Vec<(String, Option<String>)>, RehydrateError> {
        let writes = script(host, self.id(), "__polysnap_runtime.environment.writes()")?;
        json(self.id(), writes)
    }

    fn after_restore(
        &mut self,
        host: &mut DynScriptHost,
        records: Vec<(String, Option<String>)>,
    ) -> Result<(), RehydrateError> {
        let writes = serde_json::to_string(&records).expect("strings serialize");
        script(host, self.id(), &format!("__polysnap_runtime.environment.refresh({writes})")).map(drop)
    }
}

fn script(host: &mut DynScriptHost, id: StableId, source: &str) -> Result<HostValue, RehydrateError> {
    host.run_script(&format!("polysnap:{id}"), source)
        .map_err(|e| RehydrateError::Refused { rehydrator: id, message: e.to_string() })
}

fn json<T: serde::de::DeserializeOwned>(id: StableId, value: HostValue) -> Result<T, RehydrateError> {
    let text = value.as_str().unwrap_or_default();
    serde_json::from_str(text).map_err(|e| RehydrateError::Decode { rehydrator: id, reason: e.to_string() })
}

/// Pending timers: (timer id, remaining milliseconds).
struct Timers;

impl Rehydrator<DynScriptHost> for Timers {
    type Record = (u64, f64);

    fn id(&self) -> StableId {
        stable_id!("timers.Timeout")
    }

    fn before_snapshot(&mut self, host: &mut DynScriptHost) -> Result<Vec<(u64, f64)>, RehydrateError> {
        let captured = script(host, self.id(), "__polysnap_runtime.loop.capture()")?;
        json(self.id(), captured)
    }

    fn after_restore(&mut self, host: &mut DynScriptHost, records: Vec<(u64, f64)>) -> Result<(), RehydrateError> {
        let list = serde_json::to_string(&records).expect("numbers serialize");
        script(host, self.id(), &format!("__polysnap_runtime.loop.rebase({list})")).map(drop)
    }
}

/// Whether stdout and stderr were terminals at capture.
#[derive(Serialize, Deserialize)]
struct StreamKinds {
    stdout_tty: bool,
    stderr_tty: bool,
}

struct Stdio;

impl Rehydrator<DynScriptHost> for Stdio {
    type Record = StreamKinds;

    fn id(&self) -> StableId {
        stable_id!("stdio.Streams")
    }

    fn before_snapshot(&mut self, _: &mut DynScriptHost) -> Result<Vec<StreamKinds>, RehydrateError> {
        use std::io::IsTerminal;
        Ok(vec![StreamKinds {
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
        }])
    }

    /// Nothing to rebuild: `process.stdout`/`stderr` write through the host to this
    /// process's descriptors and read `isTTY` from them when asked.
    fn after_restore(&mut self, _: &mut DynScriptHost, _: Vec<StreamKinds>) -> Result<(), RehydrateError> {
        Ok(())
    }
}

/// An open file to reopen: descriptor, path, flags, offset.
#[derive(Serialize, Deserialize)]
struct FileRecord {
    fd: u32,
    path: String,
    flags: String,
    offset: u64,
}

struct Files(Arc<HostState>);

impl Rehydrator<DynScriptHost> for Files {
    type Record = FileRecord;

    fn id(&self) -> StableId {
        stable_id!("fs.FileHandle")
    }

    /// Each open file under its own policy (`fs.snapshotPolicy`) or the host's: any under
    /// `error` makes capture refuse, naming them all; `close` drops it; `reopen` records it.
    fn before_snapshot(&mut self, _: &mut DynScriptHost) -> Result<Vec<FileRecord>, RehydrateError> {
        let global = self.0.file_policy;
        let mut files = self.0.files();
        let refused: Vec<String> = files
            .iter()
            .filter(|(_, f)| f.policy.unwrap_or(global) == FilePolicy::Error)
            .map(|(fd, f)| format!("{} (fd {fd})", f.path.display()))
            .collect();
        if !refused.is_empty() {
            return Err(RehydrateError::Refused {
                rehydrator: self.id(),
                message: format!(
                    "files are still open at capture: {}; close them before the snapshot is made, or choose the \
                     policy `reopen` or `close` (make --files, or fs.snapshotPolicy(fd, policy) for one file)",
                    refused.join(", ")
                ),
            });
        }
        files.retain(|_, f| f.policy.unwrap_or(global) == FilePolicy::Reopen);
        files
            .iter_mut()
            .map(|(fd, open)| {
                let offset = open.file.stream_position().map_err(|e| RehydrateError::Refused {
                    rehydrator: stable_id!("fs.FileHandle"),
                    message: format!("cannot read the offset of {}: {e}", open.path.display()),
                })?;
                Ok(FileRecord { fd: *fd, path: open.path.display().to_string(), flags: open.flags.clone(), offset })
            })
            .collect()
    }

    fn after_restore(&mut self, _: &mut DynScriptHost, records: Vec<FileRecord>) -> Result<(), RehydrateError> {
        for record in records {
            // Reopening must not truncate what the first process wrote.
            let flags = match record.flags.as_str() {
                "w" => "r+",
                "w+" => "r+",
                other => other,
            };
            let refused =
                |message: String| RehydrateError::Refused { rehydrator: stable_id!("fs.FileHandle"), message };
            self.0
                .open(&record.path, flags, Some(record.fd))
                .map_err(|e| refused(format!("cannot reopen {} (fd {}): {e}", record.path, record.fd)))?;
            let mut files = self.0.files();
            let file = &mut files.get_mut(&record.fd).expect("just opened").file;
            file.seek(std::io::SeekFrom::Start(record.offset))
                .map_err(|e| refused(format!("cannot seek {} to {}: {e}", record.path, record.offset)))?;
        }
        Ok(())
    }
}

/// What happened to the module file at `path` since its content hash was `hash` (`is gone`,
/// `changed`), or `None` when it still has that content.
fn file_change(path: &str, hash: &str) -> Option<&'static str> {
    match std::fs::read(path) {
        Ok(bytes) if format!("{:016x}", xxhash(&bytes)) == hash => None,
        Ok(_) => Some("changed"),
        Err(_) => Some("is gone"),
    }
}

/// A cached module: file and content hash when it was loaded.
#[derive(Serialize, Deserialize)]
struct ModuleRecord {
    filename: String,
    hash: String,
}

struct Modules(ModulePolicy);

impl Rehydrator<DynScriptHost> for Modules {
    type Record = ModuleRecord;

    fn id(&self) -> StableId {
        stable_id!("modules.Cache")
    }

    fn before_snapshot(&mut self, host: &mut DynScriptHost) -> Result<Vec<ModuleRecord>, RehydrateError> {
        let entries: Vec<(String, String)> =
            json(self.id(), script(host, self.id(), "__polysnap_runtime.modules.entries()")?)?;
        Ok(entries.into_iter().map(|(filename, hash)| ModuleRecord { filename, hash }).collect())
    }

    fn after_restore(&mut self, host: &mut DynScriptHost, records: Vec<ModuleRecord>) -> Result<(), RehydrateError> {
        for record in records {
            let Some(what) = file_change(&record.filename, &record.hash) else { continue };
            match self.0 {
                ModulePolicy::Refuse => {
                    return Err(RehydrateError::Refused {
                        rehydrator: self.id(),
                        message: format!(
                            "module {} {what} since the snapshot was made; make the snapshot again, or restore with \
                             the module policy `reload`",
                            record.filename
                        ),
                    })
                }
                ModulePolicy::Reload => {
                    let name = serde_json::to_string(&record.filename).expect("strings serialize");
                    script(host, self.id(), &format!("__polysnap_runtime.modules.forget({name})"))?;
                }
            }
        }
        Ok(())
    }
}

/// A captured ES module: its URL and the hash of the source compiled.
#[derive(Serialize, Deserialize)]
struct EsModuleRecord {
    url: String,
    hash: String,
}

/// The module map: each captured ES module's file, checked per the [`ModulePolicy`] as
/// `require.cache` entries are. `reload` cannot re-link the snapshot's modules (they stay
/// bound to the instance captured); a later `import()` of the file loads it anew.
struct EsModules(Arc<HostState>);

impl Rehydrator<DynScriptHost> for EsModules {
    type Record = EsModuleRecord;

    fn id(&self) -> StableId {
        stable_id!("modules.EsModules")
    }

    fn before_snapshot(&mut self, _: &mut DynScriptHost) -> Result<Vec<EsModuleRecord>, RehydrateError> {
        let loaded = self.0.es_modules.loaded();
        Ok(loaded.into_iter().map(|(url, hash)| EsModuleRecord { url, hash: format!("{hash:016x}") }).collect())
    }

    fn after_restore(&mut self, _: &mut DynScriptHost, records: Vec<EsModuleRecord>) -> Result<(), RehydrateError> {
        for record in records {
            let Some(path) = record.url.strip_prefix("file://") else { continue };
            let Some(what) = file_change(path, &record.hash) else { continue };
            match self.0.module_policy {
                ModulePolicy::Refuse => {
                    return Err(RehydrateError::Refused {
                        rehydrator: self.id(),
                        message: format!(
                            "ES module {path} {what} since the snapshot was made; make the snapshot again, or restore \
                             with the module policy `reload` (the snapshot's modules keep the instance they captured; \
                             a later import() loads the file anew)"
                        ),
                    })
                }
                ModulePolicy::Reload => self.0.es_modules.mark_stale(&record.url),
            }
        }
        Ok(())
    }
}
