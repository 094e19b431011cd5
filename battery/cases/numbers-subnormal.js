// Subnormals and tiny normals must keep their exact bits (no flush-to-zero, no text round trip loss).
var vals = [5e-324, 2e-300, Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308,
  -5e-324, 1e-310, 4.9406564584124654e-324 * 3];
var single = 5e-324;
var obj = { tiny: 1e-310, neg: -2e-300 };
var halved = 2.2250738585072014e-308 / 2;
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    var out = [];
    for (var i = 0; i < vals.length; i++) out.push(hex(vals[i]) + "=" + String(vals[i]));
    out.push(hex(single), hex(obj.tiny), hex(obj.neg), hex(halved), String(single / 2), String(single > 0));
    return out.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
