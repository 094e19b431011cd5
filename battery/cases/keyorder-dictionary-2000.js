// An object with 2000 properties (dictionary mode), some deleted and re-added; full order
// is compared by a checksum, and lookups by name must work (string hashing after restore).
var big = {};
for (var i = 0; i < 2000; i++) big["p" + i] = i;
for (var j = 0; j < 2000; j += 7) delete big["p" + j];
for (var k = 0; k < 2000; k += 49) big["p" + k] = -k;
big[123] = "int";
function checksum(keys) {
  var h = 0;
  for (var i = 0; i < keys.length; i++)
    for (var c = 0; c < keys[i].length; c++) h = (h * 31 + keys[i].charCodeAt(c)) | 0;
  return h;
}
function probe() {
  try {
    var keys = Object.keys(big);
    return [String(keys.length), keys.slice(0, 5).join(","), keys.slice(-5).join(","), String(checksum(keys)),
      String(big.p1), String(big.p7), String(big.p49), String(big["p" + 1999]), String(big[123]),
      String("p14" in big)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
