// The same edge values in a Float64Array and in a plain array must compare bit for bit.
var vals = [0, -0, NaN, Infinity, -Infinity, 5e-324, 2e-300, 1e30, -1e300, 9007199254740993, 0.1];
var fa = new Float64Array(vals);
var pa = vals.slice();
var f32 = new Float32Array(vals);
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    var out = [];
    for (var i = 0; i < vals.length; i++) {
      out.push((hex(fa[i]) === hex(pa[i]) ? "same:" : "DIFF:") + hex(fa[i]) + "/" + hex(f32[i]));
    }
    return out.join(",");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
