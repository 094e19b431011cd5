// Non-BMP characters: UTF-16 length 2, code points, iteration, use as a key.
var smile = "\uD83D\uDE00";       // U+1F600
var lit = "😀x😀";
var fromCP = String.fromCodePoint(0x1F600, 0x10FFFF);
var obj = {};
obj[lit] = "k";
function codes(s) {
  var out = [];
  for (var i = 0; i < s.length; i++) out.push(s.charCodeAt(i).toString(16));
  return out.join(" ");
}
function probe() {
  try {
    var iterated = [];
    for (var ch of lit) iterated.push(ch.length);
    return [String(smile.length), String(lit.length), codes(lit), String(lit.codePointAt(0)),
      codes(fromCP), iterated.join(","), String(smile === "😀"), String(obj["😀x😀"]),
      String(Array.from(lit).length)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
