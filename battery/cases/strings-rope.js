// A string built from thousands of concatenations (a rope / cons string) and never flattened
// in setup; a second one that was used as a property key.
var rope = "";
for (var i = 0; i < 3000; i++) rope = rope + String.fromCharCode(97 + (i % 26)) + (i % 10);
var rope2 = "";
for (var j = 0; j < 500; j++) rope2 = "<" + rope2 + ">";
var keyed = {};
keyed[rope2] = "found";
function checksum(s) {
  var h = 0;
  for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}
function probe() {
  try {
    var again = "";
    for (var j = 0; j < 500; j++) again = "<" + again + ">";
    return [String(rope.length), String(checksum(rope)), rope.slice(0, 12), rope.slice(-6),
      String(rope2.length), String(keyed[again]), String(again === rope2), String(checksum(rope2))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
