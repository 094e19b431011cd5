//! The raw JSRT layer: the types, constants and callback signatures of the headers, and
//! the [`Jsrt`] function table resolved from `libChakraCore.so` when it is opened.
//!
//! Declarations follow `lib/Jsrt/ChakraCommon.h`, `ChakraCore.h` and `ChakraDebug.h` of
//! chakra-core/ChakraCore at tag v1.11.24 (the build shipped by pyChakraCore 0.2.0). On
//! Linux `CHAKRA_CALLBACK` and `CHAKRA_API` use the C calling convention, every JSRT
//! enum is an `int`-sized C enum and `bool` is C `_Bool`.
//!
//! Nothing outside this module declares a foreign function, and this module knows nothing
//! of the rest of the crate (it names no path into it): `jsrt`, the safe layer, calls
//! through the fields of [`Jsrt`] inside its own documented `unsafe` blocks.
#![allow(non_snake_case)]
#![allow(unsafe_code)]

use std::ffi::{c_char, c_void};
use std::fmt;
use std::path::{Path, PathBuf};

/// Why [`Jsrt::open`] failed (the backend's error type turns it into its own, with advice).
#[derive(Debug, thiserror::Error)]
pub(crate) enum LoadError {
    /// The library file could not be loaded.
    #[error("could not load {path}: {source}")]
    Open {
        /// The file tried.
        path: PathBuf,
        /// The loader's error.
        source: libloading::Error,
    },
    /// The library lacks a function of the table.
    #[error("{path} does not export `{symbol}`: {source}")]
    MissingSymbol {
        /// The library file.
        path: PathBuf,
        /// The missing function.
        symbol: &'static str,
        /// The loader's error.
        source: libloading::Error,
    },
}

pub(crate) type JsRef = *mut c_void;
/// `JsValueRef`: a JavaScript value.
pub(crate) type JsValueRef = JsRef;
/// `JsContextRef`: a script context (a realm with its own global object).
pub(crate) type JsContextRef = JsRef;
/// `JsPropertyIdRef`: an interned property name or symbol.
pub(crate) type JsPropertyIdRef = JsRef;
/// `JsRuntimeHandle`: a runtime (heap, thread binding, TTD state).
pub(crate) type JsRuntimeHandle = *mut c_void;
/// `JsSourceContext` (`uintptr_t` on Linux): a host cookie naming a script.
pub(crate) type JsSourceContext = usize;
/// `JsTTDStreamHandle`: a host stream handed to the TTD stream callbacks.
pub(crate) type JsTTDStreamHandle = *mut c_void;

/// `JsRuntimeAttributeDisableBackgroundWork`: no background GC or JIT threads. Always set:
/// without it the process aborted at exit in 6–65 % of runs ("The futex facility
/// returned an unexpected error code").
pub(crate) const JS_RUNTIME_ATTRIBUTE_DISABLE_BACKGROUND_WORK: u32 = 0x1;
/// `JsParseScriptAttributeNone`.
pub(crate) const JS_PARSE_SCRIPT_ATTRIBUTE_NONE: u32 = 0x0;
/// `JsTTDMoveNone`.
pub(crate) const JS_TTD_MOVE_NONE: u32 = 0x0;

/// `JsValueType`, the type tag returned by `JsGetValueType`.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct JsValueType(pub(crate) u32);

