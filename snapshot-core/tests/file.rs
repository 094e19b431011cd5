//! Atomic writes.

mod common;

use snapshot_core::format::{decode, file};

#[test]
fn write_atomic_replaces_the_file_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.psnap");
    std::fs::write(&path, b"old contents").unwrap();
    file::write_atomic(&path, &common::sample()).unwrap();
    let bytes = file::read(&path).unwrap();
    assert_eq!(decode(&bytes).unwrap().payload, common::sample().payload.as_slice());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("app.psnap")]);
}

#[test]
fn a_failed_write_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.psnap");
    std::fs::write(&path, b"old contents").unwrap();
    let result = file::write_bytes_atomic(&path, |out| {
        out.write_all(b"half")?;
        Err(std::io::Error::other("the writer died"))
    });
    assert!(result.is_err());
    assert_eq!(std::fs::read(&path).unwrap(), b"old contents");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary left behind");
}

#[test]
fn reading_a_missing_file_names_it() {
    let err = file::read(std::path::Path::new("/nonexistent/app.psnap")).unwrap_err().to_string();
    assert!(err.starts_with("cannot read snapshot file /nonexistent/app.psnap"), "{err}");
}
