// A double held in a closure's context, mutated by each call.
var inc = (function () {
  var x = 0.1;
  return function () { x += 0.1; return x; };
})();
inc(); inc();
var negz = (function () { var z = -0; return function () { return z; }; })();
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    var a = inc(), b = inc();
    return [hex(a), hex(b), String(a), String(Object.is(negz(), -0))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
