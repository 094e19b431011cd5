// Numbers as Map/Set keys: -0 is normalised to +0, NaN equals NaN, doubles hash by value.
var m = new Map();
m.set(-0, "zero").set(NaN, "nan").set(0.1, "tenth").set(1e300, "big").set(5e-324, "tiny").set(2 ** 53 + 2, "safe2");
var s = new Set([0.1 + 0.2, 0.3, NaN, NaN, -0]);
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    var keys = [];
    m.forEach(function (v, k) { keys.push(hex(k) + ":" + v); });
    var sk = [];
    s.forEach(function (k) { sk.push(hex(k)); });
    return [keys.join(","), sk.join(","), String(m.get(0)), String(m.get(-0)), String(m.get(0 / 0)),
      String(m.get(0.1)), String(m.get(1e300)), String(m.get(5e-324)), String(m.get(9007199254740994)),
      String(s.has(0.30000000000000004)), String(s.size)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
