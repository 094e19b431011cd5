// Object.freeze(Object): the constructor's static methods can't be replaced, but still work.
var origKeys = Object.keys;
Object.freeze(Object);
Object.keys = function () { return ["replaced"]; };   // ignored
function probe() {
  try {
    var r = [String(Object.isFrozen(Object)), String(Object.keys === origKeys), Object.keys({ a: 1, b: 2 }).join(","),
      String(Object.isFrozen(Object.prototype))];
    try { (function () { "use strict"; Object.battery = 1; })(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    r.push(typeof Object.assign, JSON.stringify(Object.assign({}, { q: 1 })));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
