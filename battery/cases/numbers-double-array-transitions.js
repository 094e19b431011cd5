// Arrays that changed element kinds during setup (ints -> doubles -> objects) keep exact values.
var ints = [1, 2, 3];
ints.push(0.1);             // now doubles
var mixed = [0.1, 0.2];
mixed.push("s");            // now generic
mixed.push(0.30000000000000004);
var shrunk = [1.5, 2.5, 3.5, 4.5];
shrunk.length = 2;
shrunk.push(1e-310);
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    return [ints.map(hex).join(","), mixed.map(function (x) { return typeof x === "number" ? hex(x) : x; }).join(","),
      shrunk.map(hex).join(","), String(ints.length), String(mixed.length), String(shrunk.length)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
