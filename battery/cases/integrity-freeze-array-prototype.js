// Object.freeze(Array.prototype): builtins still work; the "override mistake" blocks
// assigning a same-named own property on arrays.
var before = [3, 1, 2];
Object.freeze(Array.prototype);
var a = [1, 2, 3];
a.push = function () { return "own push"; };   // silently ignored (inherited non-writable)
function probe() {
  try {
    var r = [String(Object.isFrozen(Array.prototype)), String(a.hasOwnProperty("push")), String(a.push(4)),
      a.map(function (x) { return x * 2; }).join(","), before.sort().join(","), String([].concat([1], [2]).length)];
    try { (function () { "use strict"; a.map = null; })(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    try { (function () { "use strict"; Array.prototype.battery = 1; })(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