impl JsValueType {
    /// `undefined`.
    pub const UNDEFINED: JsValueType = JsValueType(0);
    /// `null`.
    pub const NULL: JsValueType = JsValueType(1);
    /// A number.
    pub const NUMBER: JsValueType = JsValueType(2);
    /// A string.
    pub const STRING: JsValueType = JsValueType(3);
    /// A boolean.
    pub const BOOLEAN: JsValueType = JsValueType(4);
    /// An object that is none of the more specific kinds below.
    pub const OBJECT: JsValueType = JsValueType(5);
    /// A function.
    pub const FUNCTION: JsValueType = JsValueType(6);
    /// An `Error` instance.
    pub const ERROR: JsValueType = JsValueType(7);
    /// An `Array`.
    pub const ARRAY: JsValueType = JsValueType(8);
    /// A `Symbol`.
    pub const SYMBOL: JsValueType = JsValueType(9);
    /// An `ArrayBuffer`.
    pub const ARRAY_BUFFER: JsValueType = JsValueType(10);
    /// A typed array (`Uint8Array`, ...).
    pub const TYPED_ARRAY: JsValueType = JsValueType(11);
    /// A `DataView`.
    pub const DATA_VIEW: JsValueType = JsValueType(12);
}

/// `JsErrorCode`, the status every JSRT call returns.
///
/// Kept as the raw number (the engine may return codes this build does not list); the
/// associated constants name the ones the backend acts on, [`JsErrorCode::name`] and
/// [`JsErrorCode::description`] give readable text for all codes of v1.11.24.
///
/// `pub` (not `pub(crate)`, unlike the rest of this module) because the public
/// `ChakraError::Engine` carries one.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct JsErrorCode(pub u32);

impl JsErrorCode {
    /// `JsNoError`.
    pub const NO_ERROR: JsErrorCode = JsErrorCode(0);
    /// `JsErrorInExceptionState`: a script exception is pending and must be cleared first.
    pub const IN_EXCEPTION_STATE: JsErrorCode = JsErrorCode(0x10004);
    /// `JsErrorBadSerializedScript`: `JsRunSerialized` refused the bytecode's header.
    pub const BAD_SERIALIZED_SCRIPT: JsErrorCode = JsErrorCode(0x10008);
    /// `JsErrorScriptException`: the script threw; the exception is pending.
    pub const SCRIPT_EXCEPTION: JsErrorCode = JsErrorCode(0x30001);
    /// `JsErrorScriptCompile`: the script did not parse; a `SyntaxError` is pending.
    pub const SCRIPT_COMPILE: JsErrorCode = JsErrorCode(0x30002);

