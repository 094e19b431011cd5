// Boxed Number objects: their primitive value (incl. -0 and NaN), identity, extra properties.
var bz = new Number(-0);
var bn = Object(NaN);
var bx = new Number(1.5);
bx.extra = "x";
var same = bx;
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    return [typeof bz, hex(bz.valueOf()), hex(Number.prototype.valueOf.call(bn)), hex(+bx), bx.extra,
      Object.keys(bx).join(","), String(same === bx), String(bx instanceof Number),
      Object.prototype.toString.call(bz), String(bx == 1.5), String(bx === 1.5)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
