// Array.prototype.toJSON and Object.prototype.toJSON defined by the setup.
Object.defineProperty(Array.prototype, "toJSON", {
  value: function () { return { arrayOf: this.length }; }, writable: true, configurable: true
});
Object.prototype.toJSON = function () { return "obj-toJSON"; };   // enumerable, on purpose
var out = JSON.stringify([1, 2, 3]);
function probe() {
  try {
    var r = [out, JSON.stringify({ a: 1 }), JSON.stringify([[1]]), JSON.stringify("str"), JSON.stringify(5)];
    var keys = [];
    for (var k in {}) keys.push(k);
    r.push(keys.join(","));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