    /// True for `JsNoError`.
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// The header's name of the code (`"JsErrorScriptException"`), or `"unknown"`.
    pub fn name(self) -> &'static str {
        self.info().0
    }

    /// What the code means and, where it helps, what usually causes it.
    pub fn description(self) -> &'static str {
        self.info().1
    }

    fn info(self) -> (&'static str, &'static str) {
        match self.0 {
            0 => ("JsNoError", "success"),
            0x10000 => ("JsErrorCategoryUsage", "the API was used incorrectly"),
            0x10001 => ("JsErrorInvalidArgument", "an argument was invalid"),
            0x10002 => ("JsErrorNullArgument", "a required argument was null"),
            0x10003 => ("JsErrorNoCurrentContext", "the call needs a current script context and none is set"),
            0x10004 => (
                "JsErrorInExceptionState",
                "a script exception is pending and must be cleared before calling into the engine",
            ),
            0x10005 => ("JsErrorNotImplemented", "the API is not implemented by this build"),
            0x10006 => ("JsErrorWrongThread", "the runtime is in use on another thread"),
            0x10007 => {
                ("JsErrorRuntimeInUse", "the runtime is still running script (re-entrant dispose or context switch)")
            }
            0x10008 => ("JsErrorBadSerializedScript", "the serialized script is corrupt or from another engine build"),
            0x10009 => ("JsErrorInDisabledState", "script execution is disabled on this runtime"),
            0x1000A => ("JsErrorCannotDisableExecution", "the runtime was not created with script interrupt allowed"),
            0x1000B => ("JsErrorHeapEnumInProgress", "a heap enumeration is in progress"),
            0x1000C => ("JsErrorArgumentNotObject", "the argument must be an object"),
            0x1000D => ("JsErrorInProfileCallback", "the call is not allowed inside a profile callback"),
            0x1000E => ("JsErrorInThreadServiceCallback", "the call is not allowed inside a thread service callback"),
            0x1000F => ("JsErrorCannotSerializeDebugScript", "scripts cannot be serialized while debugging"),
            0x10010 => ("JsErrorAlreadyDebuggingContext", "the context is already being debugged"),
            0x10011 => ("JsErrorAlreadyProfilingContext", "the context is already being profiled"),
            0x10012 => ("JsErrorIdleNotEnabled", "idle processing is not enabled on this runtime"),
            0x10013 => ("JsCannotSetProjectionEnqueueCallback", "cannot set the projection enqueue callback"),
            0x10014 => ("JsErrorCannotStartProjection", "cannot start projection"),
            0x10015 => (
                "JsErrorInObjectBeforeCollectCallback",
                "the call is not allowed inside an object-before-collect callback",
            ),
            0x10016 => ("JsErrorObjectNotInspectable", "the object is not inspectable"),
            0x10017 => ("JsErrorPropertyNotSymbol", "the property id is not a symbol"),
            0x10018 => ("JsErrorPropertyNotString", "the property id is not a string"),
            0x10019 => ("JsErrorInvalidContext", "the context is invalid (wrong runtime, or disposed)"),
            0x1001A => ("JsInvalidModuleHostInfoKind", "invalid module host info kind"),
            0x1001B => ("JsErrorModuleParsed", "the module was already parsed"),
            0x1001C => ("JsNoWeakRefRequired", "no weak reference is required: the value is not garbage collected"),
            0x1001D => ("JsErrorPromisePending", "the promise is still pending"),
            0x1001E => ("JsErrorModuleNotEvaluated", "the module is not evaluated yet"),
            0x20000 => ("JsErrorCategoryEngine", "internal engine error"),
            0x20001 => ("JsErrorOutOfMemory", "the engine ran out of memory"),
            0x20002 => ("JsErrorBadFPUState", "the floating-point unit is in an unexpected state"),
            0x30000 => ("JsErrorCategoryScript", "a script error"),
            0x30001 => ("JsErrorScriptException", "the script threw an exception"),
            0x30002 => ("JsErrorScriptCompile", "the script failed to compile"),
            0x30003 => ("JsErrorScriptTerminated", "the script was terminated by JsDisableRuntimeExecution"),
            0x30004 => ("JsErrorScriptEvalDisabled", "eval is disabled on this runtime"),
            0x40000 => ("JsErrorCategoryFatal", "fatal engine error"),
            0x40001 => ("JsErrorFatal", "fatal engine error; the runtime is no longer usable"),
            0x40002 => ("JsErrorWrongRuntime", "the object belongs to another runtime"),
            0x50000 => ("JsErrorCategoryDiagError", "debugger error"),
            0x50001 => ("JsErrorDiagAlreadyInDebugMode", "the runtime is already in debug mode"),
            0x50002 => ("JsErrorDiagNotInDebugMode", "the runtime is not in debug mode"),
            0x50003 => ("JsErrorDiagNotAtBreak", "the call needs the debugger to be paused at a break"),
            0x50004 => ("JsErrorDiagInvalidHandle", "the debugger object handle is invalid"),
            0x50005 => ("JsErrorDiagObjectNotFound", "the debugger object was not found"),
            0x50006 => (
                "JsErrorDiagUnableToPerformAction",
                "the debugger cannot perform this action now (for TTD: not paused in a debugger)",
            ),
            _ => ("unknown", "an error code this build of the backend does not know"),
        }
    }
}

impl fmt::Display for JsErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (0x{:05x}: {})", self.name(), self.0, self.description())
    }
}

impl fmt::Debug for JsErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(0x{:05x})", self.name(), self.0)
    }
}

/// `JsNativeFunction`: a host function called from JavaScript. `arguments[0]` is `this`.
pub(crate) type JsNativeFunction = unsafe extern "C" fn(
    callee: JsValueRef,
    is_construct_call: bool,
    arguments: *mut JsValueRef,
    argument_count: u16,
    callback_state: *mut c_void,
) -> JsValueRef;

