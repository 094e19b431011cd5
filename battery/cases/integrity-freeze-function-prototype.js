// Object.freeze(Function.prototype): functions can no longer get an own `call`/`apply` by assignment.
function f(a, b) { return a + b; }
Object.freeze(Function.prototype);
f.call = function () { return "own call"; };   // ignored
function probe() {
  try {
    var r = [String(Object.isFrozen(Function.prototype)), String(f.hasOwnProperty("call")), String(f.call(null, 1, 2)),
      String(f.apply(null, [3, 4])), String(f.bind(null, 5)(6))];
    try { (function () { "use strict"; var g = function () {}; g.toString = 1; })(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
