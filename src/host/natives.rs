//! The host's natives: stdio, files, clock and process, as engine-neutral host functions.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use snapshot_core::{HostCall, HostError, HostFunction, HostValue, Registry, RegistryError};

use super::modules::xxhash;

/// What happens at capture to a file the program still has open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FilePolicy {
    /// Capture refuses and names the open file (CRaC's default).
    #[default]
    Error,
    /// The file is reopened at restore: same path, flags and offset.
    Reopen,
    /// The file is closed: its descriptor fails with EBADF after restore.
    Close,
}

/// What happens at restore to a cached module whose file changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ModulePolicy {
    /// Restore refuses and names the changed file.
    #[default]
    Refuse,
    /// The cache entry is dropped, so the next `require` loads the file again.
    Reload,
}

/// An open file the program holds.
#[derive(Debug)]
pub struct OpenFile {
    /// The file.
    pub file: File,
    /// Its path as opened.
    pub path: PathBuf,
    /// Its flags, as the program gave them (`r`, `w`, `a`, `r+`, …).
    pub flags: String,
    /// This file's own policy at capture (`fs.snapshotPolicy(fd, …)`), else the host's.
    pub policy: Option<FilePolicy>,
}

/// State the natives share.
#[derive(Debug)]
pub struct HostState {
    /// `process.argv`.
    pub argv: Vec<String>,
    /// Open files by descriptor number (3 and up).
    pub files: Mutex<BTreeMap<u32, OpenFile>>,
    /// What capture does with open files.
    pub file_policy: FilePolicy,
    /// What restore does with changed modules.
    pub module_policy: ModulePolicy,
    /// The ES modules loaded (see [`super::modules::ModuleLedger`]).
    pub es_modules: super::modules::ModuleLedger,
    /// Set by `process.exit`.
    pub exit_code: Mutex<Option<i32>>,
    started: Instant,
}

impl HostState {
    /// Fresh state.
    pub fn new(argv: Vec<String>, file_policy: FilePolicy, module_policy: ModulePolicy) -> HostState {
        HostState {
            argv,
            files: Mutex::default(),
            file_policy,
            module_policy,
            es_modules: Default::default(),
            exit_code: Mutex::new(None),
            started: Instant::now(),
        }
    }

    /// The open files.
    pub fn files(&self) -> MutexGuard<'_, BTreeMap<u32, OpenFile>> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens `path` with Node-style `flags` under descriptor `fd` (or the lowest free one).
    pub fn open(&self, path: &str, flags: &str, fd: Option<u32>) -> Result<u32, HostError> {
        let file =
            open_options(flags)?.open(path).map_err(|e| HostError::new(format!("ENOENT: {e}, open '{path}'")))?;
        let mut files = self.files();
        let fd = fd.unwrap_or_else(|| (3..).find(|n| !files.contains_key(n)).expect("a free descriptor"));
        files.insert(fd, OpenFile { file, path: path.into(), flags: flags.to_owned(), policy: None });
        Ok(fd)
    }

    /// Milliseconds since this process's host started (`performance.now()`).
    pub fn now_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }
}

fn open_options(flags: &str) -> Result<OpenOptions, HostError> {
    let mut o = OpenOptions::new();
    match flags {
        "r" => o.read(true),
        "r+" => o.read(true).write(true),
        "w" => o.write(true).create(true).truncate(true),
        "w+" => o.read(true).write(true).create(true).truncate(true),
        "a" => o.append(true).create(true),
        "a+" => o.read(true).append(true).create(true),
        other => return Err(HostError::new(format!("unknown file flags '{other}': use r, r+, w, w+, a or a+"))),
    };
    Ok(o)
}

type Native = fn(&HostState, &HostCall) -> Result<HostValue, HostError>;

const NATIVES: &[(&str, Native)] = &[
    ("host.write", write_stdio),
    ("host.isatty", isatty),
    ("host.now", |s, _| Ok(HostValue::Number(s.now_ms()))),
    ("host.argv", |s, _| Ok(HostValue::Array(s.argv.iter().map(|a| HostValue::from(a.as_str())).collect()))),
    ("host.env", |_, _| Ok(HostValue::Object(std::env::vars().map(|(k, v)| (k, HostValue::String(v))).collect()))),
    ("host.cwd", |_, _| Ok(std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default().into())),
    ("host.exit", exit),
    ("fs.open", |s, c| {
        Ok(HostValue::Number(f64::from(s.open(&string(c, 0)?, c.arg(1).as_str().unwrap_or("r"), None)?)))
    }),
    ("fs.close", close),
    ("fs.read", read),
    ("fs.write", write),
    ("fs.readFile", read_file),
    ("fs.writeFile", write_file),
    ("fs.snapshotPolicy", set_policy),
    ("fs.exists", |_, c| Ok(HostValue::Bool(std::path::Path::new(&string(c, 0)?).exists()))),
    ("fs.stat", stat),
    ("fs.realpath", |_, c| {
        let path = string(c, 0)?;
        std::fs::canonicalize(&path).map(|p| p.display().to_string().into()).map_err(|e| errno(e, "realpath", &path))
    }),
    ("fs.hash", |_, c| {
        let path = string(c, 0)?;
        let bytes = std::fs::read(&path).map_err(|e| errno(e, "open", &path))?;
        Ok(format!("{:016x}", xxhash(&bytes)).into())
    }),
];

/// The names of every host native.
pub fn names() -> impl Iterator<Item = &'static str> {
    NATIVES.iter().map(|(name, _)| *name)
}

/// Registers every host native, sharing `state`.
pub fn register(registry: &mut Registry, state: &Arc<HostState>) -> Result<(), RegistryError> {
    for &(name, native) in NATIVES {
        let state = state.clone();
        let func: HostFunction = Arc::new(move |call| native(&state, call));
        registry.shared_function(name, func)?;
    }
    Ok(())
}

