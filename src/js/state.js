// polysnap's state reader: what scripts can observe from the global object, as one line per
// value, "path<TAB>value", in a fixed walk order (own keys in order, then the prototype, then
// the internal contents of Maps, Sets, Dates, RegExps, buffers and boxed primitives). `make`
// reads it right before capture and again right after a restore of what it captured: the two
// must be equal, and the first line that differs names the path and both values. The
// code-cache strategy compares two fresh runs with it.
//
// Installed before any setup script, with every builtin it uses taken then (primordials), so
// a setup that replaces `JSON.stringify`, `Reflect.ownKeys` or `Map.prototype.forEach`
// cannot change what it reports. It never calls a getter, `toJSON`, `valueOf` or
// `toString` of user code: accessors are reported as their functions, and internal state is
// read through the builtins' own brand-checking accessors. It cannot see into closures,
// promise states or proxies' targets (a proxy is read through its traps); what it could not
// read is reported as such, never thrown. Internal slots are read for objects that inherit
// from the builtin's prototype (a Map whose prototype was set to null is read as an object).
//
// The builtins present at install have fixed names (`%Array.prototype%`), whatever path
// reaches them first, so that an engine that adds a builtin after restore adds it at a path
// known in advance.
//
// The result is one string: the lines, then one line per finding, "\u0001hazard\tPATH\tWHY",
// "\u0001uncovered\tPATH\tWHY" or "\u0001lost\tPATH\tKIND" (an object of a kind the engine
// declares it loses: `Map Iterator`, `Set Iterator`, `String Iterator`, `Intl`,
// `WebAssembly`, `DataView`, `ErrorStack`).
(function (global) {
  "use strict";
  var apply = Reflect.apply, ownKeys = Reflect.ownKeys, getDesc = Object.getOwnPropertyDescriptor;
  var getProto = Object.getPrototypeOf, isExtensible = Object.isExtensible, create = Object.create;
  var isSealed = Object.isSealed, isFrozen = Object.isFrozen, isArray = Array.isArray, is = Object.is;
  var hasOwn = Object.prototype.hasOwnProperty, NativeMap = Map, mapProto = Map.prototype, setProto = Set.prototype;
  var mapGet = mapProto.get, mapSet = mapProto.set, mapForEach = mapProto.forEach, setForEach = setProto.forEach;
  var fnToString = Function.prototype.toString, symbolToString = Symbol.prototype.toString;
  var fromCharCode = String.fromCharCode, charCodeAt = String.prototype.charCodeAt;
  var strSlice = String.prototype.slice, numberToString = Number.prototype.toString;
  var strIndexOf = String.prototype.indexOf, strSplit = String.prototype.split;
  var NativeError = Error, join = Array.prototype.join, imul = Math.imul, abs = Math.abs, U8 = Uint8Array, MAX_VALUE = Number.MAX_VALUE;

  function getter(proto, name) { var d = proto && getDesc(proto, name); return d && d.get; }
  var typedArrayProto = getProto(U8.prototype);
  var dataViewProto = typeof DataView === "function" ? DataView.prototype : null;
  var brands = {
    mapSize: getter(mapProto, "size"), setSize: getter(setProto, "size"),
    bufferLength: getter(ArrayBuffer.prototype, "byteLength"),
    typedArrayTag: getter(typedArrayProto, Symbol.toStringTag),
    typedArrayBuffer: getter(typedArrayProto, "buffer"), typedArrayOffset: getter(typedArrayProto, "byteOffset"),
    typedArrayLength: getter(typedArrayProto, "byteLength"),
    dataViewBuffer: getter(dataViewProto, "buffer"), dataViewOffset: getter(dataViewProto, "byteOffset"),
    dataViewLength: getter(dataViewProto, "byteLength"),
    regexpSource: getter(RegExp.prototype, "source"), dateTime: Date.prototype.getTime,
    numberValue: Number.prototype.valueOf, stringValue: String.prototype.valueOf,
    booleanValue: Boolean.prototype.valueOf, symbolValue: Symbol.prototype.valueOf
  };
  // The engine's own `stack` accessor on errors (ChakraCore has one per error, V8 a data
  // property): called as a builtin, it is no user code.
  var stackGetter = (function () { var d = getDesc(new Error("probe"), "stack"); return d && d.get; })();
  // Objects known by their prototype (no brand check reaches them without changing them).
  var kindsByPrototype = new NativeMap();
  function kind(name, proto) { if (proto) apply(mapSet, kindsByPrototype, [proto, name]); }
  kind("Map Iterator", getProto(new Map().entries()));
  kind("Set Iterator", getProto(new Set().values()));
  kind("String Iterator", getProto(""[Symbol.iterator]()));
  if (typeof Intl === "object" && Intl) {
    var intlNames = Object.getOwnPropertyNames(Intl);
    for (var n = 0; n < intlNames.length; n++) {
      var ctor = getDesc(Intl, intlNames[n]);
      if (ctor && typeof ctor.value === "function" && ctor.value.prototype) kind("Intl", ctor.value.prototype);
    }
  }
  if (typeof WebAssembly === "object" && WebAssembly) {
    ["Module", "Instance", "Memory", "Table", "Global"].forEach(function (name) {
      if (typeof WebAssembly[name] === "function") kind("WebAssembly", WebAssembly[name].prototype);
    });
  }
  var flagNames = ["global", "ignoreCase", "multiline", "dotAll", "unicode", "sticky", "hasIndices"];
  var regexpFlags = list();
  for (var f = 0; f < flagNames.length; f++) {
    var flagGetter = getter(RegExp.prototype, flagNames[f]);
    if (typeof flagGetter === "function") add(regexpFlags, [flagNames[f], flagGetter]);
  }

  // Lists that no setup can reach: no prototype, so no inherited setter or method runs.
  function list() { var l = create(null); l.length = 0; return l; }
  function add(l, value) { l[l.length++] = value; }
  function own(object, key) { return apply(hasOwn, object, [key]); }

  // The builtins, by fixed name: each global's value (`%Array%`) and its prototype
  // (`%Array.prototype%`), the hidden %TypedArray% and Array.prototype's unscopables.
  var intrinsics = list();
  // A backend's build-time stand-in for a builtin is no builtin (it leaves before capture).
  var standInsAtInstall = getDesc(global, "__polysnap_stand_ins");
  function isInstalledStandIn(value) {
    return standInsAtInstall !== undefined && own(standInsAtInstall, "value") && standInsAtInstall.value.isStandIn(value);
  }
  function intrinsic(name, value) {
    if (value === null || (typeof value !== "object" && typeof value !== "function") || isInstalledStandIn(value)) return;
    add(intrinsics, [name, value]);
  }
  var globalNames = Object.getOwnPropertyNames(global);
  for (var g = 0; g < globalNames.length; g++) {
    var name = globalNames[g], d = getDesc(global, name);
    if (apply(strSlice, name, [0, 11]) === "__polysnap_" || !d || !own(d, "value") || d.value === global) continue;
    if (isInstalledStandIn(d.value)) continue;
    intrinsic("%" + name + "%", d.value);
    var proto = typeof d.value === "function" && getDesc(d.value, "prototype");
    if (proto && own(proto, "value")) intrinsic("%" + name + ".prototype%", proto.value);
  }
  intrinsic("%TypedArray%", getProto(U8));
  intrinsic("%TypedArray.prototype%", typedArrayProto);
  intrinsic("%Array.prototype%[Symbol(Symbol.unscopables)]", Array.prototype[Symbol.unscopables]);

  // Calls a builtin accessor or method on `value` as its brand check: `{ value }`, or
  // `undefined` when `value` is not of that kind.
  function brand(fn, value) {
    if (typeof fn !== "function") return undefined;
    try { return { value: apply(fn, value, []) }; } catch (e) { return undefined; }
  }
  // `charCodeAt(text, i)` without a lookup or an arguments array per call (hot: hashing).
  var charCode = Function.prototype.bind.call(Function.prototype.call, String.prototype.charCodeAt);
  // The builtin prototypes whose instances have internal slots the reader shows, so that
  // only an object inheriting from one of them is brand-checked (a thrown brand check per
  // object would cost more than the rest of the walk).
  var families = new NativeMap();
  function family(name, proto) { if (proto) apply(mapSet, families, [proto, name]); }
  family("Map", mapProto); family("Set", setProto); family("Date", Date.prototype);
  family("RegExp", RegExp.prototype); family("ArrayBuffer", ArrayBuffer.prototype);
  family("TypedArray", typedArrayProto); family("DataView", dataViewProto);
  family("Number", Number.prototype); family("String", String.prototype);
  family("Boolean", Boolean.prototype); family("Symbol", Symbol.prototype);
  function familyOf(value) {
    var proto = getProto(value);
    for (var depth = 0; proto !== null && depth < 32; depth++) {
      var name = apply(mapGet, families, [proto]);
      if (name !== undefined) return name;
      proto = getProto(proto);
    }
    return undefined;
  }
  function hex(n, width) { return apply(strSlice, "0000000" + apply(numberToString, n, [16]), [-width]); }
  function hash(text) {
    var h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (var i = 0; i < text.length; i++) {
      var c = charCode(text, i);
      h1 = imul(h1 ^ c, 2654435761);
      h2 = imul(h2 ^ c, 1597334677);
    }
    return hex(h2 >>> 0, 8) + hex(h1 >>> 0, 8);
  }
  // Printable ASCII as is, everything else as \uXXXX (lone surrogates included).
  function escape(text, limit) {
    var out = list(), n = text.length < limit ? text.length : limit;
    for (var i = 0; i < n; i++) {
      var c = apply(charCodeAt, text, [i]);
      add(out, c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? fromCharCode(c) : "\\u" + hex(c, 4));
    }
    return apply(join, out, [""]);
  }
  function string(text) {
    if (text.length <= 200) return "\"" + escape(text, 200) + "\"";
    return "string of " + text.length + " chars, hash " + hash(text) + ": \"" + escape(text, 40) + "...\"";
  }
  function number(value) { return is(value, -0) ? "-0" : "" + value; }
  function isDigit(c) { return c >= 48 && c <= 57; }
  function isWordChar(c, first) {
    return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || (!first && isDigit(c));
  }
  function isIndex(key) {
    if (key.length === 0 || key.length > 10 || (key.length > 1 && apply(charCodeAt, key, [0]) === 48)) return false;
    for (var i = 0; i < key.length; i++) if (!isDigit(apply(charCodeAt, key, [i]))) return false;
    return true;
  }
  function isIdentifier(key) {
    if (key.length === 0) return false;
    for (var i = 0; i < key.length; i++) if (!isWordChar(apply(charCodeAt, key, [i]), i === 0)) return false;
    return true;
  }
  function keyPath(path, key) {
    if (typeof key === "symbol") return path + "[" + apply(symbolToString, key, []) + "]";
    if (isIndex(key)) return path + "[" + key + "]";
    if (isIdentifier(key)) return path + "." + key;
    return path + "[" + string(key) + "]";
  }
  function functionText(fn) {
    var source;
    try { source = apply(fnToString, fn, []); } catch (e) { return "function, source unreadable"; }
    if (source.length <= 120) return "function " + string(source);
    // Nested functions repeat their outer function's text: its ends and length stand for it.
    var sample = source.length <= 2048 ? source
      : apply(strSlice, source, [0, 1024]) + apply(strSlice, source, [source.length - 1024]);
    return "function of " + source.length + " chars, hash " + hash(sample) + ": " + string(apply(strSlice, source, [0, 60]));
  }

  // options: { skip: "name,name" (globals left out), limit, maxMagnitude, maxMagnitudeWhy,
  //            lastIndexWhy, mustStayExtensible: "%Name%,…", mustStayExtensibleWhy }
  // The global object's own string keys, one per line (cheap: what a restore added to it is
  // found without a whole reading).
  read.globalKeys = function () {
    var keys = ownKeys(global), out = list();
    for (var i = 0; i < keys.length; i++) if (typeof keys[i] === "string") add(out, keys[i]);
    return apply(join, out, ["\n"]);
  };
  return read;

  function read(options) {
    function opt(name) { return own(options, name) ? options[name] : undefined; }
    var lines = list(), findings = list(), seen = new NativeMap();
    var limit = opt("limit") || 4000000, skipped = create(null), skip = apply(strSplit, opt("skip") || "", [","]);
    for (var s = 0; s < skip.length; s++) skipped[skip[s]] = true;
    for (var i = 0; i < intrinsics.length; i++) apply(mapSet, seen, [intrinsics[i][1], intrinsics[i][0]]);

    var maxMagnitude = opt("maxMagnitude"), lastIndexWhy = opt("lastIndexWhy"), standInWhy = opt("standInWhy");
    var standIns = getDesc(global, "__polysnap_stand_ins");
    var isStandIn = standInWhy && standIns && own(standIns, "value") ? standIns.value.isStandIn : undefined;
    var lostKinds = create(null), lostList = apply(strSplit, opt("lostKinds") || "", [","]);
    for (var l = 0; l < lostList.length; l++) if (lostList[l]) lostKinds[lostList[l]] = true;
    // An object of a kind the engine declares lost: a finding, and its internals left out
    // on both sides (what is left of it after a restore is compared as any object).
    function lost(path, kindName) {
      if (!lostKinds[kindName]) return false;
      finding("lost", path, kindName);
      return true;
    }
    // Past the limit, one last line `path\t...` (where the walk stopped) and nothing more.
    function line(path, text) {
      if (lines.length < limit) return add(lines, path + "\t" + text);
      if (lines.length > limit) return;
      finding("uncovered", path, "the walk stopped after " + limit + " values" + (opt("limitWhy") ? " (" + opt("limitWhy") + ")" : ""));
      add(lines, path + "\t...");
    }
    function finding(kind, path, why) { add(findings, "\u0001" + kind + "\t" + path + "\t" + why); }
    function checkNumber(path, value) {
      // Number.MAX_VALUE itself is recorded fine by the one engine with such a limit
      // (ChakraCore, measured); -MAX_VALUE is not.
      if (maxMagnitude && abs(value) >= maxMagnitude && abs(value) !== Infinity && value !== MAX_VALUE) {
        finding("hazard", path, opt("maxMagnitudeWhy"));
      }
    }
    function describe(e) {
      var d = e !== null && typeof e === "object" ? getDesc(e, "message") : undefined;
      return d && own(d, "value") && typeof d.value === "string" ? d.value : "a thrown " + typeof e;
    }
    function visit(path, value) {
      if (lines.length >= limit) return line(path, "...");
      var type = typeof value;
      if (value === null || type === "undefined" || type === "boolean") return line(path, "" + value);
      if (type === "number") { checkNumber(path, value); return line(path, number(value)); }
      if (type === "string") return line(path, string(value));
      if (type === "bigint") return line(path, "bigint " + value);
      if (type === "symbol") return line(path, apply(symbolToString, value, []));
      var first = apply(mapGet, seen, [value]);
      if (first !== undefined) return line(path, "= " + first);
      apply(mapSet, seen, [value, path]);
      contents(path, value);
    }
    function contents(path, value) {
      try {
        visitObject(path, value);
      } catch (e) {
        finding("uncovered", path, "could not be read: " + describe(e));
        line(path, "unreadable");
      }
    }
    function userFormatsStacks() {
      var d = getDesc(NativeError, "prepareStackTrace");
      return d !== undefined && (!own(d, "value") || typeof d.value === "function");
    }
    function integrity(value) {
      if (isFrozen(value)) return "frozen";
      if (isSealed(value)) return "sealed";
      return isExtensible(value) ? "extensible" : "not extensible";
    }
    function visitObject(path, value) {
      if (typeof value === "function" && isStandIn && isStandIn(value)) finding("hazard", path, standInWhy);
      var kind = typeof value === "function" ? functionText(value) : (isArray(value) ? "array" : "object");
      line(path, kind + ", " + integrity(value));
      // Instances are objects, never functions (ChakraCore's WebAssembly.Module constructor
      // inherits from its own prototype).
      var known = typeof value === "function" ? undefined : apply(mapGet, kindsByPrototype, [getProto(value)]);
      if (known !== undefined) lost(path, known);
      var view = visitInternals(path, value);
      var keys = ownKeys(value);
      for (var i = 0; i < keys.length && lines.length <= limit; i++) {
        var key = keys[i];
        if (value === global && typeof key === "string" && (skipped[key] || apply(strSlice, key, [0, 11]) === "__polysnap_")) continue;
        if (view && typeof key === "string" && isIndex(key)) continue;
        var keyed = keyPath(path, key);
        // V8 (whose errors have no stack accessor of their own) formats an error's stack when
        // its descriptor is read, through a user's Error.prepareStackTrace when there is
        // one: user code that must not run here.
        if (key === "stack" && stackGetter === undefined && userFormatsStacks()) {
          line(keyed, "not read (Error.prepareStackTrace is set)");
          continue;
        }
        var d = getDesc(value, key);
        if (d === undefined) continue;
        var flags = (d.enumerable ? "e" : "-") + (d.configurable ? "c" : "-");
        if (own(d, "value")) {
          line(keyed, "data " + flags + (d.writable ? "w" : "-"));
          visit(keyed, d.value);
        } else {
          line(keyed, "accessor " + flags);
          visit(keyed + ".[[Get]]", d.get);
          visit(keyed + ".[[Set]]", d.set);
          if (key === "stack" && stackGetter !== undefined && d.get === stackGetter && !lost(keyed, "ErrorStack")) {
            var stack = brand(stackGetter, value);
            if (stack) visit(keyed + ".[[Value]]", stack.value);
          }
        }
      }
      visit(path + ".[[Prototype]]", getProto(value));
    }
    // Internal slots, read through the builtins; true for typed arrays (their index keys
    // are covered by the buffer's bytes).
    function visitInternals(path, value) {
      var found, kind = familyOf(value);
      if (kind === undefined) return false;
      if (kind === "Map" && (found = brand(brands.mapSize, value))) {
        var m = 0;
        line(path + ".[[MapData]]", "size " + found.value);
        apply(mapForEach, value, [function (v, k) {
          visit(path + ".[[MapData]][" + m + "].key", k);
          visit(path + ".[[MapData]][" + m++ + "].value", v);
        }]);
      } else if (kind === "Set" && (found = brand(brands.setSize, value))) {
        var n = 0;
        line(path + ".[[SetData]]", "size " + found.value);
        apply(setForEach, value, [function (v) { visit(path + ".[[SetData]][" + n++ + "]", v); }]);
      } else if (kind === "Date" && (found = brand(brands.dateTime, value))) {
        line(path + ".[[DateValue]]", number(found.value));
      } else if (kind === "RegExp" && (found = regexpSource(value))) {
        var flags = "";
        for (var i = 0; i < regexpFlags.length; i++) if (apply(regexpFlags[i][1], value, [])) flags += " " + regexpFlags[i][0];
        line(path + ".[[RegExpMatcher]]", string(found.value) + flags);
        // Not every engine lists lastIndex among a RegExp's own keys (ChakraCore does not).
        var lastIndex = getDesc(value, "lastIndex");
        if (lastIndex && own(lastIndex, "value")) {
          visit(path + ".[[LastIndex]]", lastIndex.value);
          if (lastIndexWhy && typeof lastIndex.value !== "number") finding("hazard", path + ".lastIndex", lastIndexWhy);
        }
      } else if (kind === "ArrayBuffer" && (found = brand(brands.bufferLength, value))) {
        line(path + ".[[ArrayBufferData]]", bytes(value, found.value));
      } else if (kind === "TypedArray" && (found = brand(brands.typedArrayTag, value)) && found.value !== undefined) {
        line(path + ".[[TypedArray]]", found.value + " at " + apply(brands.typedArrayOffset, value, []) +
          ", " + apply(brands.typedArrayLength, value, []) + " bytes");
        visit(path + ".[[ViewedArrayBuffer]]", apply(brands.typedArrayBuffer, value, []));
        return true;
      } else if (kind === "DataView" && (found = brand(brands.dataViewBuffer, value)) && !lost(path, "DataView")) {
        line(path + ".[[DataView]]", "at " + apply(brands.dataViewOffset, value, []) + ", " +
          apply(brands.dataViewLength, value, []) + " bytes");
        visit(path + ".[[ViewedArrayBuffer]]", found.value);
      } else if (kind === "Number" && (found = brand(brands.numberValue, value))) {
        checkNumber(path + ".[[NumberData]]", found.value);
        line(path + ".[[NumberData]]", number(found.value));
      } else if (kind === "String" && (found = brand(brands.stringValue, value))) {
        line(path + ".[[StringData]]", string(found.value));
      } else if (kind === "Boolean" && (found = brand(brands.booleanValue, value))) {
        line(path + ".[[BooleanData]]", "" + found.value);
      } else if (kind === "Symbol" && (found = brand(brands.symbolValue, value))) {
        line(path + ".[[SymbolData]]", apply(symbolToString, found.value, []));
      }
      return false;
    }
    // A RegExp's source through the prototype's brand-checking getter (ES2015), or, where
    // the engine keeps `source` as an own data property of each RegExp (ChakraCore 1.11),
    // that property (its own keys are compared anyway).
    function regexpSource(value) {
      if (typeof brands.regexpSource === "function") return brand(brands.regexpSource, value);
      var d = getDesc(value, "source");
      return d && own(d, "value") && typeof d.value === "string" ? { value: d.value } : undefined;
    }
    function bytes(buffer, length) {
      var view, out = list();
      try { view = new U8(buffer); } catch (e) { return length + " bytes, detached"; }
      for (var i = 0; i < length; i++) add(out, hex(view[i], 2));
      var text = apply(join, out, [""]);
      return length + " bytes " + (text.length <= 128 ? text : "hash " + hash(text));
    }
    function checkExtensible(names) {
      for (var i = 0; i < intrinsics.length; i++) {
        if (apply(strIndexOf, names, ["," + intrinsics[i][0] + ","]) >= 0 && !isExtensible(intrinsics[i][1])) {
          finding("hazard", intrinsics[i][0], opt("mustStayExtensibleWhy"));
        }
      }
      if (apply(strIndexOf, names, [",globalThis,"]) >= 0 && !isExtensible(global)) {
        finding("hazard", "globalThis", opt("mustStayExtensibleWhy"));
      }
    }

    // Builtins that must stay extensible first: their hazard explains the others.
    if (opt("mustStayExtensible")) checkExtensible("," + opt("mustStayExtensible") + ",");
    visit("globalThis", global);
    for (var j = 0; j < intrinsics.length; j++) contents(intrinsics[j][0], intrinsics[j][1]);
    for (var k = 0; k < findings.length; k++) add(lines, findings[k]);
    return apply(join, lines, ["\n"]);
  }
})
