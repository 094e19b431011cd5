// A 1e6-character string (and a two-byte one), checked by length and sampled checksums.
var big = "ab".repeat(500000);
var parts = [];
for (var i = 0; i < 1000; i++) parts.push(String(i % 10).repeat(1000));
var joined = parts.join("");
var twoByte = "\u0101\u4e2d".repeat(250000);
function sample(s) {
  var h = 0;
  for (var i = 0; i < s.length; i += 997) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
function probe() {
  try {
    return [String(big.length), String(joined.length), String(twoByte.length), String(sample(big)),
      String(sample(joined)), String(sample(twoByte)), joined.substr(999990, 20),
      String(twoByte.charCodeAt(499999)), String(big.lastIndexOf("ba"))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
