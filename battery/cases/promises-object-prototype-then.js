// Object.prototype.then polluted: every object becomes a thenable. Resolving a promise with
// any object now calls this function (which never settles it). May wedge host code that
// resolves promises with objects.
var log = [];
Object.defineProperty(Object.prototype, "then", {
  value: function (res, rej) { log.push("poly-then:" + (typeof this)); },
  writable: true, configurable: true, enumerable: false
});
var p = Promise.resolve({ a: 1 });
var settledFlag = "unsettled";
p.then(function () { settledFlag = "settled"; });   // never runs: {a:1} is a "thenable"
var prim = Promise.resolve(5);
prim.then(function (v) { log.push("prim:" + v); });
function probe() {
  try {
    return [log.join(","), settledFlag].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
