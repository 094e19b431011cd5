//! The container: round trip, every truncation, every single-bit flip, foreign files.

mod common;

use snapshot_core::format::{decode, decode::validate_layout, dump::dump, encode, PAYLOAD_ALIGN};
use snapshot_core::FormatError;

#[test]
fn round_trip_gives_back_the_same_snapshot() {
    let sample = common::sample();
    let bytes = encode(&sample);
    let decoded = decode(&bytes).expect("a fresh encoding decodes");
    assert_eq!(decoded.header, sample.header);
    assert_eq!(decoded.refs, sample.refs);
    assert_eq!(decoded.identities, sample.identities);
    assert_eq!(decoded.records, sample.records);
    assert_eq!(decoded.payload, sample.payload.as_slice());
}

#[test]
fn payload_is_aligned_for_mapping() {
    let bytes = encode(&common::sample());
    let decoded = decode(&bytes).unwrap();
    let offset = decoded.payload.as_ptr() as usize - bytes.as_ptr() as usize;
    assert_eq!(offset as u64 % PAYLOAD_ALIGN, 0, "payload at offset {offset}");
}

#[test]
fn every_truncation_is_rejected() {
    let bytes = encode(&common::sample());
    for len in 0..bytes.len() {
        match decode(&bytes[..len]) {
            Err(FormatError::Truncated { .. }) => {}
            other => panic!("truncated to {len} of {} bytes: expected a Truncated error, got {other:?}", bytes.len()),
        }
    }
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let bytes = encode(&common::sample());
    assert!(bytes.len() > 4096, "the sample spans the payload alignment padding");
    let mut flipped = bytes.clone();
    for bit in 0..bytes.len() * 8 {
        let (byte, mask) = (bit / 8, 1u8 << (bit % 8));
        flipped[byte] ^= mask;
        let result = decode(&flipped);
        assert!(result.is_err(), "flipping bit {bit} (byte {byte}) went unnoticed");
        flipped[byte] ^= mask;
    }
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut bytes = encode(&common::sample());
    bytes.push(0);
    assert!(matches!(decode(&bytes), Err(FormatError::Malformed { .. })));
}

#[test]
fn foreign_files_are_rejected_with_clear_errors() {
    let messages: Vec<String> =
        [b"".as_slice(), b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", b"{\"not\": \"a snapshot\"}", b"\x89PSNAP\n\n"]
            .iter()
            .map(|bytes| decode(bytes).unwrap_err().to_string())
            .collect();
    insta::assert_snapshot!(messages.join("\n"));
}

#[test]
fn a_newer_major_version_is_refused_by_name() {
    let mut bytes = encode(&common::sample());
    bytes[8] = (polysnap_format_major() + 1) as u8;
    insta::assert_snapshot!(decode(&bytes).unwrap_err().to_string());
    // And a file of the previous major version (1.x: before `auto` recorded every candidate).
    bytes[8] = (polysnap_format_major() - 1) as u8;
    assert!(decode(&bytes).unwrap_err().to_string().contains("snapshot format 1.0 cannot be read by this build"));
}

#[test]
fn a_damaged_payload_names_the_section() {
    let mut bytes = encode(&common::sample());
    let last = bytes.len() - 1;
    bytes[last] ^= 0x10;
    let message = decode(&bytes).unwrap_err().to_string();
    assert!(message.contains("engine-payload section"), "{message}");
    assert!(message.starts_with("snapshot is corrupted"), "{message}");
}

#[test]
fn dump_reads_names_and_sections() {
    let bytes = encode(&common::sample());
    let decoded = decode(&bytes).unwrap();
    let layout = validate_layout(&bytes).unwrap();
    let text = dump(&decoded, &layout).replace(&decoded.header.target.to_string(), "<target>");
    insta::assert_snapshot!(text);
}

#[test]
fn engine_mismatch_is_refused_before_the_engine_sees_it() {
    let bytes = encode(&common::sample());
    let decoded = decode(&bytes).unwrap();
    let mut other = decoded.header.engine.clone();
    other.version = "11.3.244.8".into();
    insta::assert_snapshot!(decoded.check_compatible(&other).unwrap_err().to_string());
    assert!(decoded.check_compatible(&decoded.header.engine.clone()).is_ok());
}

#[test]
fn reseal_lets_damage_reach_the_structural_checks() {
    let mut bytes = encode(&common::sample());
    // Damage the header section's content, then fix the checksums: the postcard decoding
    // must catch it (never a panic).
    let layout = validate_layout(&bytes).unwrap();
    let header = *layout.section(snapshot_core::format::SectionKind::Header).unwrap();
    for byte in &mut bytes[header.offset as usize..(header.offset + header.length) as usize] {
        *byte = 0xff;
    }
    snapshot_core::format::reseal(&mut bytes);
    assert!(matches!(decode(&bytes), Err(FormatError::Decode { .. })), "{:?}", decode(&bytes).err());
    let mut clean = encode(&common::sample());
    let before = clean.clone();
    snapshot_core::format::reseal(&mut clean);
    assert_eq!(clean, before, "resealing a valid file changes nothing");
}

fn polysnap_format_major() -> u16 {
    snapshot_core::format::FORMAT_MAJOR
}
