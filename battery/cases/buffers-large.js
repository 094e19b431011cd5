// A 4 MiB buffer with a pattern, plus a small view near its end.
var big = new ArrayBuffer(4 * 1024 * 1024);
var u32 = new Uint32Array(big);
for (var i = 0; i < u32.length; i += 1021) u32[i] = (i * 2654435761) >>> 0;
var tail = new Uint8Array(big, big.byteLength - 4);
tail[3] = 0x7f;
function probe() {
  try {
    var h = 0;
    for (var i = 0; i < u32.length; i += 1021) h = (h * 31 + u32[i]) | 0;
    return [String(big.byteLength), String(h), String(tail[3]), String(u32[u32.length - 1] >>> 24)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
