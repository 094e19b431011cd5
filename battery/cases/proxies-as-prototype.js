// A proxy used as a prototype: misses on the object fall through to the proxy's traps.
var misses = [];
var protoProxy = new Proxy({ inherited: "from-target" }, {
  get: function (t, k, receiver) {
    if (typeof k === "string") misses.push(k);
    return k in t ? t[k] : (typeof k === "string" ? "trap:" + k : undefined);
  },
  has: function (t, k) { return typeof k === "string" && k.charAt(0) === "q"; }
});
var o = Object.create(protoProxy);
o.own = "own";
var seen = o.qSetup;
function probe() {
  try {
    var start = misses.filter(function (k) { return k !== "qSetup"; }).length;
    return [o.own, o.inherited, o.anything, String("qx" in o), String("zx" in o), String(seen),
      String(Object.getPrototypeOf(o) === protoProxy), String(start)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
