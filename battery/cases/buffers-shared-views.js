// Two views over one buffer must still share it after restore: write through one,
// read through the other.
var buf = new ArrayBuffer(16);
var bytes = new Uint8Array(buf);
var words = new Uint32Array(buf);
var floats = new Float64Array(buf, 8, 1);
var dv = new DataView(buf, 4, 8);
words[0] = 0x11223344;
function probe() {
  try {
    var r = [bytes[0].toString(16), String(bytes.buffer === words.buffer), String(floats.buffer === buf)];
    bytes[1] = 0xff;
    r.push(words[0].toString(16));
    floats[0] = -0;
    r.push(bytes[15].toString(16));
    dv.setUint16(0, 0xBEEF);
    r.push(bytes[4].toString(16) + bytes[5].toString(16), words[1].toString(16));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
