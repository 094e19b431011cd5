// polysnap's `snapshot` global, modelled on Node's v8.startupSnapshot. Installed before the
// setup scripts run, so it is part of every snapshot; the host drives it through
// `__polysnap_host` (not for user code) at capture and at restore.
(function (global) {
  "use strict";
  var building = true;
  var main;
  var serializeCallbacks = [];
  var identityNames = [];
  var pendingContexts = [];
  // The globals that exist before any setup script (the determinism digest skips them).
  var baseline = Object.getOwnPropertyNames(global).concat(["snapshot", "__polysnap_host"]);
  var identityObjects = [];
  var deserializeCallbacks = [];

  function requireFunction(fn, what) {
    if (typeof fn !== "function") {
      throw new TypeError("snapshot." + what + " expects a function, got " + (fn === null ? "null" : typeof fn));
    }
  }
  function requireBuilding(what) {
    if (!building) {
      throw new Error("snapshot." + what + " can only be called while a snapshot is being built " +
        "(guard it with snapshot.isBuilding())");
    }
  }
  function runAll(callbacks) {
    for (var i = 0; i < callbacks.length; i++) callbacks[i][0].call(undefined, callbacks[i][1]);
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
      serializeCallbacks.push([fn, data]);
    },
    addDeserializeCallback: function (fn, data) {
      requireFunction(fn, "addDeserializeCallback");
      requireBuilding("addDeserializeCallback");
      deserializeCallbacks.push([fn, data]);
    },
    // The identity map: an object bound under a dotted name (`app.config`) is found again
    // after restore by that name here, or by its stable id from the host.
    bind: function (name, object) {
      if (typeof name !== "string" || !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(name)) {
        throw new TypeError("snapshot.bind expects a dotted name such as 'app.config', got " + String(name));
      }
      if (object === null || (typeof object !== "object" && typeof object !== "function")) {
        throw new TypeError("snapshot.bind('" + name + "', …) expects an object, got " + (object === null ? "null" : typeof object));
      }
      requireBuilding("bind");
      if (identityNames.indexOf(name) >= 0) throw new Error("identity '" + name + "' is already bound: each name names one object");
      identityNames.push(name);
      identityObjects.push(object);
    },
    lookup: function (name) {
      var i = identityNames.indexOf(name);
      return i < 0 ? undefined : identityObjects[i];
    },
    // A named context, set up by `source` in a new global scope and captured beside this
    // one, where the engine can (V8); `polysnap run --context NAME` runs scripts in it.
    createContext: function (name, source) {
      if (typeof name !== "string" || name === "") throw new TypeError("snapshot.createContext expects a name");
      if (typeof source !== "string") throw new TypeError("snapshot.createContext('" + name + "', source) expects the source of its setup script");
      requireBuilding("createContext");
      for (var i = 0; i < pendingContexts.length; i++) {
        if (pendingContexts[i][0] === name) throw new Error("context '" + name + "' is already created");
      }
      pendingContexts.push([name, source]);
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
    identityNames: function () { return JSON.stringify(identityNames); },
    identityAt: function (slot) { return identityObjects[slot]; },
    baseline: function () { return JSON.stringify(baseline); },
    // The contexts snapshot.createContext asked for, in order, for the host to create.
    pendingContexts: function () { return JSON.stringify(pendingContexts); },
    runMain: function (args) { return main.apply(undefined, args || []); }
  };

  Object.defineProperty(global, "snapshot", { value: Object.freeze(api), enumerable: false, configurable: true });
  Object.defineProperty(global, "__polysnap_host", { value: Object.freeze(host), enumerable: false });
})(this);
