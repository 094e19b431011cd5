// -0 must stay -0 (not become +0) in globals, arrays, object fields and computed results.
var nz = -0;
var pz = 0;
var arr = [-0, 0, -0];
var obj = { a: -0, b: 0 };
var divz = 1 / -Infinity;
var mulz = -1 * 0;
var rnd = Math.round(-0.4);
function isNZ(x) { return Object.is(x, -0) ? "-0" : String(x); }
function probe() {
  try {
    return [
      isNZ(nz), isNZ(pz), String(1 / nz),
      arr.map(isNZ).join(","),
      isNZ(obj.a), isNZ(obj.b),
      isNZ(divz), isNZ(mulz), isNZ(rnd)
    ].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
