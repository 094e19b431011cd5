//! Registry and reconcile: order does not matter; every mismatch is named.

use snapshot_core::{
    reconcile, ExtraPolicy, HostCall, HostError, HostValue, NativeKind, RefEntry, RefTable, Registry, RegistryError,
    StableId,
};

fn noop() -> impl Fn(&HostCall) -> Result<HostValue, HostError> + Send + Sync + 'static {
    |_| Ok(HostValue::Undefined)
}

fn registry(names: &[&'static str]) -> Registry {
    let mut registry = Registry::new();
    for name in names {
        registry.function(*name, noop()).unwrap();
    }
    registry
}

#[test]
fn registering_a_name_twice_is_an_error() {
    let mut registry = registry(&["fs.open"]);
    assert_eq!(registry.function("fs.open", noop()).unwrap_err(), RegistryError::Duplicate { name: "fs.open" });
}

/// Two distinct names with one 64-bit xxh3 hash are not known, so the registry's collision
/// branch (same hash, other name) cannot be reached with real names; what can be checked is
/// the error it raises.
#[test]
fn the_collision_error_names_both_natives_and_the_hash() {
    let message = RegistryError::HashCollision { first: "x.one", second: "y.two", hash: 0xabc }.to_string();
    insta::assert_snapshot!(message);
}

#[test]
fn reordered_registration_is_accepted_in_the_snapshots_order() {
    let made_with = registry(&["fs.open", "fs.close", "timers.set"]);
    let table = made_with.table(false);
    let now = registry(&["timers.set", "fs.open", "fs.close"]);
    let ordered = reconcile(&table, &now, ExtraPolicy::Reject).unwrap();
    let names: Vec<&str> = ordered.iter().map(|n| n.name).collect();
    assert_eq!(names, ["fs.open", "fs.close", "timers.set"]);
}

#[test]
fn missing_extra_renamed_and_changed_natives_are_all_named_in_one_error() {
    let made_with = registry(&["fs.open", "fs.close", "timers.set", "net.connect", "os.cpus"]);
    // A registry only makes functions; a kind that changed comes from a file's table.
    let mut entries = made_with.table(true).entries;
    entries.push(RefEntry {
        id: StableId::new("process.title"),
        kind: NativeKind::Getter,
        name: Some("process.title".into()),
    });
    let table = RefTable::new(entries);
    let mut now = registry(&["fs.openSync", "fs.close", "timers.set", "zlib.gzip"]);
    now.function("process.title", noop()).unwrap();
    let err = reconcile(&table, &now, ExtraPolicy::Reject).unwrap_err();
    assert_eq!(err.renamed, vec![(StableId::new("fs.open"), StableId::new("fs.openSync"))]);
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn extras_may_be_appended_when_asked() {
    let table = registry(&["fs.open"]).table(false);
    let now = registry(&["fs.open", "fs.extra"]);
    let ordered = reconcile(&table, &now, ExtraPolicy::Append).unwrap();
    assert_eq!(ordered.iter().map(|n| n.name).collect::<Vec<_>>(), ["fs.open", "fs.extra"]);
}

#[test]
fn a_missing_native_known_only_by_hash_is_shown_as_hex() {
    let table =
        RefTable::new(vec![RefEntry { id: StableId::from_hash(0x1234), kind: NativeKind::Function, name: None }]);
    let err = reconcile(&table, &Registry::new(), ExtraPolicy::Reject).unwrap_err();
    assert!(err.to_string().contains("missing: `#0000000000001234`"), "{err}");
}

#[test]
fn the_fingerprint_depends_on_order_and_kind() {
    let a = registry(&["fs.open", "fs.close"]).table(false);
    let b = registry(&["fs.close", "fs.open"]).table(false);
    assert_ne!(a.fingerprint, b.fingerprint);
    assert_eq!(a.fingerprint, registry(&["fs.open", "fs.close"]).table(true).fingerprint, "names do not count");
}
