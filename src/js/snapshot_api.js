// polysnap's `snapshot` global, modelled on Node's v8.startupSnapshot. Installed before the
// setup scripts run, so it is part of every snapshot; the host drives it through
// `__polysnap_host` (not for user code) at capture and at restore.
//
// Like the host runtime, it keeps the builtins it uses from before any setup script, and
// writes what it hands the host as JSON itself.
(function (global) {
  "use strict";
  var apply = Reflect.apply, freeze = Object.freeze, defineProperty = Object.defineProperty;
  var TypeErr = TypeError, NewError = Error, fromCharCode = String.fromCharCode;
  var charCodeAt = String.prototype.charCodeAt, arrayJoin = Array.prototype.join, arrayMap = Array.prototype.map;
  var numberToString = Number.prototype.toString, strSlice = String.prototype.slice;
  function indexOf(list, value) { for (var i = 0; i < list.length; i++) if (list[i] === value) return i; return -1; }
  function add(list, value) { list[list.length] = value; }
  function json(value) {
    if (typeof value === "string") {
      var out = "\"";
      for (var i = 0; i < value.length; i++) {
        var c = apply(charCodeAt, value, [i]);
        out += c === 0x22 ? "\\\"" : c === 0x5c ? "\\\\" : c < 0x20
          ? "\\u" + apply(strSlice, "000" + apply(numberToString, c, [16]), [-4]) : fromCharCode(c);
      }
      return out + "\"";
    }
    return "[" + apply(arrayJoin, apply(arrayMap, value, [function (v) { return json(v); }]), [","]) + "]";
  }
  function isDottedName(name) {
    var parts = 0, start = true;
    for (var i = 0; i < name.length; i++) {
      var c = apply(charCodeAt, name, [i]);
      var letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
      if (c === 46) { if (start) return false; start = true; parts++; continue; }
      if (!letter && !(c >= 48 && c <= 57 && !start)) return false;
      start = false;
    }
    return name.length > 0 && !start;
  }
  var building = true;
  var main;
  var serializeCallbacks = [];
  var identityNames = [];
  var pendingContexts = [];
  var identityObjects = [];
  var deserializeCallbacks = [];

  function requireFunction(fn, what) {
    if (typeof fn !== "function") {
      throw new TypeErr("snapshot." + what + " expects a function, got " + (fn === null ? "null" : typeof fn));
    }
  }
  function requireBuilding(what) {
    if (!building) {
      throw new NewError("snapshot." + what + " can only be called while a snapshot is being built " +
        "(guard it with snapshot.isBuilding())");
    }
  }
  function runAll(callbacks) {
    for (var i = 0; i < callbacks.length; i++) apply(callbacks[i][0], undefined, [callbacks[i][1]]);
  }

  var api = {
    isBuilding: function () { return building; },
    setMain: function (fn) {
      requireFunction(fn, "setMain");
      requireBuilding("setMain");
      main = fn;
    },
    addSerializeCallback: function (fn, data) {
      requireFunction(fn, "addSerializeCallback");
      requireBuilding("addSerializeCallback");
      add(serializeCallbacks, [fn, data]);
    },
    addDeserializeCallback: function (fn, data) {
      requireFunction(fn, "addDeserializeCallback");
      requireBuilding("addDeserializeCallback");
      add(deserializeCallbacks, [fn, data]);
    },
    // The identity map: an object bound under a dotted name (`app.config`) is found again
    // after restore by that name here, or by its stable id from the host.
    bind: function (name, object) {
      if (typeof name !== "string" || !isDottedName(name)) {
        throw new TypeErr("snapshot.bind expects a dotted name such as 'app.config', got " + String(name));
      }
      if (object === null || (typeof object !== "object" && typeof object !== "function")) {
        throw new TypeErr("snapshot.bind('" + name + "', …) expects an object, got " + (object === null ? "null" : typeof object));
      }
      requireBuilding("bind");
      if (indexOf(identityNames, name) >= 0) throw new NewError("identity '" + name + "' is already bound: each name names one object");
      add(identityNames, name);
      add(identityObjects, object);
    },
    lookup: function (name) {
      var i = indexOf(identityNames, name);
      return i < 0 ? undefined : identityObjects[i];
    },
    // A named context, set up by `source` in a new global scope and captured beside this
    // one, where the engine can (V8); `polysnap run --context NAME` runs scripts in it.
    createContext: function (name, source) {
      if (typeof name !== "string" || name === "") throw new TypeErr("snapshot.createContext expects a name");
      if (typeof source !== "string") throw new TypeErr("snapshot.createContext('" + name + "', source) expects the source of its setup script");
      requireBuilding("createContext");
      for (var i = 0; i < pendingContexts.length; i++) {
        if (pendingContexts[i][0] === name) throw new NewError("context '" + name + "' is already created");
      }
      add(pendingContexts, [name, source]);
    }
  };

  var host = {
    // A runtime without a snapshot: nothing is being built.
    markFresh: function () { building = false; },
    // Just before capture: the serialize callbacks, in the order they were added.
    beforeCapture: function () { runAll(serializeCallbacks); },
    // Just after restore: no longer building; the deserialize callbacks, in order.
    afterRestore: function () { building = false; runAll(deserializeCallbacks); },
    hasMain: function () { return typeof main === "function"; },
    // The identity map's names in slot order, for the snapshot's identity section.
    identityNames: function () { return json(identityNames); },
    identityAt: function (slot) { return identityObjects[slot]; },
    // The contexts snapshot.createContext asked for, in order, for the host to create.
    pendingContexts: function () { return json(pendingContexts); },
    runMain: function (args) { return apply(main, undefined, args || []); }
  };

  defineProperty(global, "snapshot", { __proto__: null, value: freeze(api), enumerable: false, configurable: true });
  defineProperty(global, "__polysnap_host", { __proto__: null, value: freeze(host), enumerable: false });
})(this);
