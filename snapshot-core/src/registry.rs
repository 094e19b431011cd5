//! The registry of natives and the external-reference table stored in a snapshot.
//!
//! Extensions register every native function a heap may refer to under a [`StableId`] (no
//! backend installs accessors or data pointers as natives, so the registry takes functions
//! only). A snapshot stores the table as ids in creation order plus
//! a fingerprint ([`RefTable`]); at restore [`reconcile`] rebuilds the engine's positional
//! table in the snapshot's order by id, so registration order does not matter.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::id::StableId;
use crate::value::{HostCall, HostError, HostFunction, HostValue};

/// What kind of native an external reference stands for. A registry makes functions only;
/// the other kinds are what a snapshot's table may name, so that a file that has one is
/// refused saying what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NativeKind {
    /// A function callable from JavaScript.
    Function,
    /// An accessor's getter.
    Getter,
    /// An accessor's setter.
    Setter,
    /// A native data pointer the heap refers to (an `External`'s value).
    Data,
}

impl fmt::Display for NativeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NativeKind::Function => "function",
            NativeKind::Getter => "getter",
            NativeKind::Setter => "setter",
            NativeKind::Data => "data",
        })
    }
}

/// One registered native.
#[derive(Clone)]
pub struct Native {
    /// Its identity.
    pub id: StableId,
    /// Its dotted name, as registered (kept in every build: backends install natives by name).
    pub name: &'static str,
    /// What it is.
    pub kind: NativeKind,
    /// The host function behind a function, getter or setter; `None` for data.
    pub func: Option<HostFunction>,
}

impl fmt::Debug for Native {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Native").field("id", &self.id).field("kind", &self.kind).finish()
    }
}

/// A native function as a backend installs it: its identity, its full dotted name (the key
/// on `__polysnap_natives` and the JavaScript function's `name`) and the host function.
/// Every backend takes these; [`NativeSpec::functions`] makes them from registered natives.
#[derive(Clone)]
pub struct NativeSpec {
    /// Its identity: the id of `name`.
    pub id: StableId,
    /// Its full dotted name (`"fs.open"`).
    pub name: String,
    /// The host function.
    pub func: HostFunction,
}

impl NativeSpec {
    /// A native named `name` (its id derived from the name) calling `func`.
    pub fn new(
        name: &str,
        func: impl Fn(&HostCall) -> Result<HostValue, HostError> + Send + Sync + 'static,
    ) -> NativeSpec {
        NativeSpec { id: StableId::with_interned_name(name), name: name.to_owned(), func: Arc::new(func) }
    }

    /// The specs of `natives`, in order, when every one is a function with a host function;
    /// otherwise an error naming the first that is not (no backend installs accessors or
    /// data as natives).
    pub fn functions(natives: &[&Native]) -> Result<Vec<NativeSpec>, NotAFunction> {
        natives
            .iter()
            .map(|n| match (n.kind, &n.func) {
                (NativeKind::Function, Some(func)) => {
                    Ok(NativeSpec { id: n.id, name: n.name.to_owned(), func: func.clone() })
                }
                _ => Err(NotAFunction { name: n.name.to_owned(), kind: n.kind }),
            })
            .collect()
    }
}

impl fmt::Debug for NativeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NativeSpec").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

/// Something that adds natives to a registry (an extension: `fs`, `timers`, …).
pub trait Extension {
    /// Registers this extension's natives.
    fn register(&self, registry: &mut Registry) -> Result<(), RegistryError>;
}

/// The live set of natives, in registration order.
#[derive(Default, Clone, Debug)]
pub struct Registry {
    natives: Vec<Native>,
    by_id: HashMap<StableId, usize>,
    exposed: Vec<&'static str>,
}

