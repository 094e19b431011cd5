// Subarrays and views at non-zero offsets; writes through the parent must be visible.
var base = new Uint16Array(16);
for (var i = 0; i < 16; i++) base[i] = i * 100;
var sub = base.subarray(3, 9);
var subsub = sub.subarray(2);
var bytesAt = new Uint8Array(base.buffer, 6, 4);
var neg = base.subarray(-3);
function probe() {
  try {
    base[5] = 9999;
    return [String(sub.byteOffset), String(sub.length), String(subsub.byteOffset), String(subsub[0]),
      String(bytesAt[0]), String(neg.length) + ":" + neg[0], String(sub.buffer === base.buffer),
      Array.prototype.join.call(sub, ","), String(bytesAt.byteOffset)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
