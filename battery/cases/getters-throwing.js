// Objects with throwing getters (own, inherited, on an array index, on the global object).
var G = (function () { return this; })();
var o = { get boom() { throw new RangeError("getter boom"); }, safe: 1 };
var child = Object.create(o);
var arr = [1, 2];
Object.defineProperty(arr, 0, { get: function () { throw new TypeError("index boom"); } });
Object.defineProperty(G, "throwingGlobal", { get: function () { throw new Error("global boom"); }, configurable: true });
function attempt(f) { try { return "ok:" + f(); } catch (e) { return e.name + ":" + e.message; } }
function probe() {
  try {
    return [attempt(function () { return o.boom; }), attempt(function () { return child.boom; }),
      attempt(function () { return arr[0]; }), attempt(function () { return arr[1]; }),
      attempt(function () { return throwingGlobal; }), attempt(function () { return JSON.stringify(o); }),
      String(o.safe), attempt(function () { return arr.length; })].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
