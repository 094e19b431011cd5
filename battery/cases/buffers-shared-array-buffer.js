// A SharedArrayBuffer (if the engine exposes one) with two views and an Atomics update.
var hasSAB = typeof SharedArrayBuffer === "function";
var sab = hasSAB ? new SharedArrayBuffer(16) : null;
var i32 = hasSAB ? new Int32Array(sab) : null;
var u8 = hasSAB ? new Uint8Array(sab) : null;
if (hasSAB) {
  i32[0] = 0x01020304;
  if (typeof Atomics === "object") Atomics.add(i32, 1, 5);
}
function probe() {
  try {
    if (!hasSAB) return "no SharedArrayBuffer";
    u8[8] = 0xff;
    return [String(sab.byteLength), u8[0].toString(16), String(i32[1]), String(i32[2]), String(i32.buffer === sab),
      Object.prototype.toString.call(sab)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
