// Map with NaN and -0 keys; the stored key for -0 is +0.
var m = new Map();
m.set(NaN, "nan1");
m.set(0 / 0, "nan2");      // same key
m.set(-0, "negzero");
m.set(0, "poszero");       // same key
var s = new Set([-0, 0, NaN, Number("x")]);
function probe() {
  try {
    var keys = [];
    m.forEach(function (v, k) { keys.push((Object.is(k, -0) ? "-0" : String(k)) + "=" + v); });
    var sk = [];
    s.forEach(function (k) { sk.push(Object.is(k, -0) ? "-0" : String(k)); });
    return [keys.join(","), String(m.size), sk.join(","), String(m.get(NaN)), String(m.get(-0)),
      String(s.has(-0))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
