//! Validating and reading snapshot bytes. Every byte is checked before anything is
//! returned; the order of the checks is the one docs/format.md gives.

use serde::de::DeserializeOwned;
use xxhash_rust::xxh3::xxh3_64;

use super::encode::prelude_checksum;
use super::FormatError;
use super::{
    SectionEntry, SectionKind, Snapshot, DIR_ENTRY_LEN, FORMAT_MAJOR, MAGIC, MAX_SECTIONS, PRELUDE_LEN,
    SECTION_REQUIRED,
};
use crate::registry::RefTable;

/// A validated snapshot whose payload borrows from the bytes it was decoded from.
pub type DecodedSnapshot<'a> = Snapshot<&'a [u8]>;

/// The validated layout of a file: its directory, before the metadata is decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The format version found (major, minor).
    pub version: (u16, u16),
    /// The section directory, in file order.
    pub sections: Vec<SectionEntry>,
}

impl Layout {
    /// The entry for `kind`.
    pub fn section(&self, kind: SectionKind) -> Option<&SectionEntry> {
        self.sections.iter().find(|e| e.kind == kind as u32)
    }
}

/// Validates `bytes` and reads the snapshot in them: prelude, directory, section bounds
/// and padding, every checksum, then the metadata sections.
pub fn decode(bytes: &[u8]) -> Result<DecodedSnapshot<'_>, FormatError> {
    let layout = validate_layout(bytes)?;
    read_sections(bytes, &layout)
}

/// The structural checks alone: everything but decoding the metadata.
pub fn validate_layout(bytes: &[u8]) -> Result<Layout, FormatError> {
    let file_len = bytes.len() as u64;
    check_prelude(bytes)?;
    let version = (u16_at(bytes, 8), u16_at(bytes, 10));
    let count = u32_at(bytes, 12);
    check_declared_length(u64_at(bytes, 16), file_len)?;
    let directory_end = check_directory_fits(count, file_len)?;
    let stored = u64_at(bytes, 24);
    let found = prelude_checksum(&bytes[..directory_end as usize]);
    if stored != found {
        return Err(FormatError::Checksum {
            what: "the prelude and section directory".into(),
            expected: stored,
            found,
        });
    }
    let sections = read_directory(&bytes[PRELUDE_LEN as usize..directory_end as usize]);
    check_sections(bytes, directory_end, &sections)?;
    Ok(Layout { version, sections })
}

fn check_prelude(bytes: &[u8]) -> Result<(), FormatError> {
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(FormatError::BadMagic { expected: MAGIC, found: bytes[..magic_len].to_vec() });
    }
    if (bytes.len() as u64) < PRELUDE_LEN {
        return Err(FormatError::Truncated {
            what: "the prelude".into(),
            needed: PRELUDE_LEN,
            found: bytes.len() as u64,
        });
    }
    let (major, minor) = (u16_at(bytes, 8), u16_at(bytes, 10));
    if major != FORMAT_MAJOR {
        return Err(FormatError::UnsupportedVersion {
            expected_major: FORMAT_MAJOR,
            found_major: major,
            found_minor: minor,
        });
    }
    Ok(())
}

fn check_declared_length(declared: u64, file_len: u64) -> Result<(), FormatError> {
    if declared > file_len {
        return Err(FormatError::Truncated { what: "the whole file".into(), needed: declared, found: file_len });
    }
    if declared < file_len {
        return Err(FormatError::Malformed {
            what: "the file is longer than its prelude declares".into(),
            expected: format!("{declared} bytes"),
            found: format!("{file_len} bytes"),
        });
    }
    Ok(())
}

fn check_directory_fits(count: u32, file_len: u64) -> Result<u64, FormatError> {
    if count == 0 || count > MAX_SECTIONS {
        return Err(FormatError::Malformed {
            what: "the section count is out of range".into(),
            expected: format!("1 to {MAX_SECTIONS} sections"),
            found: count.to_string(),
        });
    }
    let end = PRELUDE_LEN + DIR_ENTRY_LEN * u64::from(count);
    if end > file_len {
        return Err(FormatError::Truncated { what: "the section directory".into(), needed: end, found: file_len });
    }
    Ok(end)
}

fn read_directory(bytes: &[u8]) -> Vec<SectionEntry> {
    bytes
        .chunks_exact(DIR_ENTRY_LEN as usize)
        .map(|e| SectionEntry {
            kind: u32_at(e, 0),
            flags: u32_at(e, 4),
            offset: u64_at(e, 8),
            length: u64_at(e, 16),
            checksum: u64_at(e, 24),
        })
        .collect()
}

