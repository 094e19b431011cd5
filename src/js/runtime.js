// polysnap's host runtime: console, timers, process, require with require.cache, fs and
// performance, over the host's natives. Installed before the setup scripts, so it is part
// of every snapshot; everything that depends on the process (argv, env, isTTY, the clock)
// is read through natives when used, so a restored runtime sees the new process.
(function (global, N) {
  "use strict";
  var write = N["host.write"], isatty = N["host.isatty"], now = N["host.now"];

  function bytes(value) { return value instanceof Uint8Array ? value : new Uint8Array(value); }
  function text(value) {
    var b = bytes(value), out = "";
    for (var i = 0; i < b.length; i += 8192) out += String.fromCharCode.apply(null, b.subarray(i, i + 8192));
    try { return decodeURIComponent(escape(out)); } catch (e) { return out; }
  }
  function define(target, name, value) {
    Object.defineProperty(target, name, { value: value, writable: true, configurable: true, enumerable: false });
  }

  // --- console -------------------------------------------------------------------------
  function inspect(value, depth) {
    if (typeof value === "string") return depth ? JSON.stringify(value) : value;
    if (value === undefined || value === null || typeof value === "number" || typeof value === "boolean" ||
        typeof value === "symbol" || typeof value === "bigint") return String(value);
    if (typeof value === "function") return "[Function: " + (value.name || "anonymous") + "]";
    if (value instanceof Error) return value.stack || String(value);
    if ((depth || 0) > 2) return Array.isArray(value) ? "[Array]" : "[Object]";
    if (Array.isArray(value)) return "[ " + value.map(function (v) { return inspect(v, (depth || 0) + 1); }).join(", ") + " ]";
    var keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    return "{ " + keys.map(function (k) { return k + ": " + inspect(value[k], (depth || 0) + 1); }).join(", ") + " }";
  }
  function format(args) { return Array.prototype.map.call(args, function (a) { return inspect(a, 0); }).join(" ") + "\n"; }
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
    timers.splice(i, 0, timer);
  }
  function addTimer(fn, delay, args, repeat) {
    if (typeof fn !== "function") throw new TypeError("the callback must be a function, got " + typeof fn);
    delay = Math.max(1, Number(delay) || 0);
    var timer = { id: nextTimerId++, fn: fn, delay: delay, due: now() + delay, args: args, repeat: repeat };
    schedule(timer);
    return timer.id;
  }
  function clearTimer(id) {
    for (var i = 0; i < timers.length; i++) if (timers[i].id === id) { timers.splice(i, 1); return; }
  }
  define(global, "setTimeout", function (fn, delay) { return addTimer(fn, delay, Array.prototype.slice.call(arguments, 2), false); });
  define(global, "setInterval", function (fn, delay) { return addTimer(fn, delay, Array.prototype.slice.call(arguments, 2), true); });
  define(global, "clearTimeout", clearTimer);
  define(global, "clearInterval", clearTimer);
  define(global, "queueMicrotask", function (fn) {
    if (typeof fn !== "function") throw new TypeError("queueMicrotask expects a function");
    Promise.resolve().then(function () { fn(); });
  });

  var loop = {
    // Milliseconds until the next timer is due, or -1 when none is pending.
    nextDelay: function () { return timers.length ? Math.max(0, timers[0].due - now()) : -1; },
    // Runs every timer that is due, in due order.
    runDue: function () {
      var t = now();
      while (timers.length && timers[0].due <= t) {
        var timer = timers.shift();
        if (timer.repeat) { timer.due = t + timer.delay; schedule(timer); }
        timer.fn.apply(undefined, timer.args);
      }
    },
    // For the Timer rehydrator: each pending timer's id and remaining delay, in order.
    capture: function () {
      var t = now();
      return JSON.stringify(timers.map(function (x) { return [x.id, Math.max(0, x.due - t)]; }));
    },
    // After restore: due times rebased on this process's clock.
    rebase: function (remaining) {
      var t = now(), byId = {};
      remaining.forEach(function (r) { byId[r[0]] = r[1]; });
      timers.forEach(function (x) { if (x.id in byId) x.due = t + byId[x.id]; });
      timers.sort(function (a, b) { return a.due - b.due || a.id - b.id; });
    }
  };

  // --- process -----------------------------------------------------------------------------
  function stream(fd) {
    var s = { write: function (chunk) { write(fd, typeof chunk === "string" ? chunk : bytes(chunk)); return true; }, fd: fd };
    Object.defineProperty(s, "isTTY", { get: function () { return isatty(fd); }, enumerable: true });
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
  Object.defineProperty(process, "argv", { get: function () { return N["host.argv"](); }, enumerable: true });
  Object.defineProperty(process, "env", { get: function () { return N["host.env"](); }, enumerable: true });
  define(global, "process", process);
  define(global, "performance", { now: function () { return now(); } });
  if (typeof global.global === "undefined") define(global, "global", global);

  // --- fs ------------------------------------------------------------------------------------
  var fs = {
    openSync: function (path, flags) { return N["fs.open"](String(path), flags || "r"); },
    closeSync: function (fd) { N["fs.close"](fd); },
    readSync: function (fd, buffer, offset, length, position) {
      offset = offset || 0;
      if (length === undefined) length = buffer.length - offset;
      var chunk = bytes(N["fs.read"](fd, length, position === undefined ? null : position));
      buffer.set(chunk, offset);
      return chunk.length;
    },
    writeSync: function (fd, data, position) {
      return N["fs.write"](fd, typeof data === "string" ? data : bytes(data), typeof position === "number" ? position : null);
    },
    readFileSync: function (path, options) {
      var encoding = typeof options === "string" ? options : options && options.encoding;
      var content = N["fs.readFile"](String(path), null);
      return encoding ? text(content) : bytes(content);
    },
    writeFileSync: function (path, data) { N["fs.writeFile"](String(path), typeof data === "string" ? data : bytes(data)); },
    existsSync: function (path) { return N["fs.exists"](String(path)); },
    // polysnap: what happens to this open file when a snapshot is made ('error', 'reopen', 'close').
    snapshotPolicy: function (fd, policy) { N["fs.snapshotPolicy"](fd, policy); }
  };

  // --- require -----------------------------------------------------------------------------
  var builtins = { fs: fs };
  var cache = Object.create(null);
  function dirname(path) { var i = path.lastIndexOf("/"); return i <= 0 ? "/" : path.slice(0, i); }
  function join(base, rel) {
    var parts = (rel.charAt(0) === "/" ? rel : base + "/" + rel).split("/"), out = [];
    parts.forEach(function (p) { if (p === "..") out.pop(); else if (p && p !== ".") out.push(p); });
    return "/" + out.join("/");
  }
  function isFile(path) { var s = N["fs.stat"](path); return s !== null && s.isFile; }
  function asFile(path) {
    var candidates = [path, path + ".js", path + ".json"];
    for (var i = 0; i < candidates.length; i++) if (isFile(candidates[i])) return candidates[i];
    if (isFile(path + "/package.json")) {
      var main = JSON.parse(text(N["fs.readFile"](path + "/package.json", null))).main;
      if (main) { var m = asFile(join(path, main)); if (m) return m; }
    }
    return isFile(path + "/index.js") ? path + "/index.js" : null;
  }
  function resolve(request, fromDir) {
    if (request.charAt(0) === "/" || request.slice(0, 2) === "./" || request.slice(0, 3) === "../") {
      var found = asFile(join(fromDir, request));
      if (found) return found;
    } else {
      for (var dir = fromDir; ; dir = dirname(dir)) {
        var hit = asFile(join(dir, "node_modules/" + request));
        if (hit) return hit;
        if (dir === "/") break;
      }
    }
    var err = new Error("Cannot find module '" + request + "' from '" + fromDir + "'");
    err.code = "MODULE_NOT_FOUND";
    throw err;
  }
  function load(filename) {
    var module = { id: filename, filename: filename, exports: {}, loaded: false, hash: N["fs.hash"](filename) };
    cache[filename] = module;
    try {
      var source = text(N["fs.readFile"](filename, null));
      if (/\.json$/.test(filename)) {
        module.exports = JSON.parse(source);
      } else {
        var wrapper = (0, eval)("(function (exports, require, module, __filename, __dirname) {" + source +
          "\n})\n//# sourceURL=" + filename);
        wrapper.call(module.exports, module.exports, makeRequire(dirname(filename)), module, filename, dirname(filename));
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
      if (Object.prototype.hasOwnProperty.call(builtins, request)) return builtins[request];
      var filename = resolve(String(request), fromDir || N["host.cwd"]());
      return (cache[filename] || load(filename)).exports;
    };
    require.cache = cache;
    require.resolve = function (request) { return resolve(String(request), fromDir || N["host.cwd"]()); };
    return require;
  }
  // Scripts given on the command line resolve relative to the working directory of the
  // process that runs them (make time before the snapshot, run time after it).
  define(global, "require", makeRequire(null));

  var modules = {
    // For the module-cache rehydrator: every cached file with the hash it was loaded with.
    entries: function () {
      return JSON.stringify(Object.keys(cache).map(function (f) { return [f, cache[f].hash]; }));
    },
    forget: function (filename) { delete cache[filename]; }
  };

  define(global, "__polysnap_runtime", Object.freeze({ loop: loop, modules: modules }));
})(this, __polysnap_natives);
