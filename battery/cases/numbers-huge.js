// Large magnitudes: 1e30 and beyond, -1e300, MAX_VALUE, and their string forms.
var big = [1e30, 1e21, 1e300, -1e300, 1.7976931348623157e308, -1.7976931348623157e308, 123456789012345680000, 2e308 / 2];
var obj = { a: 1e30, b: -1e300 };
var sum = 1e30 + 1;
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    var out = big.map(function (x) { return hex(x) + "=" + String(x); });
    out.push(hex(obj.a), hex(obj.b), String(sum === 1e30), (1e30).toFixed(2), (1e21).toPrecision(3));
    return out.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
