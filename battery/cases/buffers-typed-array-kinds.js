// Every (non-BigInt) typed array kind with edge values after conversion.
var input = [0, -0, 1, -1, 127, 128, 255, 256, -129, 65535, 65536, 2147483647, -2147483648, 4294967295,
  0.5, 1.5, 2.5, -1.5, NaN, Infinity, -Infinity, 3.4028235e38, 1e-45];
var kinds = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array];
var arrays = kinds.map(function (K) { return new K(input); });
function fmt(x) { return Object.is(x, -0) ? "-0" : String(x); }
function probe() {
  try {
    return arrays.map(function (a) {
      return Object.prototype.toString.call(a).slice(8, -1) + ":" + Array.prototype.map.call(a, fmt).join(",");
    }).join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
