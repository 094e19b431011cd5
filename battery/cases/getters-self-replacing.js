// A lazy getter that replaces itself with a data property on first access (never accessed in
// setup), and one that was accessed in setup.
var computeCount = 0;
function lazy(obj, name, fn) {
  Object.defineProperty(obj, name, {
    get: function () { var v = fn(); Object.defineProperty(obj, name, { value: v, writable: false, enumerable: true }); return v; },
    configurable: true, enumerable: true
  });
}
var o = {};
lazy(o, "notYet", function () { computeCount++; return "computed-late"; });
lazy(o, "already", function () { computeCount++; return "computed-early"; });
var early = o.already;
function probe() {
  try {
    var kindBefore = "get" in Object.getOwnPropertyDescriptor(o, "notYet") ? "accessor" : "data";
    var v1 = o.notYet, v2 = o.notYet;
    var kindAfter = "get" in Object.getOwnPropertyDescriptor(o, "notYet") ? "accessor" : "data";
    return [kindBefore, v1, v2, kindAfter, String(computeCount), early,
      "value" in Object.getOwnPropertyDescriptor(o, "already") ? "data" : "accessor"].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
