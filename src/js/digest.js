// polysnap's determinism digest: a hash of everything reachable by reflection from the
// globals a setup created (values, property order, accessors' functions, prototypes, Map,
// Set, Date, RegExp and typed-array contents, functions by their source). Two runs of a
// deterministic setup give the same digest; Date.now(), Math.random() or host input stored
// where reflection reaches them give different ones. State held only inside closures is not
// reachable by reflection and is not covered.
(function (global, baseline) {
  "use strict";
  var h1 = 0xdeadbeef, h2 = 0x41c6ce57, tokens = 0;
  function feed(text) {
    tokens++;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ 10, 2654435761);
  }
  var ids = new Map();
  var toString = Object.prototype.toString, fnToString = Function.prototype.toString;
  function visit(v) {
    var t = typeof v;
    if (v === null || t === "undefined" || t === "boolean" || t === "string") return feed(t + ":" + String(v));
    if (t === "number") return feed("number:" + (Object.is(v, -0) ? "-0" : String(v)));
    if (t === "bigint" || t === "symbol") return feed(t + ":" + String(v));
    if (ids.has(v)) return feed("ref:" + ids.get(v));
    ids.set(v, ids.size);
    feed(t === "function" ? "fn:" + fnToString.call(v) : "obj:" + toString.call(v));
    if (v instanceof Date) feed("time:" + v.getTime());
    if (v instanceof RegExp) feed("re:" + v.source + "/" + v.global + v.ignoreCase + v.multiline + ":" + v.lastIndex);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) feed("bytes:" + Array.prototype.join.call(v, ","));
    if (v instanceof Map) v.forEach(function (value, key) { visit(key); visit(value); });
    if (v instanceof Set) v.forEach(function (value) { visit(value); });
    visit(Object.getPrototypeOf(v));
    var keys = Reflect.ownKeys(v);
    for (var i = 0; i < keys.length; i++) {
      var d = Object.getOwnPropertyDescriptor(v, keys[i]);
      feed("key:" + String(keys[i]) + ":" + d.enumerable + d.configurable);
      if ("value" in d) visit(d.value); else { visit(d.get); visit(d.set); }
    }
  }
  var names = Object.getOwnPropertyNames(global).filter(function (n) { return baseline.indexOf(n) < 0; });
  for (var i = 0; i < names.length; i++) {
    feed("global:" + names[i]);
    var d = Object.getOwnPropertyDescriptor(global, names[i]);
    if ("value" in d) visit(d.value); else { visit(d.get); visit(d.set); }
  }
  return ((h2 >>> 0).toString(16) + (h1 >>> 0).toString(16)) + " over " + tokens + " tokens";
})
