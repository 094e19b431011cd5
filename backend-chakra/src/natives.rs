//! Native functions and the trampoline table that lets them survive a snapshot.
//!
//! ChakraCore's TTD snapshot saves a native function by name only; it inflates as a stub
//! that aborts the process when called ("TTD assert failed: This should never be reached
//! in pure replay mode!!!"). So JavaScript must never be able to hold a native function:
//!
//! * the *table* — a null-prototype object mapping each native's key (the 16 hex digits of
//!   its [`StableId`] hash) to the engine function that calls into Rust — is a variable
//!   private to the bootstrap closure; no script can read it;
//! * the global `__polysnap_natives` (non-enumerable, read-only binding) maps each
//!   native's full dotted name (`"fs.open"`) to a plain JS *trampoline*,
//!   `function () { return apply(table[key], this, arguments); }`, where `apply` is the
//!   pristine `Reflect.apply` captured before any user script ran (so patching
//!   `Function.prototype.apply` or `Reflect.apply` can neither break nor leak it);
//! * the global `__polysnap_bind(key, fn, fullName)` (non-enumerable, read-only binding)
//!   is the host's write-only door into the table: it sets `table[key] = fn` and adds the
//!   trampoline if the name has none; called with no arguments it returns the keys.
//!
//! Scripts may copy trampolines anywhere (aliases, closures, objects); the snapshot keeps
//! them as ordinary JS functions. After inflation the host calls `__polysnap_bind` to put
//! a fresh native function, found by StableId, under every key; keys nobody provides get
//! a function that throws a readable `Error` instead of the aborting stub.
//!
//! # Wrapped objects (ObjectWrap)
//!
//! External objects cannot carry a [`Wrapped`](snapshot_core::Wrapped) through a snapshot
//! (TTD inflates them with their data pointer NULL), so the same closure keeps a private
//! `WeakMap` from each wrapped object to its *tag* — 32 hex digits: the type's
//! [`StableId`] hash, then the handle — and three private functions:
//! `create(tag)` (a new `{}` registered under `tag`), `lookup(object)` (its tag or
//! `undefined`) and `reopen()`. The pristine `WeakMap.prototype.get`/`set` and
//! `Reflect.apply` are captured before any script runs, so patching them neither breaks
//! nor leaks the map. Scripts see a wrapped object as an ordinary empty object: the tag
//! is in no property (own, symbol or inherited) and cannot be forged, since only
//! `create` adds to the map.
//!
//! The host reaches the functions through the global `__polysnap_wrap()` (non-enumerable,
//! read-only binding), a door that opens **once**: the first call returns
//! `[create, lookup, reopen]` and closes it; later calls return `undefined`. The host
//! calls it right after the bootstrap, before any script runs, in fresh, recording and
//! inflated heaps alike, and keeps the functions (`JsAddRef`). Because the door's state is
//! part of the heap, [`Recorder::capture`](crate::Recorder::capture) calls `reopen()` just
//! before `JsTTDStart` takes the snapshot (and closes the door again right after), so every
//! heap inflated from it starts with the door open for its own host, and only for it.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::c_void;
use std::rc::Rc;
use std::sync::Arc;

use snapshot_core::{HostCall, HostFunction, HostValue, StableId};

use crate::convert::{self, Handles, WrapBridge};
use crate::error::ChakraError;
use crate::jsrt::Value;
use crate::sys::{JsValueRef, JsValueType, Jsrt};

/// Global holding the host's write-only binder into the private table.
pub const BIND_GLOBAL: &str = "__polysnap_bind";
/// Global holding the trampolines (full dotted name → JS function).
pub const NATIVES_GLOBAL: &str = "__polysnap_natives";
/// Global holding the once-open door through which the host gets the private wrap
/// functions (see the module documentation).
pub const WRAP_GLOBAL: &str = "__polysnap_wrap";

/// A native function to expose to JavaScript (the engine-neutral spec every backend takes).
pub use snapshot_core::NativeSpec;

/// The table key for `id`: its hash as 16 lowercase hex digits.
pub fn table_key(id: StableId) -> String {
    format!("{:016x}", id.hash())
}

