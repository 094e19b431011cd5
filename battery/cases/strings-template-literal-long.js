// Strings produced by repeated template-literal interpolation and String.prototype methods.
var acc = "";
for (var i = 0; i < 400; i++) acc = `${acc}[${i}:${(i * 7) % 13}]`;
var padded = "7".padStart(10, "0") + "|" + "x".padEnd(5, "-");
var trimmed = "  \t space \n".trim();
function checksum(s) {
  var h = 0;
  for (var i = 0; i < s.length; i++) h = (h * 33 + s.charCodeAt(i)) | 0;
  return h;
}
function probe() {
  try {
    return [String(acc.length), String(checksum(acc)), acc.slice(0, 20), padded, trimmed].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