/// A native's name as registered: a literal, or an owned name (interned once per distinct
/// name for the process, as ids read back from snapshots are).
fn static_name(name: Cow<'static, str>) -> &'static str {
    match name {
        Cow::Borrowed(name) => name,
        Cow::Owned(name) => StableId::with_interned_name(&name).name().expect("an interned id keeps its name"),
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers a native function under `name` (a dotted name: `fs.open`).
    pub fn function(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        func: impl Fn(&HostCall) -> Result<HostValue, HostError> + Send + Sync + 'static,
    ) -> Result<StableId, RegistryError> {
        self.add(static_name(name.into()), NativeKind::Function, Some(Arc::new(func)))
    }

    /// Registers a native function already shared as a [`HostFunction`].
    pub fn shared_function(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        func: HostFunction,
    ) -> Result<StableId, RegistryError> {
        self.add(static_name(name.into()), NativeKind::Function, Some(func))
    }

    /// Runs an extension's registration.
    pub fn extend(&mut self, extension: &dyn Extension) -> Result<(), RegistryError> {
        extension.register(self)
    }

    /// Installs the functions named `root` or `root.…` as nested objects of the global
    /// object before any setup script runs: `tinyrt.print` becomes `globalThis.tinyrt.print`.
    /// Every native stays on the hidden `__polysnap_natives` too, by its full name.
    pub fn expose(&mut self, root: impl Into<Cow<'static, str>>) {
        let root = static_name(root.into());
        if !self.exposed.contains(&root) {
            self.exposed.push(root);
        }
    }

    /// The roots [`Registry::expose`] was given, in order.
    pub fn exposed(&self) -> &[&'static str] {
        &self.exposed
    }

    fn add(
        &mut self,
        name: &'static str,
        kind: NativeKind,
        func: Option<HostFunction>,
    ) -> Result<StableId, RegistryError> {
        let id = StableId::from_hash(crate::id::hash_name(name));
        if let Some(&index) = self.by_id.get(&id) {
            let existing = self.natives[index].name;
            return Err(if existing == name {
                RegistryError::Duplicate { name }
            } else {
                RegistryError::HashCollision { first: existing, second: name, hash: id.hash() }
            });
        }
        id.remember_name(name);
        self.by_id.insert(id, self.natives.len());
        self.natives.push(Native { id, name, kind, func });
        Ok(id)
    }

    /// The native registered under `id`.
    pub fn get(&self, id: StableId) -> Option<&Native> {
        self.by_id.get(&id).map(|&i| &self.natives[i])
    }

    /// Every native, in registration order.
    pub fn natives(&self) -> &[Native] {
        &self.natives
    }

    /// How many natives are registered.
    pub fn len(&self) -> usize {
        self.natives.len()
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.natives.is_empty()
    }

    /// The external-reference table as a snapshot made now would store it.
    pub fn table(&self, embed_names: bool) -> RefTable {
        RefTable::new(
            self.natives
                .iter()
                .map(|n| RefEntry { id: n.id, kind: n.kind, name: embed_names.then(|| n.name.to_owned()) })
                .collect(),
        )
    }
}

/// One entry of a snapshot's external-reference table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefEntry {
    /// The native's identity.
    pub id: StableId,
    /// Its kind.
    pub kind: NativeKind,
    /// Its name, when the snapshot embeds names.
    pub name: Option<String>,
}

/// The external-reference table a snapshot was made with: ids in the engine's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefTable {
    /// The entries, in the order the engine's positional table had them.
    pub entries: Vec<RefEntry>,
    /// [`RefTable::compute_fingerprint`] of the entries.
    pub fingerprint: u64,
}

impl RefTable {
    /// A table of `entries` with its fingerprint.
    pub fn new(entries: Vec<RefEntry>) -> RefTable {
        let fingerprint = Self::compute_fingerprint(&entries);
        RefTable { entries, fingerprint }
    }

    /// xxh3-64 over each entry's id and kind, in order (names do not count).
    pub fn compute_fingerprint(entries: &[RefEntry]) -> u64 {
        let mut hasher = Xxh3::new();
        for entry in entries {
            hasher.update(&entry.id.hash().to_le_bytes());
            hasher.update(&[entry.kind as u8]);
        }
        hasher.digest()
    }

    /// Attaches embedded names to the ids, so displays read them.
    pub fn intern_names(&mut self) {
        for entry in &mut self.entries {
            if let Some(name) = &entry.name {
                let named = StableId::with_interned_name(name);
                if named == entry.id {
                    entry.id = named;
                }
            }
        }
    }
}

/// How strict [`reconcile`] is about natives the live registry has and the snapshot lacks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExtraPolicy {
    /// A live native the snapshot does not know is an error: the snapshot is stale.
    #[default]
    Reject,
    /// Extra live natives are appended after the snapshot's entries.
    Append,
}

/// Rebuilds the engine's positional table in the snapshot's order.
///
/// Returns the live natives in the order of `snapshot.entries` (then, with
/// [`ExtraPolicy::Append`], the live natives the snapshot does not know). Every missing,
/// extra, changed-kind or renamed native is reported together in one error.
pub fn reconcile<'r>(
    snapshot: &RefTable,
    live: &'r Registry,
    policy: ExtraPolicy,
) -> Result<Vec<&'r Native>, ReconcileError> {
    let mut ordered = Vec::with_capacity(snapshot.entries.len());
    let mut problems = ReconcileError::default();
    for entry in &snapshot.entries {
        match live.get(entry.id) {
            Some(native) if native.kind == entry.kind => ordered.push(native),
            Some(native) => problems.kind_changed.push((entry.id, entry.kind, native.kind)),
            None => problems.missing.push(entry.id),
        }
    }
    let known: std::collections::HashSet<StableId> = snapshot.entries.iter().map(|e| e.id).collect();
    let extra: Vec<&Native> = live.natives().iter().filter(|n| !known.contains(&n.id)).collect();
    problems.pair_renames(snapshot, &extra);
    if policy == ExtraPolicy::Reject {
        problems.extra.extend(extra.iter().map(|n| n.id).filter(|id| !problems.renamed.iter().any(|(_, to)| to == id)));
    } else {
        ordered.extend(extra.iter().copied());
    }
    if problems.is_empty() {
        Ok(ordered)
    } else {
        Err(problems)
    }
}