/// `JsPromiseContinuationCallback`: the engine hands the host a job to run later.
pub(crate) type JsPromiseContinuationCallback = unsafe extern "C" fn(task: JsValueRef, callback_state: *mut c_void);

/// `TTDOpenResourceStreamCallback`: opens `uri` + `asciiResourceName` for reading or writing.
pub(crate) type TTDOpenResourceStreamCallback = unsafe extern "C" fn(
    uri_length: usize,
    uri: *const c_char,
    ascii_name_length: usize,
    ascii_resource_name: *const c_char,
    read: bool,
    write: bool,
) -> JsTTDStreamHandle;

/// `JsTTDReadBytesFromStreamCallback`.
pub(crate) type JsTTDReadBytesFromStreamCallback =
    unsafe extern "C" fn(handle: JsTTDStreamHandle, buff: *mut u8, size: usize, read_count: *mut usize) -> bool;

/// `JsTTDWriteBytesToStreamCallback`.
pub(crate) type JsTTDWriteBytesToStreamCallback =
    unsafe extern "C" fn(handle: JsTTDStreamHandle, buff: *const u8, size: usize, written_count: *mut usize) -> bool;

/// `JsTTDFlushAndCloseStreamCallback`.
pub(crate) type JsTTDFlushAndCloseStreamCallback =
    unsafe extern "C" fn(handle: JsTTDStreamHandle, read: bool, write: bool);

/// `JsSerializedLoadScriptCallback`: the engine asks for the source of a script run from
/// bytecode (`JsRunSerialized`), lazily, whenever it first needs it (`toString` of a
/// function, ...), possibly long after the run; `source_context` is the cookie given to
/// `JsRunSerialized`.
pub(crate) type JsSerializedLoadScriptCallback =
    unsafe extern "C" fn(source_context: JsSourceContext, value: *mut JsValueRef, parse_attributes: *mut u32) -> bool;

/// `JsFinalizeCallback`: called when an external object or buffer is collected.
pub(crate) type JsFinalizeCallback = Option<unsafe extern "C" fn(data: *mut c_void)>;

/// `JsThreadServiceCallback`; the backend always passes `None` (background work is disabled).
pub(crate) type JsThreadServiceCallback =
    Option<unsafe extern "C" fn(callback: *mut c_void, callback_state: *mut c_void) -> bool>;