/// What an engine native function calls (the `callbackState` of the function).
pub(crate) struct NativeSlot {
    jsrt: Arc<Jsrt>,
    id: StableId,
    name: String,
    /// `None`: the snapshot referenced this native but nothing implements it now.
    func: Option<HostFunction>,
    handles: Rc<RefCell<Handles>>,
}

/// A native function named `name` that dispatches to `slot`.
///
/// `slot` must stay at its address until the runtime is disposed; the engine state
/// (`engine.rs`) keeps every slot boxed and drops them after disposal.
#[allow(unsafe_code)]
fn create_function(jsrt: &Jsrt, name: &str, slot: &NativeSlot) -> Result<Value, ChakraError> {
    let state = slot as *const NativeSlot as *mut c_void;
    // SAFETY: `native_function_shim` has the header's `JsNativeFunction` signature, catches
    // panics and reads `state` only as the `NativeSlot` it is, which outlives the runtime
    // (see above).
    unsafe { jsrt.create_native_function(name, native_function_shim, state) }
}

/// `JsNativeFunction` for every native the backend creates.
#[allow(unsafe_code)]
unsafe extern "C" fn native_function_shim(
    _callee: JsValueRef,
    _is_construct_call: bool,
    arguments: *mut JsValueRef,
    argument_count: u16,
    callback_state: *mut c_void,
) -> JsValueRef {
    if callback_state.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `callback_state` is the `NativeSlot` given to `create_function`, alive until
    // the runtime is disposed (so during any call).
    let slot = unsafe { &*(callback_state as *const NativeSlot) };
    // SAFETY: the engine passes null or `argument_count` live values (this first), on its
    // stack for the whole call.
    let args = unsafe { Value::slice_from_raw(arguments, usize::from(argument_count)) };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| dispatch(slot, args)));
    match result {
        Ok(Some(v)) => v.raw(),
        Ok(None) => std::ptr::null_mut(),
        Err(_) => {
            slot.jsrt.throw_error("a polysnap native function panicked; see stderr");
            std::ptr::null_mut()
        }
    }
}

/// Runs a native call: converts `this` (a wrapped object as its `Wrapped`, other objects
/// as a handle) and the arguments, calls the host function, converts the result. On
/// failure throws an `Error` into the engine and returns `None`. Handles given out for the
/// call are released when it returns.
fn dispatch(slot: &NativeSlot, args: &[Value]) -> Option<Value> {
    let jsrt = &*slot.jsrt;
    let Some(func) = &slot.func else {
        jsrt.throw_error(&format!(
            "native `{}` ({}) is referenced by the restored snapshot but was not provided when \
             restoring; pass a NativeSpec with this id to Runtime::inflate",
            slot.name, slot.id
        ));
        return None;
    };
    // Handles made for this call (arguments, receiver) live until it returns.
    let mark = slot.handles.borrow().mark();
    let result = call_host(jsrt, slot, func, args);
    slot.handles.borrow_mut().release_from(jsrt, mark);
    result
}

fn call_host(jsrt: &Jsrt, slot: &NativeSlot, func: &HostFunction, args: &[Value]) -> Option<Value> {
    let convert_all = || -> Result<HostCall, ChakraError> {
        let this = match args.first() {
            Some(v) => convert::receiver_to_host(jsrt, &slot.handles, *v)?,
            None => HostValue::Undefined,
        };
        let args = args.iter().skip(1).map(|v| convert::to_host(jsrt, &slot.handles, *v)).collect::<Result<_, _>>()?;
        Ok(HostCall { this, args })
    };
    let call = match convert_all() {
        Ok(call) => call,
        Err(e) => {
            jsrt.throw_error(&format!("{}: could not convert the arguments: {e}", slot.name));
            return None;
        }
    };
    match func(&call) {
        Ok(result) => match convert::from_host(jsrt, &slot.handles, &result) {
            Ok(v) => Some(v),
            Err(e) => {
                jsrt.throw_error(&format!("{}: could not convert the result: {e}", slot.name));
                None
            }
        },
        Err(e) => {
            jsrt.throw_error(&e.message);
            None
        }
    }
}

