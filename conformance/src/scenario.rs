//! Scenarios as data: one TOML file each in `conformance/scenarios/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One scenario, as its file describes it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The file's stem (`closures`), filled in when loaded.
    #[serde(skip)]
    pub name: String,
    /// One line saying what the scenario proves.
    pub about: String,
    /// Natives (from [`crate::natives`]) the scenario's runtime registers.
    #[serde(default)]
    pub natives: Vec<String>,
    /// Whether the CLI's host runtime (console, timers, process, require, fs and their
    /// rehydrators) is installed before the setup.
    #[serde(default)]
    pub host: bool,
    /// With `host`: the policy for files open at capture (`error`, `reopen`, `close`).
    #[serde(default)]
    pub files: Option<String>,
    /// With `host`: the policy for changed cached modules (`refuse`, `reload`).
    #[serde(default)]
    pub modules: Option<String>,
    /// Runs before the snapshot (or, fresh, before the check).
    pub setup: String,
    /// Files the runner writes before the setup runs (absolute path → content): the ES
    /// modules (and `package.json` files) of the scenario's module graph.
    #[serde(default)]
    pub module_files: BTreeMap<String, String>,
    /// A key of `module_files`: the ES module run after `setup`, its imports resolved by the
    /// host's Node-like resolver. Needs `requires = ["ES_MODULES"]`.
    #[serde(default)]
    pub setup_module: Option<String>,
    /// A warm-up script, run for its compiled code only.
    #[serde(default)]
    pub warmup: Option<String>,
    /// Runs after restore (or, fresh, after setup). Its completion value is the result,
    /// a JSON string, unless `after` is given.
    pub check: String,
    /// When given: runs after `check` once the microtask queue is drained; its completion
    /// value is the result.
    #[serde(default)]
    pub after: Option<String>,
    /// Capabilities (names of `snapshot_core::Capabilities` flags) the scenario needs.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Natives left out of the registry at restore.
    #[serde(default)]
    pub restore_without: Vec<String>,
    /// How to damage the snapshot file before restoring it.
    #[serde(default)]
    pub corrupt: Option<Corruption>,
    /// The capture strategy: `heap` (default) or `code-cache`.
    #[serde(default)]
    pub strategy: Option<String>,
    /// Make the snapshot with stdout on a terminal (a pseudo-terminal), restore with it on
    /// a pipe.
    #[serde(default)]
    pub make_on_tty: bool,
    /// When given, making the snapshot must fail with an error containing this text.
    #[serde(default)]
    pub expect_make_error: Option<String>,
    /// A file the runner writes between make and restore (to change a cached module).
    #[serde(default)]
    pub write_after_make: Option<FileWrite>,
    /// When given, restoring must fail with an error containing this text.
    #[serde(default)]
    pub expect_restore_error: Option<String>,
    /// Named contexts captured beside the default one (capability `NAMED_CONTEXTS`): a table
    /// name → setup script. Each runs, after the default context's setup, in a new context
    /// of its own (with the natives, without the host runtime or the `snapshot` API); they
    /// are added in name order. Needs `differential = false`: a fresh runtime has none.
    #[serde(default)]
    pub contexts: BTreeMap<String, String>,
    /// The named context (a key of `contexts`) `check` and `after` run in after restore;
    /// the default context when absent. main() and the host's event loop always run in the
    /// default context.
    #[serde(default)]
    pub check_context: Option<String>,
    /// Whether the scenario is differential (the default): its result restored must equal
    /// its result fresh (setup and check in one runtime without a snapshot) and the recorded
    /// expected output. `false` is for scenarios whose fresh side cannot be built (named
    /// contexts exist only in snapshots): the fresh run is skipped and the restored result
    /// must equal the recorded expected output alone.
    #[serde(default = "differential_default")]
    pub differential: bool,
}

fn differential_default() -> bool {
    true
}

/// A file written by the runner.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileWrite {
    /// Its path.
    pub path: String,
    /// Its new content.
    pub content: String,
}

/// Damage done to a snapshot file before it is restored.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Corruption {
    /// Flip one bit in the middle of the engine payload.
    FlipPayloadByte,
}

/// A scenario file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid scenario.
    #[error("scenario {path} is invalid: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl Scenario {
    /// Reads and checks one scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { path: path.into(), source })?;
        let invalid = |reason: String| ScenarioError::Invalid { path: path.into(), reason };
        let mut scenario: Scenario = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        scenario.name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        for native in scenario.natives.iter().chain(&scenario.restore_without) {
            if !crate::natives::NAMES.contains(&native.as_str()) {
                return Err(invalid(format!("unknown native `{native}`; known: {}", crate::natives::NAMES.join(", "))));
            }
        }
        if let Some(strategy) = &scenario.strategy {
            if strategy != "heap" && strategy != "code-cache" {
                return Err(invalid(format!("unknown strategy `{strategy}`: use heap or code-cache")));
            }
        }
        for flag in &scenario.requires {
            if snapshot_core::Capabilities::from_name(flag).is_none() {
                return Err(invalid(format!("unknown capability `{flag}`")));
            }
        }
        if let Some(name) = &scenario.check_context {
            let made_by_setup = scenario.setup.contains(&format!("snapshot.createContext(\"{name}\""))
                || scenario.setup.contains(&format!("snapshot.createContext('{name}'"));
            if !scenario.contexts.contains_key(name) && !made_by_setup {
                let known: Vec<&str> = scenario.contexts.keys().map(String::as_str).collect();
                return Err(invalid(format!(
                    "check_context `{name}` is not one of `contexts` ({}) nor created by the setup with \
                     snapshot.createContext('{name}', …); add it to `contexts` or remove check_context",
                    if known.is_empty() { "none given".to_owned() } else { known.join(", ") }
                )));
            }
        }
        if let Some(root) = &scenario.setup_module {
            if !scenario.module_files.contains_key(root) {
                return Err(invalid(format!("setup_module `{root}` is not one of `module_files`")));
            }
            if !scenario.required_capabilities().contains(snapshot_core::Capabilities::ES_MODULES) {
                return Err(invalid("`setup_module` needs `requires = [\"ES_MODULES\"]`".into()));
            }
        }
        if let Some(path) = scenario.module_files.keys().find(|p| !p.starts_with('/')) {
            return Err(invalid(format!("module_files `{path}` is not an absolute path")));
        }
        if !scenario.contexts.is_empty() {
            if scenario.differential {
                return Err(invalid(
                    "`contexts` needs `differential = false`: a fresh runtime has no named contexts to compare with"
                        .into(),
                ));
            }
            if !scenario.required_capabilities().contains(snapshot_core::Capabilities::NAMED_CONTEXTS) {
                return Err(invalid("`contexts` needs `requires = [\"NAMED_CONTEXTS\"]`".into()));
            }
        }
        Ok(scenario)
    }

    /// The capabilities the scenario needs.
    pub fn required_capabilities(&self) -> snapshot_core::Capabilities {
        self.requires.iter().filter_map(|f| snapshot_core::Capabilities::from_name(f)).collect()
    }
}

/// The scenarios folder of this crate.
pub fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every scenario in `dir`, sorted by name.
pub fn load_all(dir: &Path) -> Result<Vec<Scenario>, ScenarioError> {
    let read = |source| ScenarioError::Read { path: dir.into(), source };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| Scenario::load(p)).collect()
}