impl ReconcileError {
    /// Moves pairs (missing snapshot id, extra live native) of one kind that look like one
    /// native renamed — same extension prefix, or the only candidates of their kind — from
    /// `missing` to `renamed`.
    fn pair_renames(&mut self, snapshot: &RefTable, extra: &[&Native]) {
        let kind_of = |id: StableId| snapshot.entries.iter().find(|e| e.id == id).map(|e| e.kind);
        let mut unpaired: Vec<&Native> = extra.to_vec();
        let mut still_missing = Vec::new();
        for &old in &self.missing {
            let kind = kind_of(old);
            let same_kind: Vec<usize> = (0..unpaired.len()).filter(|&i| Some(unpaired[i].kind) == kind).collect();
            let by_prefix = old
                .name()
                .and_then(|old_name| same_kind.iter().copied().find(|&i| prefix(unpaired[i].name) == prefix(old_name)));
            let only_candidate = (same_kind.len() == 1
                && self.missing.iter().filter(|&&m| kind_of(m) == kind).count() == 1)
                .then(|| same_kind[0]);
            match by_prefix.or(only_candidate) {
                Some(i) => self.renamed.push((old, unpaired.remove(i).id)),
                None => still_missing.push(old),
            }
        }
        self.missing = still_missing;
    }
}

/// The extension part of a dotted name: `fs` for `fs.open`.
fn prefix(name: &str) -> &str {
    name.rsplit_once('.').map_or("", |(head, _)| head)
}

/// Registering a native failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegistryError {
    /// The same name was registered twice.
    #[error("native `{name}` is registered twice: each native needs exactly one registration; remove the second")]
    Duplicate {
        /// The name.
        name: &'static str,
    },
    /// Two different names hash to one stable id.
    #[error(
        "natives `{first}` and `{second}` have the same stable id #{hash:016x}: ids must be unique; rename one of them"
    )]
    HashCollision {
        /// The name registered first.
        first: &'static str,
        /// The name registered second.
        second: &'static str,
        /// The shared hash.
        hash: u64,
    },
}

/// The live registry does not match a snapshot's external-reference table.
///
/// Every problem found is listed, so one run tells the whole story.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReconcileError {
    /// Ids the snapshot refers to that nothing registered.
    pub missing: Vec<StableId>,
    /// Ids registered now that the snapshot does not know.
    pub extra: Vec<StableId>,
    /// Ids whose kind differs: (id, kind in the snapshot, kind now).
    pub kind_changed: Vec<(StableId, NativeKind, NativeKind)>,
    /// Apparent renames: (id in the snapshot, id registered now).
    pub renamed: Vec<(StableId, StableId)>,
}

impl ReconcileError {
    /// Whether no problem was recorded.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.kind_changed.is_empty() && self.renamed.is_empty()
    }
}

impl fmt::Display for ReconcileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the natives registered now do not match the snapshot's external-reference table:")?;
        for id in &self.missing {
            writeln!(f, "  missing: `{id}` is used by the snapshot but not registered")?;
        }
        for (old, new) in &self.renamed {
            writeln!(f, "  renamed: the snapshot has `{old}`, this build registers `{new}` instead")?;
        }
        for (id, was, now) in &self.kind_changed {
            writeln!(f, "  changed: `{id}` was a {was} in the snapshot, is a {now} now")?;
        }
        for id in &self.extra {
            writeln!(f, "  extra: `{id}` is registered but the snapshot does not know it")?;
        }
        write!(f, "register the same natives the snapshot was made with, or rebuild the snapshot with this build")
    }
}

impl std::error::Error for ReconcileError {}

/// A native handed to a backend that is not a function with a host function (a table entry
/// of another kind, or a function without its host function): no backend installs one.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[error("natives of kind `function` with a host function only: `{name}` is a {kind}{}", if *.kind == NativeKind::Function { " without its host function" } else { "" })]
pub struct NotAFunction {
    /// The native's name.
    pub name: String,
    /// Its kind.
    pub kind: NativeKind,
}