/// Sections are in file order, inside the file, aligned, not overlapping, separated only by
/// zero padding, with no bytes after the last; known required kinds appear exactly once.
fn check_sections(bytes: &[u8], directory_end: u64, sections: &[SectionEntry]) -> Result<(), FormatError> {
    let mut position = directory_end;
    for entry in sections {
        let kind = SectionKind::from_code(entry.kind);
        let name = kind.map_or_else(|| format!("section kind {}", entry.kind), |k| format!("the {k} section"));
        if kind.is_none() && entry.flags & SECTION_REQUIRED != 0 {
            return Err(FormatError::Malformed {
                what: format!("{name} is required but unknown to this build"),
                expected: "only section kinds 1 to 5".into(),
                found: format!("kind {}", entry.kind),
            });
        }
        let alignment = kind.map_or(super::SECTION_ALIGN, SectionKind::alignment);
        if entry.offset < position || entry.offset % alignment != 0 {
            return Err(FormatError::Malformed {
                what: format!("{name} is misplaced"),
                expected: format!("an offset ≥ {position} and a multiple of {alignment}"),
                found: entry.offset.to_string(),
            });
        }
        let end = entry.offset.checked_add(entry.length).filter(|&end| end <= bytes.len() as u64).ok_or_else(|| {
            FormatError::Truncated {
                what: name.clone(),
                needed: entry.offset.saturating_add(entry.length),
                found: bytes.len() as u64,
            }
        })?;
        check_padding(&bytes[position as usize..entry.offset as usize], &name)?;
        let found = xxh3_64(&bytes[entry.offset as usize..end as usize]);
        if found != entry.checksum {
            return Err(FormatError::Checksum { what: name, expected: entry.checksum, found });
        }
        position = end;
    }
    check_padding(&bytes[position as usize..], "the end of the file")?;
    for kind in SectionKind::ALL {
        let count = sections.iter().filter(|e| e.kind == kind as u32).count();
        if count != 1 {
            return Err(if count == 0 {
                FormatError::MissingSection(kind)
            } else {
                FormatError::Malformed {
                    what: format!("the {kind} section appears more than once"),
                    expected: "one".into(),
                    found: count.to_string(),
                }
            });
        }
    }
    Ok(())
}

fn check_padding(padding: &[u8], before: &str) -> Result<(), FormatError> {
    match padding.iter().position(|&b| b != 0) {
        None => Ok(()),
        Some(at) => Err(FormatError::Malformed {
            what: format!("the padding before {before} is not zero"),
            expected: "zero bytes".into(),
            found: format!("{:#04x} at padding byte {at}", padding[at]),
        }),
    }
}

fn read_sections<'a>(bytes: &'a [u8], layout: &Layout) -> Result<DecodedSnapshot<'a>, FormatError> {
    let slice = |kind: SectionKind| {
        let entry = layout.section(kind).ok_or(FormatError::MissingSection(kind))?;
        Ok::<_, FormatError>(&bytes[entry.offset as usize..(entry.offset + entry.length) as usize])
    };
    let header: super::Header = decode_section(SectionKind::Header, slice(SectionKind::Header)?)?;
    for name in &header.names {
        crate::StableId::with_interned_name(name);
    }
    let mut refs: RefTable = decode_section(SectionKind::Refs, slice(SectionKind::Refs)?)?;
    let computed = RefTable::compute_fingerprint(&refs.entries);
    if computed != refs.fingerprint {
        return Err(FormatError::Checksum {
            what: "the external-reference table's fingerprint".into(),
            expected: refs.fingerprint,
            found: computed,
        });
    }
    refs.intern_names();
    let identities = decode_section(SectionKind::Identities, slice(SectionKind::Identities)?)?;
    let records = decode_section(SectionKind::Records, slice(SectionKind::Records)?)?;
    let payload = slice(SectionKind::Payload)?;
    Ok(Snapshot { header, refs, identities, records, payload })
}

fn decode_section<T: DeserializeOwned>(section: SectionKind, bytes: &[u8]) -> Result<T, FormatError> {
    let (value, rest) =
        postcard::take_from_bytes(bytes).map_err(|e| FormatError::Decode { section, reason: e.to_string() })?;
    if !rest.is_empty() {
        return Err(FormatError::Decode { section, reason: format!("{} bytes left over", rest.len()) });
    }
    Ok(value)
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(bytes[at..at + 2].try_into().expect("2 bytes"))
}
fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}
fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}
