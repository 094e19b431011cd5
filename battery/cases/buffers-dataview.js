// DataView reads and writes with both endiannesses and every accessor.
var dv = new DataView(new ArrayBuffer(32), 2, 24);
dv.setInt8(0, -128);
dv.setUint16(1, 0xABCD, true);
dv.setInt32(3, -2, false);
dv.setFloat32(7, Math.PI, true);
dv.setFloat64(11, -1e300, false);
dv.setUint32(19, 0xDEADBEEF, true);
function probe() {
  try {
    return [String(dv.getInt8(0)), dv.getUint16(1, true).toString(16), dv.getUint16(1, false).toString(16),
      String(dv.getInt32(3)), String(dv.getFloat32(7, true)), String(dv.getFloat64(11)),
      dv.getUint32(19, true).toString(16), String(dv.byteOffset), String(dv.byteLength),
      String(dv.buffer.byteLength)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
