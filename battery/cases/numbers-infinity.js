// Infinities everywhere a double can live.
var pinf = Infinity, ninf = -Infinity;
var over = Number.MAX_VALUE * 2;
var arr = [Infinity, -Infinity, 1, Infinity];
var obj = { p: Infinity, n: -Infinity };
var neg = -over;
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    return [hex(pinf), hex(ninf), hex(over), hex(neg), arr.map(String).join(","),
      String(obj.p), String(obj.n), String(isFinite(obj.p)), String(pinf === over),
      String(1 / pinf), String(Object.is(1 / ninf, -0))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
