// Object.freeze(Object.prototype): every object now hits the override mistake for toString etc.
var o = { a: 1 };
Object.freeze(Object.prototype);
o.toString = function () { return "own"; };   // silently ignored
var viaDefine = Object.defineProperty({}, "toString", { value: function () { return "defined"; }, enumerable: true });
function probe() {
  try {
    var r = [String(Object.isFrozen(Object.prototype)), String(o.hasOwnProperty("toString")), String(o),
      String(viaDefine)];
    try { (function () { "use strict"; var x = {}; x.valueOf = 1; })(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    r.push(JSON.stringify({ b: [1, 2] }));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
