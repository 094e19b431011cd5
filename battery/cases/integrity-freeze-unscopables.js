// Freezing Array.prototype[Symbol.unscopables]; `with` over an array must still honour it.
var uns = Array.prototype[Symbol.unscopables];
if (uns) Object.freeze(uns);
var keys = "global-keys";
var arr = [10, 20];
function inWith() { with (arr) { return typeof keys + ":" + (typeof keys === "string" ? keys : "array-method") + ":" + length; } }
function probe() {
  try {
    if (!uns) return "no unscopables";
    return [String(Object.isFrozen(uns)), String(Object.getPrototypeOf(uns)),
      Object.keys(uns).sort().join(","), inWith(), String(uns === Array.prototype[Symbol.unscopables])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
