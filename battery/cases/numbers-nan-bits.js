// NaN payloads: a non-canonical NaN stored in a Float64Array must keep its bytes; NaN values
// held in JS slots are reported by their bits too.
var u32 = new Uint32Array([0x00000001, 0x7ff00000, 0xdeadbeef, 0xfff80000]);
var f64 = new Float64Array(u32.buffer);      // two NaNs with odd payloads
var plainNaN = NaN;
var computedNaN = 0 / 0;
var fromArr = f64[0];
var holder = { n: f64[1], m: NaN };
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function rawHex(ta) {
  var b = new Uint8Array(ta.buffer), s = "";
  for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    return [rawHex(f64), hex(plainNaN), hex(computedNaN), hex(fromArr), hex(holder.n), hex(holder.m),
      String(isNaN(fromArr)), String(f64[0] !== f64[0])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