fn string(call: &HostCall, index: usize) -> Result<String, HostError> {
    call.arg(index)
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| HostError::new(format!("argument {} must be a string, got {:?}", index + 1, call.arg(index))))
}

fn fd_of(call: &HostCall, index: usize) -> Result<u32, HostError> {
    match call.arg(index).as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => Ok(n as u32),
        _ => Err(HostError::new(format!("EBADF: bad file descriptor {:?}", call.arg(index)))),
    }
}

fn data(value: &HostValue) -> Vec<u8> {
    match value {
        HostValue::Bytes(b) => b.clone(),
        HostValue::String(s) => s.as_bytes().to_vec(),
        other => format!("{other:?}").into_bytes(),
    }
}

fn errno(e: std::io::Error, op: &str, path: &str) -> HostError {
    let code = match e.kind() {
        std::io::ErrorKind::NotFound => "ENOENT",
        std::io::ErrorKind::PermissionDenied => "EACCES",
        std::io::ErrorKind::AlreadyExists => "EEXIST",
        _ => "EIO",
    };
    HostError::new(format!("{code}: {e}, {op} '{path}'"))
}

fn write_stdio(_: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let bytes = data(call.arg(1));
    let result = match fd_of(call, 0)? {
        1 => std::io::stdout().lock().write_all(&bytes).and_then(|()| std::io::stdout().flush()),
        2 => std::io::stderr().lock().write_all(&bytes),
        fd => return Err(HostError::new(format!("EBADF: host.write takes 1 or 2, got {fd}"))),
    };
    result.map_err(|e| HostError::new(format!("EPIPE: {e}")))?;
    Ok(HostValue::Number(bytes.len() as f64))
}

fn isatty(_: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    Ok(HostValue::Bool(match fd_of(call, 0)? {
        0 => std::io::stdin().is_terminal(),
        1 => std::io::stdout().is_terminal(),
        2 => std::io::stderr().is_terminal(),
        _ => false,
    }))
}

fn exit(state: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let code = call.arg(0).as_f64().unwrap_or(0.0) as i32;
    *state.exit_code.lock().unwrap_or_else(|e| e.into_inner()) = Some(code);
    Err(HostError::new(EXIT_MARKER))
}

/// The message of the error `process.exit` throws to unwind the script.
pub const EXIT_MARKER: &str = "polysnap: process.exit";

fn close(state: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let fd = fd_of(call, 0)?;
    state
        .files()
        .remove(&fd)
        .map(|_| HostValue::Undefined)
        .ok_or_else(|| HostError::new(format!("EBADF: bad file descriptor {fd}, close")))
}

fn set_policy(state: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let fd = fd_of(call, 0)?;
    let policy = match call.arg(1).as_str() {
        Some("error") => FilePolicy::Error,
        Some("reopen") => FilePolicy::Reopen,
        Some("close") => FilePolicy::Close,
        other => {
            return Err(HostError::new(format!(
                "fs.snapshotPolicy(fd, policy) expects 'error', 'reopen' or 'close', got {other:?}"
            )))
        }
    };
    let mut files = state.files();
    let open = files.get_mut(&fd).ok_or_else(|| HostError::new(format!("EBADF: bad file descriptor {fd}")))?;
    open.policy = Some(policy);
    Ok(HostValue::Undefined)
}

fn with_file<T>(state: &HostState, fd: u32, f: impl FnOnce(&mut File) -> std::io::Result<T>) -> Result<T, HostError> {
    let mut files = state.files();
    let open = files.get_mut(&fd).ok_or_else(|| HostError::new(format!("EBADF: bad file descriptor {fd}")))?;
    let path = open.path.display().to_string();
    f(&mut open.file).map_err(|e| errno(e, "fd", &path))
}

fn read(state: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let fd = fd_of(call, 0)?;
    let length = call.arg(1).as_f64().unwrap_or(65536.0).max(0.0) as usize;
    let position = call.arg(2).as_f64();
    with_file(state, fd, |file| {
        if let Some(p) = position {
            file.seek(SeekFrom::Start(p as u64))?;
        }
        let mut buf = vec![0; length];
        let n = file.read(&mut buf)?;
        buf.truncate(n);
        Ok(HostValue::Bytes(buf))
    })
}

fn write(state: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let fd = fd_of(call, 0)?;
    let bytes = data(call.arg(1));
    let position = call.arg(2).as_f64();
    with_file(state, fd, |file| {
        if let Some(p) = position {
            file.seek(SeekFrom::Start(p as u64))?;
        }
        file.write_all(&bytes)?;
        Ok(HostValue::Number(bytes.len() as f64))
    })
}

fn read_file(_: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let path = string(call, 0)?;
    let bytes = std::fs::read(&path).map_err(|e| errno(e, "open", &path))?;
    match call.arg(1).as_str() {
        Some(_) => Ok(HostValue::String(String::from_utf8_lossy(&bytes).into_owned())),
        None => Ok(HostValue::Bytes(bytes)),
    }
}

fn write_file(_: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let path = string(call, 0)?;
    std::fs::write(&path, data(call.arg(1))).map_err(|e| errno(e, "open", &path))?;
    Ok(HostValue::Undefined)
}

fn stat(_: &HostState, call: &HostCall) -> Result<HostValue, HostError> {
    let path = string(call, 0)?;
    Ok(match std::fs::metadata(&path) {
        Ok(m) => HostValue::Object(vec![
            ("isFile".into(), m.is_file().into()),
            ("isDirectory".into(), m.is_dir().into()),
            ("size".into(), HostValue::Number(m.len() as f64)),
        ]),
        Err(_) => HostValue::Null,
    })
}
