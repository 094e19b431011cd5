// Substrings of a large string kept while the parent is dropped (engines may keep a slice
// pointing into the parent).
var parent = "";
for (var i = 0; i < 2000; i++) parent += "segment-" + i + ";";
parent = parent + "";
var mid = parent.substring(5000, 5100);
var tail = parent.slice(-50);
var one = parent.substr(12, 1);
parent = null;
function probe() {
  try {
    return [mid, tail, one, String(mid.length), String(tail.length), String(mid.indexOf(";")),
      String(mid === mid.slice(0))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
