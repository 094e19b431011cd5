//! The neutral host-value model and the host-function signature.
//!
//! Host functions are written once against these types and run on every backend; each
//! backend converts between its engine's values and [`HostValue`].

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A JavaScript value as the host sees it, independent of any engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub enum HostValue {
    /// `undefined`.
    #[default]
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (every JS number is an f64).
    Number(f64),
    /// A string.
    String(String),
    /// The bytes of an ArrayBuffer or of a typed-array view (copied).
    Bytes(Vec<u8>),
    /// An array, converted element by element.
    Array(Vec<HostValue>),
    /// A plain object's own enumerable properties, in property order.
    Object(Vec<(String, HostValue)>),
    /// An opaque handle to an engine object the host does not look inside.
    Handle(OpaqueHandle),
    /// A native struct's JavaScript face (ObjectWrap): see [`Wrapped`].
    Wrapped(Wrapped),
}

/// A native struct's JavaScript face (ObjectWrap). A host function that returns one gets a
/// JS object the engine creates and scripts cannot look inside or forge; when that object
/// comes back into a host function (as an argument or as `this`) it arrives as the same
/// `Wrapped`. It carries the wrapped type and the number under which the host keeps the
/// struct (see `polysnap::wrap::WrapStore`), and both survive a snapshot with the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Wrapped {
    /// The wrapped native type (`fs.FileHandle`).
    pub type_id: crate::StableId,
    /// The number the host keeps the struct under.
    pub handle: u64,
}

/// An engine object kept alive by a backend for the host, named by a number the backend gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OpaqueHandle(pub u64);

impl HostValue {
    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HostValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number inside, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            HostValue::Number(n) => Some(*n),
            _ => None,
        }
    }
}

impl From<&str> for HostValue {
    fn from(s: &str) -> Self {
        HostValue::String(s.to_owned())
    }
}
impl From<String> for HostValue {
    fn from(s: String) -> Self {
        HostValue::String(s)
    }
}
impl From<f64> for HostValue {
    fn from(n: f64) -> Self {
        HostValue::Number(n)
    }
}
impl From<bool> for HostValue {
    fn from(b: bool) -> Self {
        HostValue::Bool(b)
    }
}

/// One call of a host function from JavaScript.
#[derive(Debug, Default)]
pub struct HostCall {
    /// The receiver (`this`), converted.
    pub this: HostValue,
    /// The arguments, converted.
    pub args: Vec<HostValue>,
}

impl HostCall {
    /// Argument `index`, or `undefined` when absent (as in JavaScript).
    pub fn arg(&self, index: usize) -> &HostValue {
        const UNDEFINED: HostValue = HostValue::Undefined;
        self.args.get(index).unwrap_or(&UNDEFINED)
    }

    /// Argument `index` as a Rust value, or an error that JavaScript receives as a thrown
    /// `TypeError`-like `Error` naming the argument, what was expected and what was found:
    /// `let a: f64 = call.arg_as(0)?;`.
    pub fn arg_as<T: FromHostValue>(&self, index: usize) -> Result<T, HostError> {
        T::from_host_value(self.arg(index)).map_err(|expected| {
            HostError::new(format!(
                "argument {index}: expected {expected}, found {}; pass {expected}",
                self.arg(index).kind_name()
            ))
        })
    }
}

/// A Rust type a host function can take an argument as ([`HostCall::arg_as`]).
pub trait FromHostValue: Sized {
    /// The value as `Self`, or what was expected (`"a number"`).
    fn from_host_value(value: &HostValue) -> Result<Self, &'static str>;
}

impl FromHostValue for f64 {
    fn from_host_value(value: &HostValue) -> Result<f64, &'static str> {
        match value {
            HostValue::Number(n) => Ok(*n),
            _ => Err("a number"),
        }
    }
}

impl FromHostValue for bool {
    fn from_host_value(value: &HostValue) -> Result<bool, &'static str> {
        match value {
            HostValue::Bool(b) => Ok(*b),
            _ => Err("a boolean"),
        }
    }
}

impl FromHostValue for String {
    fn from_host_value(value: &HostValue) -> Result<String, &'static str> {
        match value {
            HostValue::String(s) => Ok(s.clone()),
            _ => Err("a string"),
        }
    }
}

impl FromHostValue for Vec<u8> {
    fn from_host_value(value: &HostValue) -> Result<Vec<u8>, &'static str> {
        match value {
            HostValue::Bytes(bytes) => Ok(bytes.clone()),
            _ => Err("an ArrayBuffer or a typed array"),
        }
    }
}

impl FromHostValue for HostValue {
    fn from_host_value(value: &HostValue) -> Result<HostValue, &'static str> {
        Ok(value.clone())
    }
}

/// `undefined` and `null` are `None`; anything else must be a `T`.
impl<T: FromHostValue> FromHostValue for Option<T> {
    fn from_host_value(value: &HostValue) -> Result<Option<T>, &'static str> {
        match value {
            HostValue::Undefined | HostValue::Null => Ok(None),
            other => T::from_host_value(other).map(Some),
        }
    }
}

impl HostValue {
    /// What kind of value this is, as an error message names it (`a string "x"`, `a number`).
    pub fn kind_name(&self) -> String {
        match self {
            HostValue::Undefined => "undefined".to_owned(),
            HostValue::Null => "null".to_owned(),
            HostValue::Bool(b) => format!("the boolean {b}"),
            HostValue::Number(n) => format!("the number {n}"),
            HostValue::String(s) if s.chars().count() <= 20 => format!("the string {s:?}"),
            HostValue::String(_) => "a string".to_owned(),
            HostValue::Bytes(b) => format!("{} bytes", b.len()),
            HostValue::Array(items) => format!("an array of {}", items.len()),
            HostValue::Object(_) => "an object".to_owned(),
            HostValue::Handle(_) => "an object (handle)".to_owned(),
            HostValue::Wrapped(_) => "a wrapped native object".to_owned(),
        }
    }
}

/// An error a host function throws into JavaScript (as an `Error` with this message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    /// The message of the thrown `Error`.
    pub message: String,
}

impl HostError {
    /// A thrown `Error` with `message`.
    pub fn new(message: impl Into<String>) -> HostError {
        HostError { message: message.into() }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HostError {}

/// The engine-neutral signature of a native function.
pub type HostFunction = Arc<dyn Fn(&HostCall) -> Result<HostValue, HostError> + Send + Sync>;

/// An uncaught JavaScript exception, as every backend reports it through
/// [`ScriptHost`](crate::ScriptHost) (so hosts can tell a script's error from an engine's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsException {
    /// `String(error)`: `TypeError: x is not a function`.
    pub message: String,
    /// The stack, when the engine gave one.
    pub stack: Option<String>,
}

impl fmt::Display for JsException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.stack {
            Some(stack) if stack.contains(&self.message) => f.write_str(stack),
            Some(stack) => write!(f, "{}\n{stack}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for JsException {}