macro_rules! jsrt_table {
    ($( $(#[$doc:meta])* $name:ident ( $($arg:ident : $ty:ty),* $(,)? ); )*) => {
        /// The JSRT functions the backend calls, resolved from one loaded `libChakraCore.so`
        /// (ash-style: one field per function, all resolved when the library is opened).
        ///
        /// The table owns the [`libloading::Library`]; the safe layer shares it through an
        /// `Arc<Jsrt>` held by every object that can call into the engine, so the code
        /// behind these pointers stays mapped while any of them is alive.
        pub(crate) struct Jsrt {
            path: PathBuf,
            _library: libloading::Library,
            $( $(#[$doc])* pub(crate) $name: unsafe extern "C" fn($($arg: $ty),*) -> JsErrorCode, )*
        }

        impl Jsrt {
            /// Opens the library at `path` and resolves every function of the table.
            ///
            /// A symbol the library lacks is an error naming it.
            pub(crate) fn open(path: &Path) -> Result<Jsrt, LoadError> {
                // SAFETY: loading runs the library's ELF initialisers. libChakraCore.so's
                // initialisers only set up its own globals (it depends on libc, libm,
                // libpthread, libdl and libgcc_s alone); the caller picked the file.
                let library = unsafe { libloading::Library::new(path) }
                    .map_err(|source| LoadError::Open { path: path.to_owned(), source })?;
                $(
                    // SAFETY: the symbol is a JSRT export whose C signature (ChakraCore
                    // v1.11.24 headers) is the one written in this table; the copied
                    // function pointer is only called while `_library` (stored in the same
                    // struct) keeps the code mapped.
                    let $name = unsafe {
                        *library
                            .get::<unsafe extern "C" fn($($ty),*) -> JsErrorCode>(
                                concat!(stringify!($name), "\0").as_bytes(),
                            )
                            .map_err(|source| LoadError::MissingSymbol {
                                path: path.to_owned(),
                                symbol: stringify!($name),
                                source,
                            })?
                    };
                )*
                Ok(Jsrt { path: path.to_owned(), _library: library, $( $name, )* })
            }
        }

        /// Names of every function in [`Jsrt`], in table order.
        pub(crate) const JSRT_FUNCTIONS: &[&str] = &[$( stringify!($name) ),*];
    };
}

jsrt_table! {
    /// `JsCreateRuntime(attributes, threadService, *runtime)`.
    JsCreateRuntime(attributes: u32, thread_service: JsThreadServiceCallback, runtime: *mut JsRuntimeHandle);
    /// `JsDisposeRuntime(runtime)`.
    JsDisposeRuntime(runtime: JsRuntimeHandle);
    /// `JsCollectGarbage(runtime)`.
    JsCollectGarbage(runtime: JsRuntimeHandle);
    /// `JsGetRuntimeMemoryUsage(runtime, *usage)`.
    JsGetRuntimeMemoryUsage(runtime: JsRuntimeHandle, usage: *mut usize);
    /// `JsCreateContext(runtime, *context)`.
    JsCreateContext(runtime: JsRuntimeHandle, context: *mut JsContextRef);
    /// `JsSetCurrentContext(context)`; null clears it.
    JsSetCurrentContext(context: JsContextRef);
    /// `JsGetCurrentContext(*context)`.
    JsGetCurrentContext(context: *mut JsContextRef);
    /// `JsAddRef(ref, *count)`.
    JsAddRef(reference: JsRef, count: *mut u32);
    /// `JsRelease(ref, *count)`.
    JsRelease(reference: JsRef, count: *mut u32);
    /// `JsGetGlobalObject(*global)`.
    JsGetGlobalObject(global: *mut JsValueRef);
    /// `JsGetUndefinedValue(*value)`.
    JsGetUndefinedValue(value: *mut JsValueRef);
    /// `JsGetNullValue(*value)`.
    JsGetNullValue(value: *mut JsValueRef);
    /// `JsBoolToBoolean(bool, *value)`.
    JsBoolToBoolean(b: bool, value: *mut JsValueRef);
    /// `JsBooleanToBool(value, *bool)`.
    JsBooleanToBool(value: JsValueRef, b: *mut bool);
    /// `JsGetValueType(value, *type)`.
    JsGetValueType(value: JsValueRef, value_type: *mut JsValueType);
    /// `JsDoubleToNumber(double, *value)`.
    JsDoubleToNumber(d: f64, value: *mut JsValueRef);
    /// `JsNumberToDouble(value, *double)`.
    JsNumberToDouble(value: JsValueRef, d: *mut f64);
    /// `JsConvertValueToString(value, *string)` (runs `toString`, may throw).
    JsConvertValueToString(value: JsValueRef, string: *mut JsValueRef);
    /// `JsGetStringLength(string, *length)` in UTF-16 code units.
    JsGetStringLength(string: JsValueRef, length: *mut i32);
    /// `JsCreateString(utf8, length, *value)`.
    JsCreateString(content: *const c_char, length: usize, value: *mut JsValueRef);
    /// `JsCopyStringUtf16(value, start, length, *buffer, *written)`.
    JsCopyStringUtf16(value: JsValueRef, start: i32, length: i32, buffer: *mut u16, written: *mut usize);
    /// `JsCreatePropertyId(utf8, length, *id)`.
    JsCreatePropertyId(name: *const c_char, length: usize, id: *mut JsPropertyIdRef);
    /// `JsGetProperty(object, id, *value)`.
    JsGetProperty(object: JsValueRef, id: JsPropertyIdRef, value: *mut JsValueRef);
    /// `JsSetProperty(object, id, value, useStrictRules)`.
    JsSetProperty(object: JsValueRef, id: JsPropertyIdRef, value: JsValueRef, use_strict_rules: bool);
    /// `JsGetOwnPropertyNames(object, *array)` (string keys, enumerable or not).
    JsGetOwnPropertyNames(object: JsValueRef, names: *mut JsValueRef);
    /// `JsGetOwnPropertyDescriptor(object, id, *descriptor)`.
    JsGetOwnPropertyDescriptor(object: JsValueRef, id: JsPropertyIdRef, descriptor: *mut JsValueRef);
    /// `JsGetIndexedProperty(object, index, *value)`.
    JsGetIndexedProperty(object: JsValueRef, index: JsValueRef, value: *mut JsValueRef);
    /// `JsSetIndexedProperty(object, index, value)`.
    JsSetIndexedProperty(object: JsValueRef, index: JsValueRef, value: JsValueRef);
    /// `JsGetPrototype(object, *prototype)`.
    JsGetPrototype(object: JsValueRef, prototype: *mut JsValueRef);
    /// `JsStrictEquals(a, b, *result)`.
    JsStrictEquals(a: JsValueRef, b: JsValueRef, result: *mut bool);
    /// `JsCreateObject(*object)`.
    JsCreateObject(object: *mut JsValueRef);
    /// `JsCreateArray(length, *array)`.
    JsCreateArray(length: u32, array: *mut JsValueRef);
    /// `JsCreateArrayBuffer(byteLength, *buffer)`.
    JsCreateArrayBuffer(byte_length: u32, buffer: *mut JsValueRef);
    /// `JsGetArrayBufferStorage(buffer, *data, *length)`.
    JsGetArrayBufferStorage(buffer: JsValueRef, data: *mut *mut u8, length: *mut u32);
    /// `JsGetTypedArrayStorage(array, *data, *length, *type, *elementSize)`.
    JsGetTypedArrayStorage(array: JsValueRef, data: *mut *mut u8, length: *mut u32, array_type: *mut u32, element_size: *mut i32);
    /// `JsGetDataViewStorage(view, *data, *length)`.
    JsGetDataViewStorage(view: JsValueRef, data: *mut *mut u8, length: *mut u32);
    /// `JsCallFunction(function, arguments (this first), count, *result)`.
    JsCallFunction(function: JsValueRef, arguments: *mut JsValueRef, count: u16, result: *mut JsValueRef);
    /// `JsCreateNamedFunction(name, native, state, *function)`.
    JsCreateNamedFunction(name: JsValueRef, native: JsNativeFunction, state: *mut c_void, function: *mut JsValueRef);
    /// `JsCreateError(message, *error)`.
    JsCreateError(message: JsValueRef, error: *mut JsValueRef);
    /// `JsSetException(exception)`.
    JsSetException(exception: JsValueRef);
    /// `JsGetAndClearException(*exception)`.
    JsGetAndClearException(exception: *mut JsValueRef);
    /// `JsRun(script, sourceContext, sourceUrl, parseAttributes, *result)`.
    JsRun(script: JsValueRef, source_context: JsSourceContext, source_url: JsValueRef, attributes: u32, result: *mut JsValueRef);
    /// `JsCreateExternalArrayBuffer(data, byteLength, finalizeCallback, callbackState, *buffer)`:
    /// an `ArrayBuffer` over host memory (not copied; the host keeps it alive).
    JsCreateExternalArrayBuffer(data: *mut c_void, byte_length: u32, finalize: JsFinalizeCallback, callback_state: *mut c_void, buffer: *mut JsValueRef);
    /// `JsSerialize(script, *buffer, parseAttributes)`: parses `script` (a string or an
    /// `ArrayBuffer` of UTF-8, or UTF-16 with the attribute) without running it and returns
    /// its bytecode in a new `ArrayBuffer`.
    JsSerialize(script: JsValueRef, buffer: *mut JsValueRef, parse_attributes: u32);
    /// `JsRunSerialized(buffer, scriptLoadCallback, sourceContext, sourceUrl, *result)`: runs
    /// bytecode from `JsSerialize`. The engine detaches `buffer` and keeps its bytes until
    /// every function made from them is collected; it checks only the bytecode header.
    JsRunSerialized(buffer: JsValueRef, load_source: JsSerializedLoadScriptCallback, source_context: JsSourceContext, source_url: JsValueRef, result: *mut JsValueRef);
    /// `JsSetPromiseContinuationCallback(callback, state)`.
    JsSetPromiseContinuationCallback(callback: Option<JsPromiseContinuationCallback>, state: *mut c_void);
    /// `JsTTDCreateRecordRuntime(attributes, enableDebugging, snapInterval, snapHistoryLength, open, write, close, threadService, *runtime)`.
    JsTTDCreateRecordRuntime(
        attributes: u32,
        enable_debugging: bool,
        snap_interval: usize,
        snap_history_length: usize,
        open: TTDOpenResourceStreamCallback,
        write: JsTTDWriteBytesToStreamCallback,
        close: JsTTDFlushAndCloseStreamCallback,
        thread_service: JsThreadServiceCallback,
        runtime: *mut JsRuntimeHandle,
    );
    /// `JsTTDCreateReplayRuntime(attributes, infoUri, infoUriCount, enableDebugging, open, read, close, threadService, *runtime)`.
    JsTTDCreateReplayRuntime(
        attributes: u32,
        info_uri: *const c_char,
        info_uri_count: usize,
        enable_debugging: bool,
        open: TTDOpenResourceStreamCallback,
        read: JsTTDReadBytesFromStreamCallback,
        close: JsTTDFlushAndCloseStreamCallback,
        thread_service: JsThreadServiceCallback,
        runtime: *mut JsRuntimeHandle,
    );
    /// `JsTTDCreateContext(runtime, useRuntimeTTDMode, *context)`.
    JsTTDCreateContext(runtime: JsRuntimeHandle, use_runtime_ttd_mode: bool, context: *mut JsContextRef);
    /// `JsTTDStart()`: in a record runtime, takes the snapshot.
    JsTTDStart();
    /// `JsTTDPauseTimeTravelBeforeRuntimeOperation()`: after it, calls run live.
    JsTTDPauseTimeTravelBeforeRuntimeOperation();
    /// `JsTTDGetSnapShotBoundInterval(runtime, targetEventTime, *startSnap, *endSnap)`.
    JsTTDGetSnapShotBoundInterval(runtime: JsRuntimeHandle, target_event_time: i64, start_snap_time: *mut i64, end_snap_time: *mut i64);
    /// `JsTTDPreExecuteSnapShotInterval(runtime, startSnap, endSnap, moveMode, *newTargetEventTime)`: inflates.
    JsTTDPreExecuteSnapShotInterval(runtime: JsRuntimeHandle, start_snap_time: i64, end_snap_time: i64, move_mode: u32, new_target_event_time: *mut i64);
}

impl Jsrt {
    /// The file this table was loaded from.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Debug for Jsrt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jsrt").field("path", &self.path).field("functions", &JSRT_FUNCTIONS.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_read_well() {
        assert_eq!(JsErrorCode(0x10001).to_string(), "JsErrorInvalidArgument (0x10001: an argument was invalid)");
        assert_eq!(JsErrorCode::SCRIPT_EXCEPTION.name(), "JsErrorScriptException");
        assert_eq!(JsErrorCode(0x50006).name(), "JsErrorDiagUnableToPerformAction");
        assert_eq!(JsErrorCode(0x1234567).name(), "unknown");
    }
}
