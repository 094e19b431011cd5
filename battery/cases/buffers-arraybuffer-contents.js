// ArrayBuffer contents written in setup (every byte value), read back byte by byte.
var buf = new ArrayBuffer(256);
var u8 = new Uint8Array(buf);
for (var i = 0; i < 256; i++) u8[i] = (i * 37 + 11) & 255;
var empty = new ArrayBuffer(0);
var odd = new ArrayBuffer(13);
new Uint8Array(odd).fill(0xA5);
function hexAll(b) {
  var v = new Uint8Array(b), s = "";
  for (var i = 0; i < v.length; i++) s += (v[i] < 16 ? "0" : "") + v[i].toString(16);
  return s;
}
function probe() {
  try {
    return [String(buf.byteLength), hexAll(buf), String(empty.byteLength), hexAll(odd),
      Object.prototype.toString.call(buf), String(ArrayBuffer.isView(u8))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
