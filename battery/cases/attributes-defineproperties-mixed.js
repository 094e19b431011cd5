// Every combination of writable/enumerable/configurable on one object, read back after restore.
var o = {};
var n = 0;
[false, true].forEach(function (w) {
  [false, true].forEach(function (e) {
    [false, true].forEach(function (c) {
      Object.defineProperty(o, "p" + (n++), { value: n, writable: w, enumerable: e, configurable: c });
    });
  });
});
function probe() {
  try {
    return Object.getOwnPropertyNames(o).map(function (k) {
      var d = Object.getOwnPropertyDescriptor(o, k);
      return k + ":" + (d.writable ? "W" : "w") + (d.enumerable ? "E" : "e") + (d.configurable ? "C" : "c") + "=" + d.value;
    }).join(",");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
