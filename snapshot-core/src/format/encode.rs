//! Laying a [`Snapshot`] out as bytes.

use std::io::{self, Write};

use xxhash_rust::xxh3::xxh3_64;

use super::{
    SectionEntry, SectionKind, Snapshot, DIR_ENTRY_LEN, FORMAT_MAJOR, FORMAT_MINOR, MAGIC, PRELUDE_LEN,
    SECTION_REQUIRED,
};

/// The snapshot as bytes.
pub fn encode<P: AsRef<[u8]>>(snapshot: &Snapshot<P>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_to(snapshot, &mut out).expect("writing to a Vec cannot fail");
    out
}

/// Writes the snapshot to `out`: prelude, section directory, then each section at its
/// alignment with zero padding between.
pub fn encode_to<P: AsRef<[u8]>, W: Write + ?Sized>(snapshot: &Snapshot<P>, out: &mut W) -> io::Result<()> {
    let metadata = [
        (SectionKind::Header, postcard::to_stdvec(&snapshot.header)),
        (SectionKind::Refs, postcard::to_stdvec(&snapshot.refs)),
        (SectionKind::Identities, postcard::to_stdvec(&snapshot.identities)),
        (SectionKind::Records, postcard::to_stdvec(&snapshot.records)),
    ];
    let mut sections: Vec<(SectionKind, Vec<u8>)> = Vec::new();
    for (kind, bytes) in metadata {
        let bytes = bytes.map_err(|e| io::Error::other(format!("encoding the {kind} section: {e}")))?;
        sections.push((kind, bytes));
    }
    let payload = snapshot.payload.as_ref();
    let mut all: Vec<(SectionKind, &[u8])> = sections.iter().map(|(k, b)| (*k, b.as_slice())).collect();
    all.push((SectionKind::Payload, payload));

    let directory = lay_out(&all);
    let total_len = directory.last().map_or(PRELUDE_LEN, |e| e.offset + e.length);
    out.write_all(&prelude_and_directory(&directory, total_len))?;
    let mut position = PRELUDE_LEN + DIR_ENTRY_LEN * directory.len() as u64;
    for (entry, (_, bytes)) in directory.iter().zip(&all) {
        write_zeros(out, entry.offset - position)?;
        out.write_all(bytes)?;
        position = entry.offset + entry.length;
    }
    Ok(())
}

/// Places each section after the previous one, at its kind's alignment.
fn lay_out(sections: &[(SectionKind, &[u8])]) -> Vec<SectionEntry> {
    let mut offset = PRELUDE_LEN + DIR_ENTRY_LEN * sections.len() as u64;
    sections
        .iter()
        .map(|(kind, bytes)| {
            offset = offset.next_multiple_of(kind.alignment());
            let entry = SectionEntry {
                kind: *kind as u32,
                flags: SECTION_REQUIRED,
                offset,
                length: bytes.len() as u64,
                checksum: xxh3_64(bytes),
            };
            offset += entry.length;
            entry
        })
        .collect()
}

/// The prelude (with its checksum over prelude and directory) followed by the directory.
fn prelude_and_directory(directory: &[SectionEntry], total_len: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity((PRELUDE_LEN + DIR_ENTRY_LEN * directory.len() as u64) as usize);
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&FORMAT_MAJOR.to_le_bytes());
    bytes.extend_from_slice(&FORMAT_MINOR.to_le_bytes());
    bytes.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&total_len.to_le_bytes());
    bytes.extend_from_slice(&[0; 8]); // checksum, filled below
    for entry in directory {
        bytes.extend_from_slice(&entry.kind.to_le_bytes());
        bytes.extend_from_slice(&entry.flags.to_le_bytes());
        bytes.extend_from_slice(&entry.offset.to_le_bytes());
        bytes.extend_from_slice(&entry.length.to_le_bytes());
        bytes.extend_from_slice(&entry.checksum.to_le_bytes());
    }
    let checksum = prelude_checksum(&bytes);
    bytes[24..32].copy_from_slice(&checksum.to_le_bytes());
    bytes
}

/// xxh3-64 over the prelude's first 24 bytes and the whole directory (the checksum field
/// itself, bytes 24..32, is left out).
pub(crate) fn prelude_checksum(prelude_and_directory: &[u8]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&prelude_and_directory[..24]);
    hasher.update(&prelude_and_directory[PRELUDE_LEN as usize..]);
    hasher.digest()
}

fn write_zeros<W: Write + ?Sized>(out: &mut W, count: u64) -> io::Result<()> {
    const ZEROS: [u8; 4096] = [0; 4096];
    let mut left = count;
    while left > 0 {
        let chunk = left.min(ZEROS.len() as u64) as usize;
        out.write_all(&ZEROS[..chunk])?;
        left -= chunk as u64;
    }
    Ok(())
}

/// Recomputes every checksum in `bytes` (each in-bounds section's and the prelude's) so that
/// only their structure decides whether [`decode`](super::decode()) accepts them. For fuzzing
/// and tests that damage a file on purpose and want the damage to reach the structural
/// checks; never needed to write a file.
pub fn reseal(bytes: &mut [u8]) {
    let len = bytes.len() as u64;
    if len < PRELUDE_LEN {
        return;
    }
    let count = u64::from(u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")));
    let directory_end = PRELUDE_LEN + DIR_ENTRY_LEN * count;
    if count > u64::from(super::MAX_SECTIONS) || directory_end > len {
        return;
    }
    for index in 0..count {
        let at = (PRELUDE_LEN + DIR_ENTRY_LEN * index) as usize;
        let field = |from: usize| u64::from_le_bytes(bytes[at + from..at + from + 8].try_into().expect("8 bytes"));
        let (offset, length) = (field(8), field(16));
        if let Some(end) = offset.checked_add(length).filter(|&end| end <= len) {
            let checksum = xxh3_64(&bytes[offset as usize..end as usize]);
            bytes[at + 24..at + 32].copy_from_slice(&checksum.to_le_bytes());
        }
    }
    let checksum = prelude_checksum(&bytes[..directory_end as usize]);
    bytes[24..32].copy_from_slice(&checksum.to_le_bytes());
}
