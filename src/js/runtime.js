// polysnap's host runtime: console, timers, process, require with require.cache, fs and
// performance, over the host's natives. Installed before the setup scripts, so it is part
// of every snapshot; what depends on the process (isTTY, the clock, the working directory)
// is read through natives when used, and argv and env are refilled after a restore, so a
// restored runtime sees the new process.
//
// Every builtin it uses is taken when it is installed, before any setup script (as Node's
// internals keep "primordials"), so a setup that replaces `JSON.stringify`,
// `Array.prototype.forEach` or `Function.prototype.call`, or defines `toJSON` on
// `Object.prototype`, cannot reach the host's own work; what it hands the host as JSON it
// writes itself.
(function (global, N) {
  "use strict";
  var write = N["host.write"], isatty = N["host.isatty"], now = N["host.now"];
  var apply = Reflect.apply, defineProperty = Object.defineProperty, keysOf = Object.keys, freeze = Object.freeze;
  var create = Object.create, isArray = Array.isArray, max = Math.max, toNumber = Number, toText = String;
  var fromCharCode = String.fromCharCode, decode = decodeURIComponent, escapeLatin = escape, parseJson = JSON.parse;
  var indirectEval = eval, ownProperty = Object.prototype.hasOwnProperty, U8 = Uint8Array, TypeErr = TypeError;
  var NewError = Error, resolved = Promise.resolve(), then = Promise.prototype.then, finite = isFinite;
  function uncurry(f) { return function (self) { var args = []; for (var i = 1; i < arguments.length; i++) args[i - 1] = arguments[i]; return apply(f, self, args); }; }
  var slice = uncurry(Array.prototype.slice), splice = uncurry(Array.prototype.splice), map = uncurry(Array.prototype.map);
  var forEach = uncurry(Array.prototype.forEach), joinArray = uncurry(Array.prototype.join), push = uncurry(Array.prototype.push);
  var pop = uncurry(Array.prototype.pop), shift = uncurry(Array.prototype.shift), sort = uncurry(Array.prototype.sort);
  var strSlice = uncurry(String.prototype.slice), split = uncurry(String.prototype.split);
  var lastIndexOf = uncurry(String.prototype.lastIndexOf), charAt = uncurry(String.prototype.charAt);
  var charCodeAt = uncurry(String.prototype.charCodeAt), numberToString = uncurry(Number.prototype.toString);
  var subarray = uncurry(U8.prototype.subarray), setBytes = uncurry(U8.prototype.set);
  var hasOwn = uncurry(ownProperty), endsWith = uncurry(String.prototype.endsWith);
  // JSON text for the host's own data (arrays, strings, numbers), written without JSON.stringify.
  function json(value) {
    if (value === null) return "null";
    if (typeof value === "number") return finite(value) ? "" + value : "null";
    if (typeof value === "string") {
      var out = "\"";
      for (var i = 0; i < value.length; i++) {
        var c = charCodeAt(value, i);
        out += c === 0x22 ? "\\\"" : c === 0x5c ? "\\\\" : c < 0x20
          ? "\\u" + strSlice("000" + numberToString(c, 16), -4) : fromCharCode(c);
      }
      return out + "\"";
    }
    if (isArray(value)) return "[" + joinArray(map(value, json), ",") + "]";
    return "null";
  }

  function bytes(value) { return value instanceof U8 ? value : new U8(value); }
  function text(value) {
    var b = bytes(value), out = "";
    for (var i = 0; i < b.length; i += 8192) out += apply(fromCharCode, null, subarray(b, i, i + 8192));
    try { return decode(escapeLatin(out)); } catch (e) { return out; }
  }
  function define(target, name, value) {
    defineProperty(target, name, { __proto__: null, value: value, writable: true, configurable: true, enumerable: false });
  }

  // --- console -------------------------------------------------------------------------
  function inspect(value, depth) {
    if (typeof value === "string") return depth ? json(value) : value;
    if (value === undefined || value === null || typeof value === "number" || typeof value === "boolean" ||
        typeof value === "symbol" || typeof value === "bigint") return toText(value);
    if (typeof value === "function") return "[Function: " + (value.name || "anonymous") + "]";
    if (value instanceof NewError) return value.stack || toText(value);
    if ((depth || 0) > 2) return isArray(value) ? "[Array]" : "[Object]";
    if (isArray(value)) return "[ " + joinArray(map(value, function (v) { return inspect(v, (depth || 0) + 1); }), ", ") + " ]";
    var keys = keysOf(value);
    if (keys.length === 0) return "{}";
    return "{ " + joinArray(map(keys, function (k) { return k + ": " + inspect(value[k], (depth || 0) + 1); }), ", ") + " }";
  }
  function format(args) { return joinArray(map(args, function (a) { return inspect(a, 0); }), " ") + "\n"; }
  var console = {
    log: function () { write(1, format(arguments)); },
    info: function () { write(1, format(arguments)); },
    debug: function () { write(1, format(arguments)); },
    warn: function () { write(2, format(arguments)); },
    error: function () { write(2, format(arguments)); }
  };
  define(global, "console", console);

  // --- timers ----------------------------------------------------------------------------
  var timers = [];
  var nextTimerId = 1;
  function schedule(timer) {
    var i = timers.length;
    while (i > 0 && (timers[i - 1].due > timer.due || (timers[i - 1].due === timer.due && timers[i - 1].id > timer.id))) i--;
    splice(timers, i, 0, timer);
  }
  function addTimer(fn, delay, args, repeat) {
    if (typeof fn !== "function") throw new TypeErr("the callback must be a function, got " + typeof fn);
    delay = max(1, toNumber(delay) || 0);
    var timer = { id: nextTimerId++, fn: fn, delay: delay, due: now() + delay, args: args, repeat: repeat };
    schedule(timer);
    return timer.id;
  }
  function clearTimer(id) {
    for (var i = 0; i < timers.length; i++) if (timers[i].id === id) { splice(timers, i, 1); return; }
  }
  define(global, "setTimeout", function (fn, delay) { return addTimer(fn, delay, slice(arguments, 2), false); });
  define(global, "setInterval", function (fn, delay) { return addTimer(fn, delay, slice(arguments, 2), true); });
  define(global, "clearTimeout", clearTimer);
  define(global, "clearInterval", clearTimer);
  define(global, "queueMicrotask", function (fn) {
    if (typeof fn !== "function") throw new TypeErr("queueMicrotask expects a function");
    apply(then, resolved, [function () { fn(); }]);
  });

  var loop = {
    // Milliseconds until the next timer is due, or -1 when none is pending.
    nextDelay: function () { return timers.length ? max(0, timers[0].due - now()) : -1; },
    // Runs every timer that is due, in due order.
    runDue: function () {
      var t = now();
      while (timers.length && timers[0].due <= t) {
        var timer = shift(timers);
        if (timer.repeat) { timer.due = t + timer.delay; schedule(timer); }
        apply(timer.fn, undefined, timer.args);
      }
    },
    // For the Timer rehydrator: each pending timer's id and remaining delay, in order.
    capture: function () {
      var t = now();
      return json(map(timers, function (x) { return [x.id, max(0, x.due - t)]; }));
    },
    // After restore: due times rebased on this process's clock.
    rebase: function (remaining) {
      var t = now(), byId = create(null);
      forEach(remaining, function (r) { byId[r[0]] = r[1]; });
      forEach(timers, function (x) { if (x.id in byId) x.due = t + byId[x.id]; });
      sort(timers, function (a, b) { return a.due - b.due || a.id - b.id; });
    }
  };

  // --- process -----------------------------------------------------------------------------
  function stream(fd) {
    var s = { write: function (chunk) { write(fd, typeof chunk === "string" ? chunk : bytes(chunk)); return true; }, fd: fd };
    defineProperty(s, "isTTY", { __proto__: null, get: function () { return isatty(fd); }, enumerable: true });
    return s;
  }
  var process = {
    stdout: stream(1),
    stderr: stream(2),
    exit: function (code) { N["host.exit"](code === undefined ? 0 : code); },
    cwd: function () { return N["host.cwd"](); },
    platform: "linux",
    exitCode: undefined
  };
  // One env object and one argv array for the runtime's life, as in Node, so that a
  // reference taken during setup stays live: after a restore both are refilled from the
  // restoring process (the env keeping the setup's own writes; see `env.writes`).
  var env = N["host.env"](), argv = N["host.argv"]();
  defineProperty(process, "argv", { __proto__: null, get: function () { return argv; }, enumerable: true });
  defineProperty(process, "env", { __proto__: null, get: function () { return env; }, enumerable: true });
  var environment = {
    // For the environment rehydrator: what the setup changed in process.env, as
    // [name, value or null when deleted] pairs, against this process's environment.
    writes: function () {
      var now = N["host.env"](), changes = [], names = keysOf(env), i;
      for (i = 0; i < names.length; i++) {
        if (!hasOwn(now, names[i]) || now[names[i]] !== toText(env[names[i]])) push(changes, [names[i], toText(env[names[i]])]);
      }
      names = keysOf(now);
      for (i = 0; i < names.length; i++) if (!hasOwn(env, names[i])) push(changes, [names[i], null]);
      return json(changes);
    },
    // After restore: this process's environment and arguments, then the setup's writes.
    refresh: function (writes) {
      var names = keysOf(env), fresh = N["host.env"](), i;
      for (i = 0; i < names.length; i++) delete env[names[i]];
      names = keysOf(fresh);
      for (i = 0; i < names.length; i++) env[names[i]] = fresh[names[i]];
      for (i = 0; i < writes.length; i++) {
        if (writes[i][1] === null) delete env[writes[i][0]]; else env[writes[i][0]] = writes[i][1];
      }
      var args = N["host.argv"]();
      argv.length = 0;
      for (i = 0; i < args.length; i++) push(argv, args[i]);
    }
  };
  define(global, "process", process);
  define(global, "performance", { now: function () { return now(); } });
  if (typeof global.global === "undefined") define(global, "global", global);
  // ChakraCore 1.11 predates `globalThis`: the host provides it (writable, configurable, not
  // enumerable, as the specification has it), fresh and restored alike.
  if (typeof global.globalThis === "undefined") define(global, "globalThis", global);

  // --- fs ------------------------------------------------------------------------------------
  var fs = {
    openSync: function (path, flags) { return N["fs.open"](toText(path), flags || "r"); },
    closeSync: function (fd) { N["fs.close"](fd); },
    readSync: function (fd, buffer, offset, length, position) {
      offset = offset || 0;
      if (length === undefined) length = buffer.length - offset;
      var chunk = bytes(N["fs.read"](fd, length, position === undefined ? null : position));
      setBytes(buffer, chunk, offset);
      return chunk.length;
    },
    writeSync: function (fd, data, position) {
      return N["fs.write"](fd, typeof data === "string" ? data : bytes(data), typeof position === "number" ? position : null);
    },
    readFileSync: function (path, options) {
      var encoding = typeof options === "string" ? options : options && options.encoding;
      var content = N["fs.readFile"](toText(path), null);
      return encoding ? text(content) : bytes(content);
    },
    writeFileSync: function (path, data) { N["fs.writeFile"](toText(path), typeof data === "string" ? data : bytes(data)); },
    existsSync: function (path) { return N["fs.exists"](toText(path)); },
    // polysnap: what happens to this open file when a snapshot is made ('error', 'reopen', 'close').
    snapshotPolicy: function (fd, policy) { N["fs.snapshotPolicy"](fd, policy); }
  };

  // --- require -----------------------------------------------------------------------------
  var builtins = { fs: fs };
  var cache = create(null);
  function dirname(path) { var i = lastIndexOf(path, "/"); return i <= 0 ? "/" : strSlice(path, 0, i); }
  function joinPath(base, rel) {
    var parts = split(charAt(rel, 0) === "/" ? rel : base + "/" + rel, "/"), out = [];
    forEach(parts, function (p) { if (p === "..") pop(out); else if (p && p !== ".") push(out, p); });
    return "/" + joinArray(out, "/");
  }
  function isFile(path) { var s = N["fs.stat"](path); return s !== null && s.isFile; }
  function asFile(path) {
    var candidates = [path, path + ".js", path + ".json"];
    for (var i = 0; i < candidates.length; i++) if (isFile(candidates[i])) return candidates[i];
    if (isFile(path + "/package.json")) {
      var main = parseJson(text(N["fs.readFile"](path + "/package.json", null))).main;
      if (main) { var m = asFile(joinPath(path, main)); if (m) return m; }
    }
    return isFile(path + "/index.js") ? path + "/index.js" : null;
  }
  function resolve(request, fromDir) {
    if (charAt(request, 0) === "/" || strSlice(request, 0, 2) === "./" || strSlice(request, 0, 3) === "../") {
      var found = asFile(joinPath(fromDir, request));
      if (found) return found;
    } else {
      for (var dir = fromDir; ; dir = dirname(dir)) {
        var hit = asFile(joinPath(dir, "node_modules/" + request));
        if (hit) return hit;
        if (dir === "/") break;
      }
    }
    var err = new NewError("Cannot find module '" + request + "' from '" + fromDir + "'");
    err.code = "MODULE_NOT_FOUND";
    throw err;
  }
  function load(filename) {
    var module = { id: filename, filename: filename, exports: {}, loaded: false, hash: N["fs.hash"](filename) };
    cache[filename] = module;
    try {
      var source = text(N["fs.readFile"](filename, null));
      if (endsWith(filename, ".json")) {
        module.exports = parseJson(source);
      } else {
        var wrapper = indirectEval("(function (exports, require, module, __filename, __dirname) {" + source +
          "\n})\n//# sourceURL=" + filename);
        apply(wrapper, module.exports, [module.exports, makeRequire(dirname(filename)), module, filename, dirname(filename)]);
      }
    } catch (e) {
      delete cache[filename];
      throw e;
    }
    module.loaded = true;
    return module;
  }
  function makeRequire(fromDir) {
    var require = function (request) {
      if (hasOwn(builtins, request)) return builtins[request];
      var filename = resolve(toText(request), fromDir || N["host.cwd"]());
      return (cache[filename] || load(filename)).exports;
    };
    require.cache = cache;
    require.resolve = function (request) { return resolve(toText(request), fromDir || N["host.cwd"]()); };
    return require;
  }
  // Scripts given on the command line resolve relative to the working directory of the
  // process that runs them (make time before the snapshot, run time after it).
  define(global, "require", makeRequire(null));

  var modules = {
    // For the module-cache rehydrator: every cached file with the hash it was loaded with.
    entries: function () {
      return json(map(keysOf(cache), function (f) { return [f, cache[f].hash]; }));
    },
    forget: function (filename) { delete cache[filename]; }
  };

  define(global, "__polysnap_runtime", freeze({ loop: loop, modules: modules, environment: environment }));
})(this, __polysnap_natives);
