// The usual conditional polyfill of Array.prototype.at: installed only where it is missing.
var installed = false;
if (!Array.prototype.at) {
  Object.defineProperty(Array.prototype, "at", {
    value: function at(n) { n = Math.trunc(n) || 0; if (n < 0) n += this.length; return this[n]; },
    writable: true, configurable: true, enumerable: false
  });
  installed = true;
}
function probe() {
  try {
    var d = Object.getOwnPropertyDescriptor(Array.prototype, "at");
    return [String(installed), String([1, 2, 3].at(-1)), String([1, 2, 3].at(0)), String([].at(0)),
      String(d.enumerable), typeof d.value, String(d.value.name)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