/// Script run in every runtime: in a fresh or recording heap creates the private table,
/// the private wrap map and its functions, `__polysnap_natives`, `__polysnap_bind` and
/// `__polysnap_wrap`; in an inflated heap finds `__polysnap_bind`. Returns
/// `__polysnap_bind`. Property descriptors have no prototype, so a patched
/// `Object.prototype` cannot change them.
const BOOTSTRAP: &str = r#"(function (global) {
  'use strict';
  if (typeof global.__polysnap_bind === 'function') { return global.__polysnap_bind; }
  var table = Object.create(null);
  var natives = Object.create(null);
  var apply = Reflect.apply;
  var defineProperty = Object.defineProperty;
  var keys = Object.keys;
  var wraps = new WeakMap();
  var weakGet = WeakMap.prototype.get;
  var weakSet = WeakMap.prototype.set;
  var wrapDoorOpen = true;
  function create(tag) { var o = {}; apply(weakSet, wraps, [o, tag]); return o; }
  function lookup(o) { return apply(weakGet, wraps, [o]); }
  function reopen() { wrapDoorOpen = true; }
  function wrapDoor() {
    if (!wrapDoorOpen) { return undefined; }
    wrapDoorOpen = false;
    return [create, lookup, reopen];
  }
  function makeTrampoline(key, shortName) {
    var trampoline = function () { return apply(table[key], this, arguments); };
    defineProperty(trampoline, 'name', { __proto__: null, value: shortName, configurable: true });
    return trampoline;
  }
  function bind(key, fn, fullName) {
    if (arguments.length === 0) { return keys(table); }
    table[key] = fn;
    if (typeof fullName === 'string' && natives[fullName] === undefined) {
      var shortName = fullName.slice(fullName.lastIndexOf('.') + 1);
      defineProperty(natives, fullName, { __proto__: null, value: makeTrampoline(key, shortName), enumerable: true, writable: false, configurable: false });
    }
    return true;
  }
  defineProperty(global, '__polysnap_natives', { __proto__: null, value: natives, enumerable: false, writable: false, configurable: false });
  defineProperty(global, '__polysnap_bind', { __proto__: null, value: bind, enumerable: false, writable: false, configurable: false });
  defineProperty(global, '__polysnap_wrap', { __proto__: null, value: wrapDoor, enumerable: false, writable: false, configurable: false });
  return bind;
})(this)"#;

/// Checks that ids and names are unique.
pub(crate) fn validate(specs: &[NativeSpec]) -> Result<(), ChakraError> {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for s in specs {
        if s.name.is_empty() {
            return Err(ChakraError::Usage(format!(
                "native {} has an empty name; expected a dotted name such as \"fs.open\"",
                s.id
            )));
        }
        if !ids.insert(s.id.hash()) {
            return Err(ChakraError::Usage(format!(
                "two natives share the id {} (key {}); expected one NativeSpec per StableId",
                s.id,
                table_key(s.id)
            )));
        }
        if !names.insert(s.name.as_str()) {
            return Err(ChakraError::Usage(format!(
                "two natives share the name `{}`; expected unique dotted names",
                s.name
            )));
        }
    }
    Ok(())
}

/// Opens the wrap door (see the module documentation) and keeps the private wrap
/// functions in `handles`. A heap without the door (inflated from a snapshot made before
/// wrapped objects existed) gets no bridge: its objects are never wrapped, and creating
/// one is a conversion error saying to re-make the snapshot. A closed door means a script
/// or a capture outside [`Recorder::capture`](crate::Recorder::capture) got there first.
fn connect_wrap_bridge(jsrt: &Jsrt, handles: &RefCell<Handles>) -> Result<(), ChakraError> {
    let door = jsrt.get(jsrt.global()?, WRAP_GLOBAL)?;
    match jsrt.value_type(door)? {
        JsValueType::FUNCTION => {}
        JsValueType::UNDEFINED => return Ok(()),
        other => {
            return Err(ChakraError::Ttd {
                step: "install natives",
                detail: format!(
                    "expected the global `{WRAP_GLOBAL}` to be the bootstrap's function, found a value of type \
                     {other:?}; the heap was not set up by backend-chakra: re-make the snapshot"
                ),
            })
        }
    }
    let fns = jsrt.call(door, jsrt.undefined()?, &[])?;
    if jsrt.value_type(fns)? != JsValueType::ARRAY {
        return Err(ChakraError::Ttd {
            step: "install natives",
            detail: format!(
                "expected `{WRAP_GLOBAL}()` to hand the host the wrap functions, found its door closed; the \
                 snapshot was taken while a host held them (not by Recorder::capture): re-make it with \
                 Recorder::capture"
            ),
        });
    }
    let bridge = WrapBridge {
        create: jsrt.get_index(fns, 0)?,
        lookup: jsrt.get_index(fns, 1)?,
        reopen: jsrt.get_index(fns, 2)?,
    };
    handles.borrow_mut().set_bridge(jsrt, bridge)
}

