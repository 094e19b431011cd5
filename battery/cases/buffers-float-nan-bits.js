// Float32/Float64 arrays holding NaNs with payloads and signalling bits, compared by raw bytes.
var raw = new Uint32Array([0x7fc00001, 0xffbfffff, 0x7f800001, 0x00000001]);
var f32 = new Float32Array(raw.buffer);
var copied = new Float32Array(f32);   // element-wise copy (may canonicalize)
var f64 = new Float64Array(2);
new Uint32Array(f64.buffer).set([0x1, 0x7ff00000, 0xffffffff, 0xffffffff]);
function hexBytes(ta) {
  var b = new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength), s = "";
  for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    return [hexBytes(f32), hexBytes(copied), hexBytes(f64), String(f32[0] !== f32[0])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
