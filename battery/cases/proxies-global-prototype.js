// A proxy inserted into the global object's prototype chain: unresolved names starting with
// "zz" resolve through its traps.
var G = (function () { return this; })();
var originalProto = Object.getPrototypeOf(G);
var inserted = "no";
try {
  var trapProxy = new Proxy(originalProto || {}, {
    has: function (t, k) { return (typeof k === "string" && k.slice(0, 2) === "zz") || k in t; },
    get: function (t, k, r) { return typeof k === "string" && k.slice(0, 2) === "zz" ? "trapped:" + k : Reflect.get(t, k, r); }
  });
  Object.setPrototypeOf(G, trapProxy);
  inserted = "yes";
} catch (e) { inserted = e.name; }
function probe() {
  try {
    var r = [inserted];
    try { r.push(String(zzSomething)); } catch (e) { r.push(e.name); }
    r.push(typeof zzOther, typeof Object, String(Object.getPrototypeOf(G) === originalProto));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