/// Reopens the wrap door so that the next `__polysnap_wrap()` hands the functions out
/// (called just before the snapshot is taken); a no-op without a bridge.
pub(crate) fn reopen_wrap_door(jsrt: &Jsrt, handles: &RefCell<Handles>) -> Result<(), ChakraError> {
    let Some(bridge) = handles.borrow().bridge() else { return Ok(()) };
    jsrt.call(bridge.reopen, jsrt.undefined()?, &[]).map(drop)
}

/// Closes the wrap door again after the snapshot (this host already holds the functions).
pub(crate) fn close_wrap_door(jsrt: &Jsrt, handles: &RefCell<Handles>) -> Result<(), ChakraError> {
    if handles.borrow().bridge().is_none() {
        return Ok(());
    }
    let door = jsrt.get(jsrt.global()?, WRAP_GLOBAL)?;
    jsrt.call(door, jsrt.undefined()?, &[]).map(drop)
}

/// Installs `specs` in the current context: runs the bootstrap, binds a fresh native
/// function under each key (adding trampolines for new names), and (for an inflated
/// heap) binds throwing functions under keys nobody provides. Returns those keys.
///
/// The slots are pushed into `slots`, which must outlive the runtime.
#[allow(clippy::vec_box)] // each slot must keep its address: the engine holds pointers to it
pub(crate) fn install(
    jsrt: &Arc<Jsrt>,
    handles: &Rc<RefCell<Handles>>,
    slots: &RefCell<Vec<Box<NativeSlot>>>,
    specs: Vec<NativeSpec>,
    source_context: usize,
) -> Result<Vec<String>, ChakraError> {
    validate(&specs)?;
    let bind = jsrt.run(BOOTSTRAP, source_context, "polysnap:natives-bootstrap.js")?;
    let undefined = jsrt.undefined()?;
    connect_wrap_bridge(jsrt, handles)?;
    let existing_keys = jsrt.call(bind, undefined, &[])?;
    let len = jsrt.to_f64(jsrt.get(existing_keys, "length")?)? as u32;
    let existing = (0..len)
        .map(|i| jsrt.get_index(existing_keys, i).and_then(|k| jsrt.read_string(k)))
        .collect::<Result<Vec<_>, _>>()?;

    let mut provided = HashSet::new();
    for spec in specs {
        let key = table_key(spec.id);
        provided.insert(key.clone());
        let short = spec.name.rsplit('.').next().unwrap_or(&spec.name).to_owned();
        let slot = Box::new(NativeSlot {
            jsrt: jsrt.clone(),
            id: spec.id,
            name: spec.name.clone(),
            func: Some(spec.func),
            handles: handles.clone(),
        });
        let function = create_function(jsrt, &short, &slot)?;
        slots.borrow_mut().push(slot);
        let key_value = jsrt.string(&key)?;
        let name_value = jsrt.string(&spec.name)?;
        jsrt.call(bind, undefined, &[key_value, function, name_value])?;
    }

    let mut missing = Vec::new();
    for key in existing {
        if provided.contains(&key) {
            continue;
        }
        let id = u64::from_str_radix(&key, 16).map(StableId::from_hash).ok();
        let name = id.map_or_else(|| key.clone(), |id| id.to_string());
        let slot = Box::new(NativeSlot {
            jsrt: jsrt.clone(),
            id: id.unwrap_or_else(|| StableId::from_hash(0)),
            name: name.clone(),
            func: None,
            handles: handles.clone(),
        });
        let function = create_function(jsrt, &name, &slot)?;
        slots.borrow_mut().push(slot);
        let key_value = jsrt.string(&key)?;
        jsrt.call(bind, undefined, &[key_value, function])?;
        missing.push(key);
    }
    Ok(missing)
}
