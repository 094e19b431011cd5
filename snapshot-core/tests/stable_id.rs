//! StableId: stable across builds, names where known, collisions caught.

use snapshot_core::{hash_name, stable_id, StableId};

#[test]
fn the_same_name_gives_the_same_id_in_every_build() {
    // xxh3-64 (seed 0) of the UTF-8 bytes: fixed by the format, so recorded here.
    assert_eq!(stable_id!("fs.open").hash(), 0x_a31b_7f96_2832_425e_u64, "got {:#x}", stable_id!("fs.open").hash());
    assert_eq!(StableId::new("fs.open"), StableId::from_hash(hash_name("fs.open")));
    assert_ne!(stable_id!("fs.open"), stable_id!("fs.close"));
}

#[cfg(any(debug_assertions, feature = "keep-names"))]
#[test]
fn builds_that_keep_names_display_them() {
    assert_eq!(stable_id!("timers.Timeout").to_string(), "timers.Timeout");
    assert_eq!(format!("{:?}", stable_id!("timers.Timeout")), "StableId(timers.Timeout)");
}

#[cfg(not(any(debug_assertions, feature = "keep-names")))]
#[test]
fn release_builds_display_hashes() {
    let id = stable_id!("release.only.name");
    assert_eq!(id.to_string(), format!("#{:016x}", hash_name("release.only.name")));
}

#[test]
fn an_unknown_hash_displays_as_hex() {
    assert_eq!(StableId::from_hash(0xdead_beef).to_string(), "#00000000deadbeef");
}

#[test]
fn an_embedded_name_is_displayed_again() {
    let id = StableId::with_interned_name("embedded.in.file");
    assert_eq!(StableId::from_hash(id.hash()).to_string(), "embedded.in.file");
}

#[test]
fn ids_serialize_as_their_hash() {
    let bytes = postcard::to_stdvec(&stable_id!("fs.open")).unwrap();
    let back: StableId = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, stable_id!("fs.open"));
    if cfg!(any(debug_assertions, feature = "keep-names")) {
        assert_eq!(back.to_string(), "fs.open");
    }
}
